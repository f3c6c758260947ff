// SPDY/3 header compression: one zlib stream per direction for the whole
// connection, each header block ending on a byte boundary so the peer can
// decode it on arrival. Incoming blocks are inflated with the SPDY dictionary.
// Outgoing blocks are written as stored (uncompressed) deflate blocks: valid
// zlib for any peer, synchronous, and header blocks here are tiny.
import zlib from "node:zlib";
import { spdyDictionary } from "./spdy-dictionary.ts";
import { decodeHeaderBlock, encodeHeaderBlock } from "./spdy-frames.ts";

/** zlib header: deflate, 32 KiB window, no preset dictionary, check bits valid (0x7801 % 31 == 0). */
const zlibHeader = Buffer.from([0x78, 0x01]);
const maxStored = 0xffff;
const syncFlushMarker = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

export class SpdyHeaderCodec {
  private sentHeader = false;
  /** Everything the peer's compressor produced so far: inflating needs the whole history. */
  private received: Buffer = Buffer.alloc(0);
  private inflatedBytes = 0;

  compress(headers: Record<string, string>): Buffer {
    const plain = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.sentHeader) parts.push(zlibHeader);
    this.sentHeader = true;
    for (let at = 0; at < plain.length || at === 0; at += maxStored) {
      const piece = plain.subarray(at, at + maxStored);
      const head = Buffer.alloc(5);
      head.writeUInt8(0, 0);
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
      if (plain.length === 0) break;
    }
    // The empty stored block a sync flush ends with: inflaters hand out a block's bytes once they see it.
    parts.push(syncFlushMarker);
    return Buffer.concat(parts);
  }

  decompress(block: Buffer): Record<string, string> {
    if (block.length === 0) return {};
    this.received = Buffer.concat([this.received, block]);
    const all = zlib.inflateSync(this.received, { dictionary: spdyDictionary, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const fresh = all.subarray(this.inflatedBytes);
    this.inflatedBytes = all.length;
    return decodeHeaderBlock(fresh);
  }
}
