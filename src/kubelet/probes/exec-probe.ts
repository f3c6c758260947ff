// An exec probe: the command runs in the container through the runtime;
// exit code 0 is success, its output is the message.
import { RuntimeError, type Runtime } from "../runtime/runtime.ts";
import type { ProbeOutcome } from "./probe-outcome.ts";

export async function execProbe(runtime: Pick<Runtime, "execSync">, containerId: string, command: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  try {
    const { stdout, stderr, exitCode } = await runtime.execSync(containerId, command, timeoutSeconds);
    const output = Buffer.concat([stdout, stderr]).toString("utf8");
    return { result: exitCode === 0 ? "success" : "failure", message: output };
  } catch (e) {
    if (e instanceof RuntimeError && e.reason === "DeadlineExceeded") {
      return { result: "failure", message: `command ${JSON.stringify(command.join(" "))} timed out` };
    }
    return { result: "unknown", message: `exec of ${JSON.stringify(command.join(" "))} failed: ${(e as Error).message}` };
  }
}
