// A volume that could not be set up: the kubelet records a FailedMount event
// with this message and keeps the pod in ContainerCreating until a retry works.
export class VolumeMountError extends Error {
  readonly reason = "FailedMount" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VolumeMountError";
  }
}

/** What went wrong inside one volume plugin, before it is worded as the volume's FailedMount. */
export class VolumeSourceError extends Error {
  readonly reason = "VolumeSourceFailed" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VolumeSourceError";
  }
}
