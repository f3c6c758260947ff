/** A request body that is not a protobuf message Skiff can read (the API server answers 415). */
export class ProtobufDecodeError extends Error {
  readonly reason = "InvalidProtobuf" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProtobufDecodeError";
  }
}

/** An object that cannot be written as protobuf: an unknown kind or a value of the wrong JSON type. */
export class ProtobufEncodeError extends Error {
  readonly reason = "UnencodableObject" as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ProtobufEncodeError";
  }
}
