// Starts a real `skiff server` in a temp data dir on a free loopback port for
// end-to-end tests, and runs the real kubectl against it.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestServer {
  dataDir: string;
  port: number;
  kubeconfig: string;
  url: string;
  kubectl(args: string[], options?: { input?: string; env?: Record<string, string> }): Promise<KubectlResult>;
  /** SIGTERM, wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  process: ChildProcess;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const root = new URL("../..", import.meta.url).pathname;

export async function startServer(extraArgs: string[] = []): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), "skiff-e2e-"));
  const port = await freePort();
  const child = spawn(join(root, "bin/skiff"), ["server", "--data-dir", dataDir, "--port", String(port), "--disable-agent", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!output.includes("listening on")) {
    if (child.exitCode !== null) throw new Error(`skiff server exited ${child.exitCode}: ${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`skiff server did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const kubeconfig = join(dataDir, "kubeconfig.yaml");
  while (!(await readFile(kubeconfig, "utf8").catch(() => ""))) await new Promise((r) => setTimeout(r, 50));
  const cacheDir = join(dataDir, "kubectl-cache");
  return {
    dataDir,
    port,
    kubeconfig,
    url: `https://127.0.0.1:${port}`,
    process: child,
    kubectl(args, options = {}) {
      return new Promise((resolve) => {
        const p = execFile(
          "/usr/bin/kubectl",
          [`--cache-dir=${cacheDir}`, ...args],
          { env: { ...process.env, KUBECONFIG: kubeconfig, ...options.env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
        if (options.input !== undefined) p.stdin!.end(options.input);
        else p.stdin!.end();
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      const code = await exited;
      await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
