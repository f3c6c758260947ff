// The thin shell over the network plan: writes the CNI config where
// containerd reads it and runs the host steps (as root).
import { execFile } from "node:child_process";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { networkPlan, type Command, type NetworkPlan, type NetworkSettings } from "./network-plan.ts";

const run = promisify(execFile);

export class HostNetworkError extends Error {
  constructor(
    readonly reason: "CommandFailed",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

async function succeeds(command: Command): Promise<boolean> {
  try {
    await run(command[0], command.slice(1), { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function mustRun(command: Command): Promise<void> {
  try {
    await run(command[0], command.slice(1), { timeout: 30_000 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new HostNetworkError("CommandFailed", `${command.join(" ")} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

export async function writeCniConfig(plan: NetworkPlan, cniConfDir: string): Promise<string> {
  await mkdir(cniConfDir, { recursive: true });
  const path = join(cniConfDir, plan.cniConfigFileName);
  // containerd watches the folder: never let it read half a file.
  await writeFile(`${path}.tmp`, `${JSON.stringify(plan.cniConfig, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  return path;
}

/** Idempotent: run it at every agent start. Without cniConfDir only the host steps run (a containerd we do not manage has its own CNI config). */
export async function setUpHostNetwork(settings: NetworkSettings, cniConfDir: string | undefined): Promise<NetworkPlan> {
  const plan = networkPlan(settings);
  for (const step of plan.setup) {
    if (step.check && (await succeeds(step.check))) continue;
    await mustRun(step.apply);
  }
  if (cniConfDir !== undefined) await writeCniConfig(plan, cniConfDir);
  return plan;
}

/** Removes what setUpHostNetwork added; ip_forward is left on, as other software may rely on it. */
export async function tearDownHostNetwork(settings: NetworkSettings): Promise<void> {
  for (const command of networkPlan(settings).teardown) {
    // A jump rule may have been added twice by hand: delete until none is left, boundedly.
    const repeat = command[2] === "-D" ? 5 : 1;
    for (let i = 0; i < repeat; i++) if (!(await succeeds(command))) break;
  }
}
