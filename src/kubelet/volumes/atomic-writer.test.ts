import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DATA_DIR_NAME, validatePayloadPath, writeAtomically, type Payload } from "./atomic-writer.ts";
import { VolumeSourceError } from "./volume-errors.ts";

const file = (text: string, mode = 0o644) => ({ content: Buffer.from(text), mode });

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "skiff-atomic-"));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe("writeAtomically", () => {
  test("lays files out behind ..data and per-name symlinks, with their modes", () =>
    withDir(async (dir) => {
      const payload: Payload = new Map([
        ["a.txt", file("alpha", 0o600)],
        ["nested/b.txt", file("beta", 0o440)],
      ]);
      assert.equal(await writeAtomically(dir, payload, new Date(Date.UTC(2024, 0, 31, 12, 0, 5))), true);
      const dataTarget = await readlink(join(dir, DATA_DIR_NAME));
      assert.match(dataTarget, /^\.\.2024_01_31_12_00_05\.\d+$/);
      assert.equal(await readlink(join(dir, "a.txt")), "..data/a.txt");
      assert.equal(await readlink(join(dir, "nested")), "..data/nested");
      assert.equal(await readFile(join(dir, "nested", "b.txt"), "utf8"), "beta");
      assert.equal((await stat(join(dir, "a.txt"))).mode & 0o777, 0o600);
      assert.equal((await stat(join(dir, "nested/b.txt"))).mode & 0o777, 0o440);
      assert.deepEqual((await readdir(dir)).sort(), [DATA_DIR_NAME, dataTarget, "a.txt", "nested"].sort());
    }));

  test("an unchanged payload writes nothing; a change swaps ..data and drops names no longer present", () =>
    withDir(async (dir) => {
      await writeAtomically(dir, new Map([["keep", file("1")], ["gone", file("2")]]));
      const first = await readlink(join(dir, DATA_DIR_NAME));
      assert.equal(await writeAtomically(dir, new Map([["keep", file("1")], ["gone", file("2")]])), false);
      assert.equal(await readlink(join(dir, DATA_DIR_NAME)), first);

      assert.equal(await writeAtomically(dir, new Map([["keep", file("changed")], ["new", file("3")]])), true);
      const second = await readlink(join(dir, DATA_DIR_NAME));
      assert.notEqual(second, first);
      assert.equal(await readFile(join(dir, "keep"), "utf8"), "changed");
      assert.equal(await readFile(join(dir, "new"), "utf8"), "3");
      await assert.rejects(lstat(join(dir, "gone")), { code: "ENOENT" });
      await assert.rejects(lstat(join(dir, first)), { code: "ENOENT" });
    }));

  test("a mode change alone is a change", () =>
    withDir(async (dir) => {
      await writeAtomically(dir, new Map([["k", file("v", 0o644)]]));
      assert.equal(await writeAtomically(dir, new Map([["k", file("v", 0o400)]])), true);
      assert.equal((await stat(join(dir, "k"))).mode & 0o777, 0o400);
    }));
});

describe("validatePayloadPath", () => {
  const bad: [string, string][] = [
    ["", "invalid path: must not be empty"],
    ["/etc/passwd", "invalid path: must be relative path: /etc/passwd"],
    ["a/../b", "invalid path: must not contain '..': a/../b"],
    ["..hidden", "invalid path: must not start with '..': ..hidden"],
  ];
  for (const [path, message] of bad) {
    test(`refuses ${JSON.stringify(path)}`, () => {
      assert.throws(() => validatePayloadPath(path), (e: unknown) => e instanceof VolumeSourceError && e.message === message);
    });
  }
  test("accepts nested relative paths", () => {
    assert.doesNotThrow(() => validatePayloadPath("dir/file.conf"));
  });
});
