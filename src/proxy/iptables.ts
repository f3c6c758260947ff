// The thin shell over iptables: reads which chains exist, applies a restore
// text atomically with --noflush (so rules of other software stay), and keeps
// the jumps from the built-in chains into ours.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import type { JumpRule } from "./rules.ts";

const run = promisify(execFile);

export class IptablesError extends Error {
  constructor(
    readonly reason: "CommandFailed",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Chain names per table: all that exist (the proxy picks its own by prefix), or the ones of one proxy. */
export interface ProxyChains {
  nat: string[];
  filter: string[];
}

/** What the proxy needs from iptables; tests of the proxy loop may give their own. */
export interface Iptables {
  existingChains(): Promise<ProxyChains>;
  restore(text: string): Promise<void>;
  ensureJump(rule: JumpRule): Promise<void>;
  removeJump(rule: JumpRule): Promise<void>;
}

async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    await run(command, args, { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function mustRun(command: string, args: string[]): Promise<string> {
  try {
    return (await run(command, args, { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new IptablesError("CommandFailed", `${command} ${args.join(" ")} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

function chainsIn(save: string): string[] {
  return save
    .split("\n")
    .filter((line) => line.startsWith(":"))
    .map((line) => line.slice(1).split(" ")[0] ?? "")
    .filter((name) => name !== "");
}

export const systemIptables: Iptables = {
  async existingChains() {
    const [nat, filter] = await Promise.all([mustRun("iptables-save", ["-t", "nat"]), mustRun("iptables-save", ["-t", "filter"])]);
    return { nat: chainsIn(nat), filter: chainsIn(filter) };
  },

  restore(text) {
    return new Promise((resolve, reject) => {
      const child = spawn("iptables-restore", ["-w", "--noflush"], { stdio: ["pipe", "ignore", "pipe"], timeout: 30_000 });
      let stderr = "";
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (chunk: string) => {
        if (stderr.length < 10_000) stderr += chunk;
      });
      child.on("error", (error) => reject(new IptablesError("CommandFailed", `iptables-restore: ${error.message}`, { cause: error })));
      child.on("close", (code) => {
        if (code === 0) resolve();
        else reject(new IptablesError("CommandFailed", `iptables-restore exited ${code}: ${stderr.trim()}`));
      });
      child.stdin.end(text);
    });
  },

  async ensureJump(rule) {
    if (await succeeds("iptables", ["-w", "-t", rule.table, "-C", rule.chain, ...rule.args])) return;
    // nat jumps go first, as upstream's; filter jumps after the guard chain, which must see traffic first, unless a rule asks to be first.
    const position = (rule.first ?? rule.table === "nat") ? ["-I", rule.chain, "1"] : ["-A", rule.chain];
    await mustRun("iptables", ["-w", "-t", rule.table, ...position, ...rule.args]);
  },

  async removeJump(rule) {
    // The same jump may have been added twice (by hand, or a crash between check and add): delete until gone, boundedly.
    for (let i = 0; i < 5; i++) if (!(await succeeds("iptables", ["-w", "-t", rule.table, "-D", rule.chain, ...rule.args]))) return;
  },
};
