// postStart and preStop hooks (exec, httpGet, tcpSocket, sleep). exec and
// network handlers run like one probe attempt, so they reach only the
// addresses probes may reach; any answer but success fails the hook.
import type { Container, LifecycleHandler } from "kubernetes-types/core/v1";
import { sleep, type Clock } from "../client/clock.ts";
import { runProbe, type ProbeContext } from "./probes/run-probe.ts";

export interface HookSubject {
  container: Container;
  containerId: string;
  podIP: string | undefined;
}

/** undefined when the hook succeeded, otherwise why it failed (upstream's event wording). */
export async function runLifecycleHook(handler: LifecycleHandler, subject: HookSubject, context: ProbeContext & { clock: Clock }, timeoutSeconds: number): Promise<string | undefined> {
  if (handler.sleep !== undefined) {
    await sleep(context.clock, Math.min(handler.sleep.seconds, timeoutSeconds) * 1000);
    return undefined;
  }
  const outcome = await runProbe({ ...handler, timeoutSeconds: Math.max(1, timeoutSeconds) }, subject, context);
  if (outcome.result === "success") return undefined;
  const kind = handler.exec ? `Exec lifecycle hook (${JSON.stringify(handler.exec.command ?? [])})` : handler.httpGet ? "HTTP lifecycle hook" : "TCP lifecycle hook";
  return `${kind} for Container "${subject.container.name}" failed - ${outcome.message}`;
}
