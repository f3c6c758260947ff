import { test } from "node:test";
import assert from "node:assert/strict";
import { LineSplitter } from "./watch-lines.ts";

const text = '{"type":"ADDED","object":{"name":"ä€😀"}}\n\n  \r\n{"type":"MODIFIED"}\n{"type":"DELETED"}';
const expected = ['{"type":"ADDED","object":{"name":"ä€😀"}}', '{"type":"MODIFIED"}', '{"type":"DELETED"}'];

function split(chunks: Buffer[]): string[] {
  const splitter = new LineSplitter();
  const lines: string[] = [];
  for (const chunk of chunks) lines.push(...splitter.push(chunk));
  lines.push(...splitter.end());
  return lines;
}

test("lines come out whole however the bytes are chunked, multi-byte characters included; blank lines are skipped", () => {
  const bytes = Buffer.from(text, "utf8");
  assert.deepEqual(split([bytes]), expected, "one chunk");
  for (let size = 1; size <= 7; size++) {
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
    assert.deepEqual(split(chunks), expected, `chunks of ${size} bytes`);
  }
  // Every cut point, so a cut inside each multi-byte character is covered.
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.deepEqual(split([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at ${cut}`);
  }
});

test("a line is handed over as soon as its newline arrives; the last one without a newline only at the end", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push(Buffer.from('{"a":1}\n{"b"')), ['{"a":1}']);
  assert.deepEqual(splitter.push(Buffer.from(":2")), []);
  assert.deepEqual(splitter.push(Buffer.from("}\n")), ['{"b":2}']);
  assert.deepEqual(splitter.push(Buffer.from('{"c":3}')), []);
  assert.deepEqual(splitter.end(), ['{"c":3}']);
  assert.deepEqual(splitter.end(), [], "nothing twice");
  assert.deepEqual(new LineSplitter().end(), []);
});
