// The one error type of patch application. The API server maps it to a
// Kubernetes Status (upstream answers 422 for a patch that cannot apply).

export type PatchErrorReason =
  | "InvalidPatch" // the patch body is malformed or asks for something impossible
  | "TestFailed" // a JSON Patch "test" operation found a different value
  | "PathNotFound"; // a JSON Patch operation names a location that does not exist

export class PatchError extends Error {
  constructor(
    readonly reason: PatchErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "PatchError";
  }
}
