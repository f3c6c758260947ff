// A tcpSocket probe: success when a connection opens within the timeout.
import { connect } from "node:net";
import type { ProbeOutcome } from "./probe-outcome.ts";

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const address = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (outcome: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ result: "failure", message: `dial tcp ${address}: i/o timeout` }), timeoutMs);
    socket.once("connect", () => finish({ result: "success", message: "" }));
    socket.once("error", (e: NodeJS.ErrnoException) => {
      const reason = e.code === "ECONNREFUSED" ? "connect: connection refused" : e.message;
      finish({ result: "failure", message: `dial tcp ${address}: ${reason}` });
    });
  });
}
