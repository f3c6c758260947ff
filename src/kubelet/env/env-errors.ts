// Why a container's configuration could not be built: the kubelet reports the
// container as waiting with this reason and the message as upstream words it.
export class ContainerConfigError extends Error {
  readonly reason = "CreateContainerConfigError" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ContainerConfigError";
  }
}

/** A fieldPath or resource the downward API does not offer. */
export class DownwardApiError extends Error {
  readonly reason = "UnsupportedDownwardApiField" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DownwardApiError";
  }
}
