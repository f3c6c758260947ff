import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { joinRecords, MalformedLogLineError, parseLogRecord, parseRecords, renderLines } from "./cri-log.ts";

const file = [
  "2026-01-01T00:00:01.000000001Z stdout F first",
  "2026-01-01T00:00:02.5Z stderr P par",
  "2026-01-01T00:00:02.6Z stderr P ti",
  "2026-01-01T00:00:02.7Z stderr F al",
  "2026-01-01T00:00:03Z stdout F ",
  "2026-01-01T00:00:04Z stdout F last with  spaces",
  "",
].join("\n");

const lines = () => joinRecords(parseRecords(file).records).lines;

describe("CRI log records", () => {
  test("a record splits into time, stream, tag and the text after the third space", () => {
    assert.deepEqual(parseLogRecord("2026-01-01T00:00:04Z stdout F last with  spaces"), { time: "2026-01-01T00:00:04Z", timeMs: Date.parse("2026-01-01T00:00:04Z"), stream: "stdout", partial: false, text: "last with  spaces" });
    assert.equal(parseLogRecord("2026-01-01T00:00:04Z stderr P").text, "");
  });

  for (const bad of ["garbage", "2026-01-01T00:00:04Z stdin F x", "2026-01-01T00:00:04Z stdout X x", "yesterday stdout F x"]) {
    test(`malformed: ${JSON.stringify(bad)}`, () => assert.throws(() => parseLogRecord(bad), MalformedLogLineError));
  }

  test("an unfinished last line is left for later", () => {
    const { records, rest } = parseRecords("2026-01-01T00:00:01Z stdout F a\n2026-01-01T00:00:02Z std");
    assert.equal(records.length, 1);
    assert.equal(rest, "2026-01-01T00:00:02Z std");
  });

  test("partial records join into one line stamped with its first piece; a trailing partial waits", () => {
    assert.deepEqual(lines().map((l) => l.text), ["first\n", "partial\n", "\n", "last with  spaces\n"]);
    assert.equal(lines()[1]!.time, "2026-01-01T00:00:02.5Z");
    const open = joinRecords([parseLogRecord("2026-01-01T00:00:05Z stdout P to be")]);
    assert.deepEqual(open.lines, []);
    const closed = joinRecords([parseLogRecord("2026-01-01T00:00:06Z stdout F  continued")], open.pending);
    assert.deepEqual(closed.lines.map((l) => [l.time, l.text]), [["2026-01-01T00:00:05Z", "to be continued\n"]]);
  });

  const cases: [string, Parameters<typeof renderLines>[1], string][] = [
    ["everything", {}, "first\npartial\n\nlast with  spaces\n"],
    ["tail 1", { tailLines: 1 }, "last with  spaces\n"],
    ["tail 0", { tailLines: 0 }, ""],
    ["tail beyond the length", { tailLines: 10 }, "first\npartial\n\nlast with  spaces\n"],
    ["since a time", { sinceMs: Date.parse("2026-01-01T00:00:02.5Z") }, "partial\n\nlast with  spaces\n"],
    ["since and tail", { sinceMs: Date.parse("2026-01-01T00:00:02Z"), tailLines: 2 }, "\nlast with  spaces\n"],
    ["timestamps", { timestamps: true, tailLines: 2 }, "2026-01-01T00:00:03Z \n2026-01-01T00:00:04Z last with  spaces\n"],
    ["limitBytes cuts mid-line", { limitBytes: 8 }, "first\npa"],
    ["limitBytes after tail", { tailLines: 1, limitBytes: 4 }, "last"],
  ];
  for (const [name, options, expected] of cases) {
    test(`render: ${name}`, () => assert.equal(renderLines(lines(), options).toString(), expected));
  }
});
