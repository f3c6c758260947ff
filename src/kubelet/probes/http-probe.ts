// An httpGet probe: GET with the probe's headers, no certificate checks, one
// connection per request; 200-399 is success; redirects to the same host are
// followed (at most 10), a redirect elsewhere counts as its own 3xx answer.
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ProbeOutcome } from "./probe-outcome.ts";

export interface HttpProbeTarget {
  scheme: "HTTP" | "HTTPS";
  host: string;
  port: number;
  path: string;
  headers: { name: string; value: string }[];
}

const MAX_REDIRECTS = 10;
const MAX_BODY_BYTES = 10 * 1024;
const USER_AGENT = "kube-probe/1.31";

export function probeUrl(target: HttpProbeTarget): URL {
  const host = target.host.includes(":") ? `[${target.host}]` : target.host;
  const path = target.path.startsWith("/") ? target.path : `/${target.path}`;
  return new URL(`${target.scheme.toLowerCase()}://${host}:${target.port}${path}`);
}

export async function httpProbe(target: HttpProbeTarget, timeoutMs: number): Promise<ProbeOutcome> {
  const first = probeUrl(target);
  const headers: Record<string, string> = {};
  for (const { name, value } of target.headers) headers[name.toLowerCase()] = value;
  headers["user-agent"] ??= USER_AGENT;
  headers["accept"] ??= "*/*";
  const deadline = AbortSignal.timeout(timeoutMs);
  let url = first;
  for (let redirects = 0; ; redirects++) {
    let response: { status: number; location?: string; body: string };
    try {
      response = await get(url, headers, deadline);
    } catch (e) {
      return { result: "failure", message: `Get ${JSON.stringify(url.href)}: ${describeFailure(e, url, deadline)}` };
    }
    const location = response.location;
    if (response.status >= 300 && response.status < 400 && location !== undefined) {
      const next = new URL(location, url);
      if (next.hostname === first.hostname) {
        if (redirects + 1 >= MAX_REDIRECTS) return { result: "failure", message: `Get ${JSON.stringify(next.href)}: stopped after ${MAX_REDIRECTS} redirects` };
        url = next;
        continue;
      }
      return { result: "success", message: `Probe terminated redirects, Response body: ${response.body}` };
    }
    if (response.status >= 200 && response.status < 400) return { result: "success", message: response.body };
    return { result: "failure", message: `HTTP probe failed with statuscode: ${response.status}` };
  }
}

function get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<{ status: number; location?: string; body: string }> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", headers, agent: false, rejectUnauthorized: false, signal }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let length = 0;
      res.on("data", (chunk: Buffer) => {
        if (length < MAX_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_BODY_BYTES - length));
        length += chunk.length;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function describeFailure(e: unknown, url: URL, deadline: AbortSignal): string {
  if (deadline.aborted) return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
  const code = (e as NodeJS.ErrnoException).code;
  const address = `${url.hostname.replace(/^\[|\]$/g, "")}:${url.port || (url.protocol === "https:" ? 443 : 80)}`;
  if (code === "ECONNREFUSED") return `dial tcp ${address}: connect: connection refused`;
  return (e as Error).message;
}
