// SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 plus 3.1's flow control
// frame), as kubectl, the kubelet and container runtimes speak it for
// remotecommand and port-forward. Pure: bytes in, frames out and back; header
// blocks stay compressed here (see spdy-header-codec.ts).

export const spdyVersion = 3;
export const flagFin = 0x01;
export const flagUnidirectional = 0x02;

export type SpdyFrame =
  | { type: "data"; streamId: number; fin: boolean; data: Buffer }
  | { type: "synStream"; streamId: number; associatedId: number; priority: number; fin: boolean; unidirectional: boolean; headerBlock: Buffer }
  | { type: "synReply"; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: "rstStream"; streamId: number; status: number }
  | { type: "settings"; payload: Buffer }
  | { type: "ping"; id: number }
  | { type: "goaway"; lastGoodStreamId: number; status: number }
  | { type: "headers"; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: "windowUpdate"; streamId: number; delta: number }
  | { type: "unknown"; code: number; flags: number; payload: Buffer };

const controlCodes = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goaway: 7, headers: 8, windowUpdate: 9 } as const;

export class SpdyProtocolError extends Error {
  readonly reason = "SpdyProtocolError" as const;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function control(code: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | spdyVersion, 0);
  head.writeUInt16BE(code, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

export function encodeFrame(frame: SpdyFrame): Buffer {
  switch (frame.type) {
    case "data": {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      head.writeUInt32BE(((frame.fin ? flagFin : 0) << 24) | frame.data.length, 4);
      return Buffer.concat([head, frame.data]);
    }
    case "synStream": {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      fixed.writeUInt32BE(frame.associatedId & 0x7fffffff, 4);
      fixed.writeUInt8((frame.priority & 0x7) << 5, 8);
      const flags = (frame.fin ? flagFin : 0) | (frame.unidirectional ? flagUnidirectional : 0);
      return control(controlCodes.synStream, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case "synReply":
      return control(controlCodes.synReply, frame.fin ? flagFin : 0, Buffer.concat([u32(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case "headers":
      return control(controlCodes.headers, frame.fin ? flagFin : 0, Buffer.concat([u32(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case "rstStream":
      return control(controlCodes.rstStream, 0, Buffer.concat([u32(frame.streamId & 0x7fffffff), u32(frame.status)]));
    case "settings":
      return control(controlCodes.settings, 0, frame.payload);
    case "ping":
      return control(controlCodes.ping, 0, u32(frame.id));
    case "goaway":
      return control(controlCodes.goaway, 0, Buffer.concat([u32(frame.lastGoodStreamId & 0x7fffffff), u32(frame.status)]));
    case "windowUpdate":
      return control(controlCodes.windowUpdate, 0, Buffer.concat([u32(frame.streamId & 0x7fffffff), u32(frame.delta & 0x7fffffff)]));
    case "unknown":
      return control(frame.code, frame.flags, frame.payload);
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame too short (${payload.length} bytes)`);
}

function decodeControl(code: number, flags: number, payload: Buffer): SpdyFrame {
  const fin = (flags & flagFin) !== 0;
  switch (code) {
    case controlCodes.synStream:
      need(payload, 10, "SYN_STREAM");
      return {
        type: "synStream",
        streamId: payload.readUInt32BE(0) & 0x7fffffff,
        associatedId: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload.readUInt8(8) >> 5,
        fin,
        unidirectional: (flags & flagUnidirectional) !== 0,
        headerBlock: payload.subarray(10),
      };
    case controlCodes.synReply:
      need(payload, 4, "SYN_REPLY");
      return { type: "synReply", streamId: payload.readUInt32BE(0) & 0x7fffffff, fin, headerBlock: payload.subarray(4) };
    case controlCodes.headers:
      need(payload, 4, "HEADERS");
      return { type: "headers", streamId: payload.readUInt32BE(0) & 0x7fffffff, fin, headerBlock: payload.subarray(4) };
    case controlCodes.rstStream:
      need(payload, 8, "RST_STREAM");
      return { type: "rstStream", streamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case controlCodes.settings:
      return { type: "settings", payload };
    case controlCodes.ping:
      need(payload, 4, "PING");
      return { type: "ping", id: payload.readUInt32BE(0) };
    case controlCodes.goaway:
      need(payload, 4, "GOAWAY");
      return { type: "goaway", lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.length >= 8 ? payload.readUInt32BE(4) : 0 };
    case controlCodes.windowUpdate:
      need(payload, 8, "WINDOW_UPDATE");
      return { type: "windowUpdate", streamId: payload.readUInt32BE(0) & 0x7fffffff, delta: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: "unknown", code, flags, payload };
  }
}

/** Accumulates bytes cut at arbitrary places and hands back every whole frame. */
export class SpdyFrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(bytes: Buffer): SpdyFrame[] {
    this.buffered = this.buffered.length === 0 ? bytes : Buffer.concat([this.buffered, bytes]);
    const frames: SpdyFrame[] = [];
    for (;;) {
      if (this.buffered.length < 8) break;
      const length = this.buffered.readUInt32BE(4) & 0xffffff;
      if (this.buffered.length < 8 + length) break;
      const flags = this.buffered.readUInt8(4);
      const payload = Buffer.from(this.buffered.subarray(8, 8 + length));
      const first = this.buffered.readUInt32BE(0);
      if ((first & 0x80000000) !== 0) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== spdyVersion) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        frames.push(decodeControl(first & 0xffff, flags, payload));
      } else {
        frames.push({ type: "data", streamId: first & 0x7fffffff, fin: (flags & flagFin) !== 0, data: payload });
      }
      this.buffered = this.buffered.subarray(8 + length);
    }
    return frames;
  }
}

/** The uncompressed name/value block: a count, then length-prefixed names and values (several values joined by NUL). */
export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [u32(Object.keys(headers).length)];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name.toLowerCase());
    const v = Buffer.from(value);
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): Record<string, string> {
  need(block, 4, "header block of a");
  const count = block.readUInt32BE(0);
  const headers: Record<string, string> = {};
  let at = 4;
  const take = (): string => {
    need(block, at + 4, "header block of a");
    const length = block.readUInt32BE(at);
    at += 4;
    need(block, at + length, "header block of a");
    const text = block.subarray(at, at + length).toString();
    at += length;
    return text;
  };
  for (let i = 0; i < count; i++) {
    const name = take();
    headers[name.toLowerCase()] = take();
  }
  return headers;
}
