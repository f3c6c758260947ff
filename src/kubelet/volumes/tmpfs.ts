// Memory-backed directories: a tmpfs mounted on the volume's directory (needs
// root, or CAP_SYS_ADMIN), and unmounting whatever is mounted under a pod's
// volumes before they are removed.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { VolumeSourceError } from "./volume-errors.ts";

const run = promisify(execFile);

export async function mountTmpfs(dir: string, sizeBytes?: bigint): Promise<void> {
  if (await isMountPoint(dir)) return;
  const options = ["-t", "tmpfs"];
  if (sizeBytes !== undefined) options.push("-o", `size=${sizeBytes}`);
  try {
    await run("mount", [...options, "tmpfs", dir]);
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    throw new VolumeSourceError(`mount of tmpfs on ${dir} failed: ${stderr || (e as Error).message}`, { cause: e });
  }
}

export async function isMountPoint(dir: string): Promise<boolean> {
  return (await mountPoints()).includes(dir);
}

/** Unmounts every mount at or below dir, deepest first. */
export async function unmountUnder(dir: string): Promise<void> {
  const inside = (await mountPoints()).filter((point) => point === dir || point.startsWith(`${dir}/`));
  inside.sort((a, b) => b.length - a.length);
  for (const point of inside) {
    try {
      await run("umount", [point]);
    } catch (e) {
      throw new VolumeSourceError(`unmount of ${point} failed: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`, { cause: e });
    }
  }
}

async function mountPoints(): Promise<string[]> {
  let text: string;
  try {
    text = await readFile("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  // The fifth field is the mount point, with space, tab, newline and backslash written as octal escapes.
  return text
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((field): field is string => field !== undefined)
    .map((field) => field.replace(/\\([0-7]{3})/g, (_all, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}
