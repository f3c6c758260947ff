// What the node reports about the machine it runs on: sizes for capacity,
// system identity for nodeInfo, and the address other parts reach it by.
import { readFile, statfs } from "node:fs/promises";
import { arch, cpus, networkInterfaces, release, totalmem } from "node:os";

export interface HostFacts {
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  osImage: string;
  kernelVersion: string;
  /** Go's GOARCH spelling: amd64, arm64, ... */
  architecture: string;
  machineID: string;
  bootID: string;
  /** The node's InternalIP: its first non-loopback IPv4 address, 127.0.0.1 when it has none. */
  internalIP: string;
}

const goArch: Record<string, string> = { x64: "amd64", ia32: "386", arm: "arm", arm64: "arm64", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" };

async function firstLine(path: string): Promise<string> {
  return (await readFile(path, "utf8").catch(() => "")).trim().split("\n")[0] ?? "";
}

function prettyName(osRelease: string): string {
  const line = osRelease.split("\n").find((l) => l.startsWith("PRETTY_NAME="));
  return line === undefined ? "Linux" : line.slice("PRETTY_NAME=".length).replace(/^"|"$/g, "");
}

/** The first IPv4 address of a non-loopback, non-cluster interface. */
export function primaryAddress(interfaces: ReturnType<typeof networkInterfaces>): string {
  for (const [name, addresses] of Object.entries(interfaces)) {
    if (name === "lo" || name.startsWith("cni") || name.startsWith("skiff") || name.startsWith("veth")) continue;
    const v4 = addresses?.find((a) => a.family === "IPv4" && !a.internal);
    if (v4 !== undefined) return v4.address;
  }
  return "127.0.0.1";
}

export async function readHostFacts(dataDir: string): Promise<HostFacts> {
  const disk = await statfs(dataDir).catch(() => undefined);
  return {
    cpus: cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: disk === undefined ? 0 : disk.blocks * disk.bsize,
    osImage: prettyName(await readFile("/etc/os-release", "utf8").catch(() => "")),
    kernelVersion: release(),
    architecture: goArch[arch()] ?? arch(),
    machineID: await firstLine("/etc/machine-id"),
    bootID: await firstLine("/proc/sys/kernel/random/boot_id"),
    internalIP: primaryAddress(networkInterfaces()),
  };
}
