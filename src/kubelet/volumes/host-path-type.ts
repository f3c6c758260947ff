// hostPath volumes' type check: what must be at the path (and what the
// ...OrCreate types make when nothing is), with upstream's messages.
import { closeSync, mkdirSync, openSync, statSync, type Stats } from "node:fs";
import { VolumeSourceError } from "./volume-errors.ts";

export type HostPathType = "" | "DirectoryOrCreate" | "Directory" | "FileOrCreate" | "File" | "Socket" | "CharDevice" | "BlockDevice";

export function checkHostPathType(path: string, type: string | undefined): void {
  const found = statOrUndefined(path);
  switch (type ?? "") {
    case "":
      return;
    case "DirectoryOrCreate":
      if (!found) {
        mkdirSync(path, { recursive: true, mode: 0o755 });
        return;
      }
      if (!found.isDirectory()) throw notA(path, "a directory");
      return;
    case "Directory":
      if (!found?.isDirectory()) throw notA(path, "a directory");
      return;
    case "FileOrCreate":
      if (!found) {
        closeSync(openSync(path, "a", 0o644));
        return;
      }
      if (!found.isFile()) throw notA(path, "a file");
      return;
    case "File":
      if (!found?.isFile()) throw notA(path, "a file");
      return;
    case "Socket":
      if (!found?.isSocket()) throw notA(path, "a socket file");
      return;
    case "CharDevice":
      if (!found?.isCharacterDevice()) throw notA(path, "a character device");
      return;
    case "BlockDevice":
      if (!found?.isBlockDevice()) throw notA(path, "a block device");
      return;
    default:
      throw new VolumeSourceError(`${type} is an invalid volume type`);
  }
}

function notA(path: string, what: string): VolumeSourceError {
  return new VolumeSourceError(`hostPath type check failed: ${path} is not ${what}`);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}
