// The CRI container log format the runtime writes, one record a line:
// "<RFC3339Nano time> <stdout|stderr> <F|P> <text>", where P marks a piece of
// a longer line continued by the next record. These functions turn records
// into what `kubectl logs` prints, honouring upstream's log options.

export interface LogRecord {
  /** The record's time as written (RFC 3339 with nanoseconds). */
  time: string;
  /** Milliseconds since the epoch, for since filters. */
  timeMs: number;
  stream: "stdout" | "stderr";
  partial: boolean;
  text: string;
}

export interface LogOptions {
  timestamps?: boolean;
  tailLines?: number;
  /** Only lines at or after this time (ms since the epoch). */
  sinceMs?: number;
  limitBytes?: number;
}

export class MalformedLogLineError extends Error {
  readonly reason = "MalformedLogLine" as const;
}

export function parseLogRecord(line: string): LogRecord {
  const first = line.indexOf(" ");
  const second = line.indexOf(" ", first + 1);
  const third = line.indexOf(" ", second + 1);
  const tagEnd = third === -1 ? line.length : third;
  if (first <= 0 || second === -1) throw new MalformedLogLineError(`log line without time and stream: ${JSON.stringify(line.slice(0, 80))}`);
  const time = line.slice(0, first);
  const stream = line.slice(first + 1, second);
  const tag = line.slice(second + 1, tagEnd);
  const timeMs = Date.parse(time);
  if (Number.isNaN(timeMs)) throw new MalformedLogLineError(`log line with an unreadable time: ${JSON.stringify(time)}`);
  if (stream !== "stdout" && stream !== "stderr") throw new MalformedLogLineError(`log line with unknown stream ${JSON.stringify(stream)}`);
  if (tag !== "F" && tag !== "P") throw new MalformedLogLineError(`log line with unknown tag ${JSON.stringify(tag)}`);
  return { time, timeMs, stream, partial: tag === "P", text: third === -1 ? "" : line.slice(third + 1) };
}

/** One printed line: partial records joined, stamped with the time of its first piece. */
export interface LogLine {
  time: string;
  timeMs: number;
  text: string;
}

/**
 * Joins records into lines; a trailing run of partial records is returned as
 * `pending` (its line is not complete yet) so that a follower can continue it.
 */
export function joinRecords(records: readonly LogRecord[], pending?: LogLine): { lines: LogLine[]; pending: LogLine | undefined } {
  const lines: LogLine[] = [];
  let current = pending;
  for (const record of records) {
    current = current === undefined ? { time: record.time, timeMs: record.timeMs, text: record.text } : { ...current, text: current.text + record.text };
    if (!record.partial) {
      lines.push({ ...current, text: `${current.text}\n` });
      current = undefined;
    }
  }
  return { lines, pending: current };
}

export function renderLine(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${line.time} ${line.text}` : line.text;
}

/** Applies since, tail, timestamps and limitBytes to complete lines (the non-follow answer). */
export function renderLines(lines: readonly LogLine[], options: LogOptions): Buffer {
  const since = options.sinceMs;
  let chosen = since === undefined ? lines : lines.filter((l) => l.timeMs >= since);
  if (options.tailLines !== undefined) chosen = options.tailLines <= 0 ? [] : chosen.slice(-options.tailLines);
  const bytes = Buffer.from(chosen.map((l) => renderLine(l, options.timestamps ?? false)).join(""));
  return options.limitBytes === undefined ? bytes : bytes.subarray(0, Math.max(0, options.limitBytes));
}

/** Splits file content into parsed records; an unfinished last line is left over. */
export function parseRecords(content: string): { records: LogRecord[]; rest: string } {
  const end = content.lastIndexOf("\n");
  const whole = end === -1 ? "" : content.slice(0, end);
  const records = whole === "" ? [] : whole.split("\n").filter((l) => l !== "").map(parseLogRecord);
  return { records, rest: content.slice(end + 1) };
}
