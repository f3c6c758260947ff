// An exec probe: the command runs in the container through the runtime;
// exit code 0 is success, its output is the message.
import { RuntimeError, type Runtime } from "../runtime/runtime.ts";
import type { ProbeOutcome } from "./probe-outcome.ts";

const MAX_OUTPUT_BYTES = 10 * 1024;

export async function execProbe(runtime: Pick<Runtime, "execSync">, containerId: string, command: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  try {
    const { stdout, stderr, exitCode } = await runtime.execSync(containerId, command, timeoutSeconds);
    // Upstream keeps the first 10 KiB of a probe's output.
    const output = Buffer.concat([stdout, stderr]).subarray(0, MAX_OUTPUT_BYTES).toString("utf8");
    return { result: exitCode === 0 ? "success" : "failure", message: output };
  } catch (e) {
    if (e instanceof RuntimeError && e.reason === "DeadlineExceeded") {
      return { result: "failure", message: `command ${JSON.stringify(command.join(" "))} timed out` };
    }
    return { result: "unknown", message: `exec of ${JSON.stringify(command.join(" "))} failed: ${(e as Error).message}` };
  }
}
