import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogNotFoundError, streamContainerLog } from "./container-logs.ts";

let root: string;
const dir = () => join(root, "default_talker_uid-1", "main");
const record = (text: string, tag = "F") => `2026-01-01T00:00:0${Math.floor(Math.random() * 9)}Z stdout ${tag} ${text}\n`;

before(async () => {
  root = await mkdtemp(join(tmpdir(), "skiff-logs-"));
  await mkdir(dir(), { recursive: true });
  await writeFile(join(dir(), "0.log"), record("run zero"));
  await writeFile(join(dir(), "1.log"), record("one") + record("tw", "P"));
});
after(() => rm(root, { recursive: true, force: true }));

async function collect(request: Parameters<typeof streamContainerLog>[1], follow?: Parameters<typeof streamContainerLog>[3]): Promise<string> {
  const chunks: Buffer[] = [];
  await streamContainerLog(root, request, (c) => chunks.push(c), follow);
  return Buffer.concat(chunks).toString();
}

const base = { namespace: "default", pod: "talker", container: "main" };

describe("container log files", () => {
  test("the newest attempt's complete lines; --previous the one before", async () => {
    assert.equal(await collect(base), "one\n");
    assert.equal(await collect({ ...base, previous: true }), "run zero\n");
  });

  test("unknown container or no previous attempt: LogNotFound", async () => {
    await assert.rejects(collect({ ...base, container: "other" }), LogNotFoundError);
    await assert.rejects(collect({ ...base, pod: "ghost" }), LogNotFoundError);
  });

  test("follow: appended bytes finish the partial line, then the next attempt's file, until the container stops", async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    let running = true;
    const done = streamContainerLog(root, { ...base, follow: true }, (c) => chunks.push(c.toString()), { pollMs: 10, signal: controller.signal, stillWriting: async () => running });
    await new Promise((r) => setTimeout(r, 50));
    await appendFile(join(dir(), "1.log"), record("o"));
    await new Promise((r) => setTimeout(r, 50));
    await writeFile(join(dir(), "2.log"), record("after restart"));
    await new Promise((r) => setTimeout(r, 50));
    running = false;
    await done;
    assert.equal(chunks.join(""), "one\ntwo\nafter restart\n");
  });

  test("follow ends when the client goes away", async () => {
    const controller = new AbortController();
    const done = collect({ ...base, follow: true }, { pollMs: 10, signal: controller.signal, stillWriting: async () => true });
    setTimeout(() => controller.abort(), 30);
    assert.match(await done, /after restart\n$/);
  });
});
