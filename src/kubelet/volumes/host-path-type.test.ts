import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkHostPathType } from "./host-path-type.ts";
import { VolumeSourceError } from "./volume-errors.ts";

describe("checkHostPathType", () => {
  const root = mkdtempSync(join(tmpdir(), "skiff-hostpath-"));
  const dir = join(root, "dir");
  const file = join(root, "file");
  const missing = join(root, "missing");
  mkdirSync(dir);
  writeFileSync(file, "x");
  after(() => rmSync(root, { recursive: true, force: true }));

  const cases: [string, string, string | undefined, string | null][] = [
    ["no type accepts anything, even nothing", missing, "", null],
    ["Directory on a directory", dir, "Directory", null],
    ["Directory on a file", file, "Directory", `hostPath type check failed: ${file} is not a directory`],
    ["Directory on nothing", missing, "Directory", `hostPath type check failed: ${missing} is not a directory`],
    ["DirectoryOrCreate on a file", file, "DirectoryOrCreate", `hostPath type check failed: ${file} is not a directory`],
    ["File on a file", file, "File", null],
    ["File on a directory", dir, "File", `hostPath type check failed: ${dir} is not a file`],
    ["FileOrCreate on a directory", dir, "FileOrCreate", `hostPath type check failed: ${dir} is not a file`],
    ["Socket on a file", file, "Socket", `hostPath type check failed: ${file} is not a socket file`],
    ["CharDevice on a file", file, "CharDevice", `hostPath type check failed: ${file} is not a character device`],
    ["CharDevice on /dev/null", "/dev/null", "CharDevice", null],
    ["BlockDevice on a directory", dir, "BlockDevice", `hostPath type check failed: ${dir} is not a block device`],
    ["an unknown type", dir, "Pipe", "Pipe is an invalid volume type"],
  ];
  for (const [name, path, type, message] of cases) {
    test(name, () => {
      if (message === null) assert.doesNotThrow(() => checkHostPathType(path, type));
      else assert.throws(() => checkHostPathType(path, type), (e: unknown) => e instanceof VolumeSourceError && e.message === message);
    });
  }

  test("DirectoryOrCreate and FileOrCreate make what is missing", () => {
    checkHostPathType(join(root, "made/deep"), "DirectoryOrCreate");
    assert.ok(statSync(join(root, "made/deep")).isDirectory());
    checkHostPathType(join(root, "made-file"), "FileOrCreate");
    assert.ok(statSync(join(root, "made-file")).isFile());
  });

  test("Socket on a listening unix socket", async () => {
    const socketPath = join(root, "s.sock");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    try {
      assert.doesNotThrow(() => checkHostPathType(socketPath, "Socket"));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
