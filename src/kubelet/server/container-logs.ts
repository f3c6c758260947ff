// Reading a container's CRI log files for /containerLogs: the file of the
// current (or previous) attempt, and with follow the bytes appended later and
// the file of the next attempt once the container restarts.
import { open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { joinRecords, parseRecords, renderLine, renderLines, type LogLine, type LogOptions } from "./cri-log.ts";

export class LogNotFoundError extends Error {
  readonly reason = "LogNotFound" as const;
}

export interface LogRequest extends LogOptions {
  namespace: string;
  pod: string;
  container: string;
  previous?: boolean;
  follow?: boolean;
}

export interface FollowControl {
  /** Whether the runtime may still append (the container of the followed attempt is running). */
  stillWriting(): Promise<boolean>;
  pollMs: number;
  signal: AbortSignal;
}

/** The container's log folder of the newest pod incarnation with that namespace and name. */
async function containerDir(logsRoot: string, request: LogRequest): Promise<string> {
  const prefix = `${request.namespace}_${request.pod}_`;
  const entries = (await readdir(logsRoot).catch(() => [] as string[])).filter((e) => e.startsWith(prefix));
  const dated = await Promise.all(entries.map(async (e) => ({ dir: join(logsRoot, e, request.container), mtimeMs: (await stat(join(logsRoot, e, request.container)).catch(() => undefined))?.mtimeMs })));
  const newest = dated.filter((d) => d.mtimeMs !== undefined).sort((a, b) => b.mtimeMs! - a.mtimeMs!)[0];
  if (newest === undefined) throw new LogNotFoundError(`container "${request.container}" in pod "${request.pod}" has no logs`);
  return newest.dir;
}

async function attempts(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.flatMap((n) => (/^\d+\.log$/.test(n) ? [Number.parseInt(n, 10)] : [])).sort((a, b) => a - b);
}

/** Writes the requested log to write(); resolves when done (at once without follow). */
export async function streamContainerLog(logsRoot: string, request: LogRequest, write: (chunk: Buffer) => void, follow?: FollowControl): Promise<void> {
  const dir = await containerDir(logsRoot, request);
  const known = await attempts(dir);
  const attempt = request.previous ? known.at(-2) : known.at(-1);
  if (attempt === undefined) {
    throw new LogNotFoundError(request.previous ? `previous terminated container "${request.container}" in pod "${request.pod}" not found` : `container "${request.container}" in pod "${request.pod}" has no logs`);
  }
  let current = attempt;
  let handle = await open(join(dir, `${current}.log`), "r");
  try {
    let offset = 0;
    let rest = "";
    let pending: LogLine | undefined;
    let budget = request.limitBytes ?? Number.POSITIVE_INFINITY;
    const readMore = async (): Promise<LogLine[]> => {
      const chunks: Buffer[] = [];
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
      }
      const parsed = parseRecords(rest + Buffer.concat(chunks).toString("utf8"));
      rest = parsed.rest;
      const joined = joinRecords(parsed.records, pending);
      pending = joined.pending;
      return joined.lines;
    };
    const emit = (bytes: Buffer) => {
      const part = bytes.subarray(0, Math.min(bytes.length, budget));
      budget -= part.length;
      if (part.length > 0) write(part);
    };
    emit(renderLines(await readMore(), { ...request, limitBytes: undefined }));
    if (!request.follow || follow === undefined) return;
    const since = request.sinceMs;
    for (let idle = 0; budget > 0 && !follow.signal.aborted; ) {
      await new Promise((resolve) => setTimeout(resolve, follow.pollMs));
      const lines = (await readMore()).filter((l) => since === undefined || l.timeMs >= since);
      if (lines.length > 0) {
        emit(Buffer.from(lines.map((l) => renderLine(l, request.timestamps ?? false)).join("")));
        idle = 0;
        continue;
      }
      const next = (await attempts(dir)).find((a) => a > current);
      if (next !== undefined && !request.previous) {
        await handle.close();
        current = next;
        handle = await open(join(dir, `${current}.log`), "r");
        offset = 0;
        rest = "";
        pending = undefined;
        continue;
      }
      // Checking the runtime every few idle polls: a stopped container writes no more.
      if (++idle % 5 === 0 && !(await follow.stillWriting())) {
        emit(Buffer.from(renderLines(await readMore(), {}).toString()));
        return;
      }
    }
  } finally {
    await handle.close();
  }
}
