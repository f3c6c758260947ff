// Starts (or adopts) a containerd of our own under a data folder. containerd
// runs detached in its own process group with a pid file, so the agent can
// exit and come back without restarting any container: on restart it adopts
// the containerd that still answers. It is stopped only when asked
// (keepRunning false on abort, or stopContainerd).
import { spawn } from "node:child_process";
import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RuntimeError } from "../runtime.ts";
import { CriClient } from "../cri/cri-client.ts";
import { containerdConfigToml, containerdPaths, registryHostFiles, type ContainerdPaths } from "./containerd-config.ts";

export interface StartContainerdOptions {
  dataDir: string;
  signal: AbortSignal;
  /** Leave containerd (and so every container) running when signal aborts. */
  keepRunning?: boolean;
  readyTimeoutMs?: number;
  /** After SIGTERM, how long to wait before SIGKILL. */
  stopTimeoutMs?: number;
}

export interface RunningContainerd {
  /** The CRI endpoint: containerd's unix socket path. */
  endpoint: string;
  pid: number;
  /** True when an already running containerd was reused. */
  adopted: boolean;
  paths: ContainerdPaths;
  /** Resolves once the abort is handled: containerd stopped, or left running with keepRunning. */
  stopped: Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid file may outlive its process, and the pid be reused: check it is our containerd. */
function runningContainerdPid(paths: ContainerdPaths): number | undefined {
  const pid = readPid(paths.pidFile);
  if (pid === undefined || !isAlive(pid)) return undefined;
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return commandLine.some((arg) => arg.endsWith("containerd")) && commandLine.includes(paths.configFile) ? pid : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function logTail(paths: ContainerdPaths): string {
  try {
    return readFileSync(paths.logFile, "utf8").split("\n").slice(-15).join("\n");
  } catch {
    return "";
  }
}

async function waitUntilAnswering(paths: ContainerdPaths, pid: number, timeoutMs: number): Promise<void> {
  const client = new CriClient(paths.socket, 1000);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (!isAlive(pid)) throw new RuntimeError("Unavailable", `containerd exited while starting:\n${logTail(paths)}`);
      try {
        await client.call("RuntimeService", "Version", {}, { timeoutMs: 1000 });
        return;
      } catch (error) {
        if (error instanceof RuntimeError && error.reason !== "Unavailable" && error.reason !== "DeadlineExceeded") throw error;
      }
      await sleep(100);
    }
    throw new RuntimeError("Unavailable", `containerd did not answer on ${paths.socket} within ${timeoutMs} ms:\n${logTail(paths)}`);
  } finally {
    client.close();
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

async function terminate(pid: number, stopTimeoutMs: number): Promise<void> {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  if (await waitForExit(pid, stopTimeoutMs)) return;
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return;
  }
  await waitForExit(pid, 5000);
}

function writeConfig(paths: ContainerdPaths): void {
  for (const dir of [paths.home, paths.root, paths.state, paths.cniConfDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(paths.configFile, containerdConfigToml(paths));
  for (const [host, content] of Object.entries(registryHostFiles())) {
    mkdirSync(join(paths.registryHostsDir, host), { recursive: true });
    writeFileSync(join(paths.registryHostsDir, host, "hosts.toml"), content);
  }
}

function spawnContainerd(paths: ContainerdPaths): number {
  rmSync(paths.socket, { force: true });
  rmSync(paths.ttrpcSocket, { force: true });
  const log = openSync(paths.logFile, "a");
  try {
    // Own process group: a terminal's Ctrl-C to the agent does not reach it.
    const child = spawn("containerd", ["--config", paths.configFile], { detached: true, stdio: ["ignore", log, log] });
    child.on("error", () => {
      // A missing binary shows up as the process not being alive; waitUntilAnswering reports it.
    });
    child.unref();
    if (child.pid === undefined) throw new RuntimeError("Unavailable", "containerd could not be started (is it installed?)");
    writeFileSync(paths.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export async function startContainerd(options: StartContainerdOptions): Promise<RunningContainerd> {
  const paths = containerdPaths(options.dataDir);
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  writeConfig(paths);
  let pid = runningContainerdPid(paths);
  const adopted = pid !== undefined;
  if (pid === undefined) pid = spawnContainerd(paths);
  try {
    await waitUntilAnswering(paths, pid, readyTimeoutMs);
  } catch (error) {
    if (!adopted) await terminate(pid, stopTimeoutMs);
    throw error;
  }
  const runningPid = pid;
  const stopped = new Promise<void>((resolve) => {
    const onAbort = () => {
      if (options.keepRunning) {
        resolve();
        return;
      }
      void terminate(runningPid, stopTimeoutMs).then(() => {
        rmSync(paths.pidFile, { force: true });
        resolve();
      });
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
  });
  return { endpoint: paths.socket, pid: runningPid, adopted, paths, stopped };
}

/** The explicit clean shutdown: stops the containerd of this data folder, if one runs. Returns whether one did. */
export async function stopContainerd(dataDir: string, stopTimeoutMs = 10_000): Promise<boolean> {
  const paths = containerdPaths(dataDir);
  const pid = runningContainerdPid(paths);
  if (pid === undefined) return false;
  await terminate(pid, stopTimeoutMs);
  rmSync(paths.pidFile, { force: true });
  return true;
}
