// Splits a newline-delimited byte stream (a watch's JSON events) into lines
// without decoding the bytes first: each complete line is decoded once, and
// only a line that spans chunks is copied (joined with its start). Multi-byte
// characters split across chunks stay whole because bytes are decoded only
// when their line is complete. Blank lines are skipped.

const NEWLINE = 0x0a;

export class LineSplitter {
  /** The start of a line whose end has not arrived, in the chunks it came in. */
  private pending: Buffer[] = [];

  /** The complete lines the chunk ends (with what came before it). */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let newline = chunk.indexOf(NEWLINE);
    if (newline === -1) {
      if (chunk.length > 0) this.pending.push(chunk);
      return lines;
    }
    let start = 0;
    if (this.pending.length > 0) {
      // Only the first line of the chunk joins the pending bytes.
      const first = Buffer.concat([...this.pending, chunk.subarray(0, newline)]);
      this.pending = [];
      addLine(lines, first, 0, first.length);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    while (newline !== -1) {
      addLine(lines, chunk, start, newline);
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    // A copy, so a short tail does not keep the whole chunk's memory alive.
    if (start < chunk.length) this.pending.push(Buffer.from(chunk.subarray(start)));
    return lines;
  }

  /** What is left when the stream ends: a last line without a newline, if any. */
  end(): string[] {
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    const lines: string[] = [];
    addLine(lines, rest, 0, rest.length);
    return lines;
  }
}

function addLine(lines: string[], bytes: Buffer, start: number, end: number): void {
  for (let index = start; index < end; index++) {
    const byte = bytes[index] as number;
    // Space, tab, carriage return: a line of only these is blank.
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
      lines.push(bytes.toString("utf8", start, end));
      return;
    }
  }
}
