// Writes the files of a configMap, secret, downwardAPI or projected volume so
// a container never sees half an update, the way upstream's AtomicWriter lays
// them out: the files live in a hidden timestamped directory, `..data` is a
// symlink to it, and each visible top-level name is a symlink through
// `..data`. An update writes a new timestamped directory and renames a fresh
// `..data` over the old one, which swaps every file at once.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { VolumeSourceError } from "./volume-errors.ts";

export interface FileProjection {
  content: Buffer;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

/** File contents by relative path (may contain subdirectories). */
export type Payload = Map<string, FileProjection>;

export const DATA_DIR_NAME = "..data";
const NEW_DATA_DIR_NAME = "..data_tmp";

/** Checks a payload path the way upstream does: relative, no `..` element, not starting with `..`. */
export function validatePayloadPath(path: string): void {
  if (path === "") throw new VolumeSourceError("invalid path: must not be empty");
  if (posix.isAbsolute(path)) throw new VolumeSourceError(`invalid path: must be relative path: ${path}`);
  if (path.split("/").includes("..")) throw new VolumeSourceError(`invalid path: must not contain '..': ${path}`);
  if (path.startsWith("..")) throw new VolumeSourceError(`invalid path: must not start with '..': ${path}`);
}

/** Makes targetDir show exactly the payload. Returns false when it already did (nothing written). */
export async function writeAtomically(targetDir: string, payload: Payload, now: Date = new Date()): Promise<boolean> {
  for (const path of payload.keys()) validatePayloadPath(path);
  await mkdir(targetDir, { recursive: true });
  const oldDataDirName = await currentDataDir(targetDir);
  if (oldDataDirName !== undefined && (await matches(join(targetDir, oldDataDirName), payload))) return false;

  const newDataDirName = timestampedName(now);
  const newDataDir = join(targetDir, newDataDirName);
  await mkdir(newDataDir, { mode: 0o755 });
  for (const [path, file] of payload) {
    const fullPath = join(newDataDir, path);
    await mkdir(dirname(fullPath), { recursive: true, mode: 0o755 });
    await writeFile(fullPath, file.content, { mode: file.mode });
    // writeFile's mode is filtered by the umask; the volume's mode is not.
    await chmod(fullPath, file.mode);
  }

  const newTopLevel = new Set([...payload.keys()].map(topLevelName));
  const oldTopLevel = await visibleNames(targetDir);
  const tmpLink = join(targetDir, NEW_DATA_DIR_NAME);
  await rm(tmpLink, { force: true });
  await symlink(newDataDirName, tmpLink);
  await rename(tmpLink, join(targetDir, DATA_DIR_NAME));

  for (const name of newTopLevel) {
    if (oldTopLevel.has(name)) continue;
    await symlink(posix.join(DATA_DIR_NAME, name), join(targetDir, name));
  }
  for (const name of oldTopLevel) {
    if (!newTopLevel.has(name)) await rm(join(targetDir, name), { force: true });
  }
  if (oldDataDirName !== undefined) await rm(join(targetDir, oldDataDirName), { recursive: true, force: true });
  return true;
}

function topLevelName(path: string): string {
  return path.split("/")[0] ?? path;
}

// Upstream names the directory after UTC time with a random suffix, e.g. ..2024_01_31_12_00_00.123456789.
function timestampedName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${stamp}.${randomBytes(5).readUInt32BE(0)}`;
}

async function currentDataDir(targetDir: string): Promise<string | undefined> {
  try {
    return await readlink(join(targetDir, DATA_DIR_NAME));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

// The user-visible entries: everything but the hidden `..` names the writer owns.
async function visibleNames(targetDir: string): Promise<Set<string>> {
  const entries = await readdir(targetDir);
  return new Set(entries.filter((name) => !name.startsWith("..")));
}

async function matches(dataDir: string, payload: Payload): Promise<boolean> {
  const present = await filesUnder(dataDir);
  if (present.length !== payload.size) return false;
  for (const path of present) {
    const wanted = payload.get(path);
    if (!wanted) return false;
    const fullPath = join(dataDir, path);
    const [content, info] = await Promise.all([readFile(fullPath), stat(fullPath)]);
    if ((info.mode & 0o7777) !== wanted.mode || !content.equals(wanted.content)) return false;
  }
  return true;
}

async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(dir, prefix), { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await filesUnder(dir, path)));
    else files.push(path);
  }
  return files;
}
