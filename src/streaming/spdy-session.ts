// The server side of a SPDY/3.1 connection as kubectl uses it: the client
// opens every stream, the server accepts each with a SYN_REPLY, data flows
// both ways, either side half-closes with FIN or aborts with RST_STREAM.
// Transport-free: bytes come in through receive() (cut anywhere) and leave
// through the send callback, so it runs over a socket or inside WebSocket
// messages alike.
import { encodeFrame, SpdyFrameReader, type SpdyFrame } from "./spdy-frames.ts";
import { SpdyHeaderCodec } from "./spdy-header-codec.ts";

/** Largest DATA payload we send in one frame. */
const maxDataFrame = 32 * 1024;
/** RST_STREAM status CANCEL. */
export const rstCancel = 5;

export class SpdyStream {
  onData: (data: Buffer) => void = () => {};
  /** The peer half-closed (FIN) or reset the stream. */
  onEnd: (reset: boolean) => void = () => {};
  private localClosed = false;
  remoteClosed = false;

  constructor(
    readonly id: number,
    readonly headers: Readonly<Record<string, string>>,
    private readonly session: SpdySession,
  ) {}

  write(data: Buffer): void {
    if (this.localClosed) return;
    for (let at = 0; at < data.length; at += maxDataFrame) this.session.sendFrame({ type: "data", streamId: this.id, fin: false, data: data.subarray(at, at + maxDataFrame) });
  }

  /** Half-closes our side (empty DATA with FIN). */
  end(): void {
    if (this.localClosed) return;
    this.localClosed = true;
    this.session.sendFrame({ type: "data", streamId: this.id, fin: true, data: Buffer.alloc(0) });
  }

  reset(status = rstCancel): void {
    this.localClosed = true;
    this.session.sendFrame({ type: "rstStream", streamId: this.id, status });
  }
}

export class SpdySession {
  private readonly reader = new SpdyFrameReader();
  private readonly codec = new SpdyHeaderCodec();
  private readonly streams = new Map<number, SpdyStream>();
  private lastStreamId = 0;
  private closed = false;
  private nextOwnId = -1;

  /** send: bytes for the peer; onStream: a stream the peer opened (already accepted); onGoAway: the peer is done. */
  constructor(
    private readonly send: (bytes: Buffer) => void,
    private readonly onStream: (stream: SpdyStream) => void,
    private readonly onGoAway: () => void = () => {},
  ) {}

  sendFrame(frame: SpdyFrame): void {
    if (!this.closed) this.send(encodeFrame(frame));
  }

  /** Feeds bytes from the peer; throws SpdyProtocolError on a malformed stream. */
  receive(bytes: Buffer): void {
    for (const frame of this.reader.push(bytes)) this.dispatch(frame);
  }

  /** Opens a stream from our side (the client role: odd ids); the peer's data arrives on it like on accepted ones. */
  open(headers: Record<string, string>): SpdyStream {
    const id = (this.nextOwnId += 2);
    const stream = new SpdyStream(id, headers, this);
    this.streams.set(id, stream);
    this.sendFrame({ type: "synStream", streamId: id, associatedId: 0, priority: 0, fin: false, unidirectional: false, headerBlock: this.codec.compress(headers) });
    return stream;
  }

  goAway(): void {
    this.sendFrame({ type: "goaway", lastGoodStreamId: this.lastStreamId, status: 0 });
    this.closed = true;
  }

  private dispatch(frame: SpdyFrame): void {
    switch (frame.type) {
      case "synStream": {
        const headers = this.codec.decompress(frame.headerBlock);
        const stream = new SpdyStream(frame.streamId, headers, this);
        this.streams.set(frame.streamId, stream);
        this.lastStreamId = Math.max(this.lastStreamId, frame.streamId);
        this.sendFrame({ type: "synReply", streamId: frame.streamId, fin: false, headerBlock: this.codec.compress({}) });
        this.onStream(stream);
        if (frame.fin) this.remoteEnd(stream, false);
        return;
      }
      case "data": {
        const stream = this.streams.get(frame.streamId);
        if (stream === undefined || stream.remoteClosed) return;
        if (frame.data.length > 0) stream.onData(frame.data);
        if (frame.fin) this.remoteEnd(stream, false);
        return;
      }
      case "rstStream": {
        const stream = this.streams.get(frame.streamId);
        if (stream !== undefined) this.remoteEnd(stream, true);
        this.streams.delete(frame.streamId);
        return;
      }
      case "headers":
        this.codec.decompress(frame.headerBlock);
        return;
      case "ping":
        this.sendFrame(frame);
        return;
      case "goaway":
        this.onGoAway();
        return;
      case "synReply":
      case "settings":
      case "windowUpdate":
      case "unknown":
        return;
    }
  }

  private remoteEnd(stream: SpdyStream, reset: boolean): void {
    if (stream.remoteClosed) return;
    stream.remoteClosed = true;
    stream.onEnd(reset);
  }
}
