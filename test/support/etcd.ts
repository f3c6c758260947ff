// Real etcd members for tests and benchmarks: child processes of this one,
// listening on free 127.0.0.1 ports only, with data in a temporary folder.
// Durability stays at etcd's defaults (fsync on): numbers measured against
// these members are numbers for a real etcd.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { get as httpGet } from "node:http";
import type { IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";

export class EtcdHarnessError extends Error {
  constructor(
    readonly reason: "StartFailed" | "NotHealthy" | "NoLeader",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "EtcdHarnessError";
  }
}

export interface EtcdMember {
  readonly name: string;
  /** http://127.0.0.1:port, for clients. */
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  /** The running process's id, undefined while stopped. */
  readonly pid: number | undefined;
  /** Ends this member's process (SIGKILL by default: a crash) and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts this member again on the same ports and data; resolves once it reports healthy. */
  restart(): Promise<void>;
}

/** PEM files and contents a client needs for a cluster started with `tls: true`. */
export interface EtcdClientTls {
  ca: string;
  cert: string;
  key: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  /** Client URLs of every member, running or not. */
  readonly endpoints: string[];
  /** Present when started with `tls: true`: a client certificate the members accept. */
  readonly clientTls: EtcdClientTls | undefined;
  /** Index in `members` of the current leader, asked of the running members. */
  leaderIndex(): Promise<number>;
  /** Kills every member this harness started and removes the data folder; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  /** 1 (default) or 3. */
  members?: 1 | 3;
  /** How long to wait for every member to report healthy; default 20 s. */
  startTimeoutMs?: number;
  /** Default /usr/bin/etcd. */
  etcdBinary?: string;
  /**
   * Serve clients over https with a throw-away CA made by openssl, and
   * require client certificates (--client-cert-auth). Peers stay on http.
   */
  tls?: boolean;
}

const defaultEtcdBinary = "/usr/bin/etcd";
const etcdctlBinary = "/usr/bin/etcdctl";
const logTailBytes = 16_384;
const portAttempts = 3;

// Every member process this module started and has not seen exit: killed
// synchronously if the test process leaves without calling stop().
const livingProcesses = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of livingProcesses) child.kill("SIGKILL");
});

export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdCluster> {
  const memberCount = options.members ?? 1;
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const binary = options.etcdBinary ?? defaultEtcdBinary;
  let lastError: unknown;
  // A port found free can be taken by someone else before etcd binds it:
  // then start again on new ports, a bounded number of times.
  for (let attempt = 1; attempt <= portAttempts; attempt += 1) {
    const folder = await mkdtemp(join(tmpdir(), "skiff-etcd-"));
    let cluster: LocalEtcdCluster | undefined;
    try {
      const certificates = options.tls === true ? await makeCertificates(folder) : undefined;
      cluster = new LocalEtcdCluster(binary, folder, await freePorts(memberCount * 2), memberCount, certificates);
      await cluster.start(startTimeoutMs);
      return cluster;
    } catch (error) {
      lastError = error;
      await (cluster?.stop() ?? rm(folder, { recursive: true, force: true }));
      if (cluster === undefined || !cluster.lostPortRace()) break;
    }
  }
  throw lastError;
}

class LocalEtcdCluster implements EtcdCluster {
  readonly members: LocalEtcdMember[];
  private stopped = false;

  constructor(
    binary: string,
    private readonly folder: string,
    ports: number[],
    memberCount: number,
    private readonly certificates: Certificates | undefined,
  ) {
    const token = `skiff-test-${process.pid}-${Date.now()}`;
    const names = Array.from({ length: memberCount }, (_, index) => `member${index}`);
    const peerUrls = names.map((_, index) => `http://127.0.0.1:${ports[index * 2 + 1]}`);
    const initialCluster = names.map((name, index) => `${name}=${peerUrls[index]}`).join(",");
    this.members = names.map(
      (name, index) =>
        new LocalEtcdMember(binary, {
          name,
          clientUrl: `${certificates === undefined ? "http" : "https"}://127.0.0.1:${ports[index * 2]}`,
          peerUrl: peerUrls[index] as string,
          dataDir: join(folder, name),
          initialCluster,
          token,
          certificates,
        }),
    );
  }

  get clientTls(): EtcdClientTls | undefined {
    return this.certificates?.client;
  }

  get endpoints(): string[] {
    return this.members.map((member) => member.clientUrl);
  }

  async start(timeoutMs: number): Promise<void> {
    for (const member of this.members) member.spawnProcess();
    const deadline = Date.now() + timeoutMs;
    await Promise.all(this.members.map((member) => member.waitHealthy(deadline)));
  }

  lostPortRace(): boolean {
    return this.members.some((member) => member.logTail().includes("address already in use"));
  }

  async leaderIndex(): Promise<number> {
    const running = this.members.filter((member) => member.pid !== undefined);
    if (running.length === 0) throw new EtcdHarnessError("NoLeader", "no etcd member is running");
    // `endpoint status -w simple` prints one line per endpoint:
    // "<endpoint>, <id>, <version>, <db size>, <is leader>, ..."
    let result: { stdout: string; stderr: string };
    try {
      result = await promisify(execFile)(
        etcdctlBinary,
        [
          "--endpoints",
          running.map((member) => member.clientUrl).join(","),
          ...(this.clientTls === undefined
            ? []
            : [`--cacert=${this.clientTls.caFile}`, `--cert=${this.clientTls.certFile}`, `--key=${this.clientTls.keyFile}`]),
          "--command-timeout=3s",
          "endpoint",
          "status",
          "-w",
          "simple",
        ],
        { encoding: "utf8", timeout: 10_000, env: etcdFreeEnvironment() },
      );
    } catch (error) {
      // etcdctl exits non-zero when one endpoint fails, yet prints the others.
      const partial = error as { stdout?: string; stderr?: string };
      result = { stdout: partial.stdout ?? "", stderr: partial.stderr ?? String(error) };
    }
    for (const line of result.stdout.split("\n")) {
      const columns = line.split(",").map((column) => column.trim());
      if (columns[4] !== "true") continue;
      const withoutScheme = (url: string): string => url.replace(/^https?:\/\//, "");
      const endpoint = withoutScheme(columns[0] ?? "");
      const index = this.members.findIndex((member) => withoutScheme(member.clientUrl) === endpoint);
      if (index >= 0) return index;
    }
    throw new EtcdHarnessError("NoLeader", `no leader among running members: ${result.stdout}${result.stderr}`);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.members.map((member) => member.kill("SIGKILL")));
    await rm(this.folder, { recursive: true, force: true });
  }
}

interface MemberConfig {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  initialCluster: string;
  token: string;
  certificates: Certificates | undefined;
}

class LocalEtcdMember implements EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log = "";

  constructor(
    private readonly binary: string,
    private readonly config: MemberConfig,
  ) {
    this.name = config.name;
    this.clientUrl = config.clientUrl;
    this.peerUrl = config.peerUrl;
    this.dataDir = config.dataDir;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  logTail(): string {
    return this.log;
  }

  spawnProcess(): void {
    const { config } = this;
    // With data already in dataDir, etcd ignores the initial-cluster flags
    // and rejoins as the member it was: the same arguments serve a restart.
    const child = spawn(
      this.binary,
      [
        `--name=${config.name}`,
        `--data-dir=${config.dataDir}`,
        `--listen-client-urls=${config.clientUrl}`,
        `--advertise-client-urls=${config.clientUrl}`,
        `--listen-peer-urls=${config.peerUrl}`,
        `--initial-advertise-peer-urls=${config.peerUrl}`,
        `--initial-cluster=${config.initialCluster}`,
        `--initial-cluster-token=${config.token}`,
        "--initial-cluster-state=new",
        ...(config.certificates === undefined
          ? []
          : [
              `--cert-file=${config.certificates.serverCertFile}`,
              `--key-file=${config.certificates.serverKeyFile}`,
              `--trusted-ca-file=${config.certificates.client.caFile}`,
              "--client-cert-auth",
            ]),
        "--logger=zap",
        "--log-outputs=stderr",
        "--log-level=warn",
      ],
      { stdio: ["ignore", "ignore", "pipe"], env: etcdFreeEnvironment() },
    );
    this.child = child;
    livingProcesses.add(child);
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      this.log = (this.log + chunk).slice(-logTailBytes);
    });
    this.exited = new Promise((resolve) => {
      child.once("exit", () => {
        livingProcesses.delete(child);
        if (this.child === child) this.child = undefined;
        resolve();
      });
      child.once("error", (error) => {
        this.log += `\nspawn failed: ${error.message}`;
      });
    });
  }

  async waitHealthy(deadline: number): Promise<void> {
    let lastProblem = "no answer yet";
    while (Date.now() < deadline) {
      if (this.child === undefined) {
        throw new EtcdHarnessError("StartFailed", `etcd ${this.name} exited during startup:\n${this.log}`);
      }
      try {
        const body = JSON.parse(await getText(`${this.clientUrl}/health`, this.config.certificates?.client)) as { health?: unknown };
        if (body.health === "true") return;
        lastProblem = JSON.stringify(body);
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await sleep(25);
    }
    throw new EtcdHarnessError("NotHealthy", `etcd ${this.name} not healthy in time (${lastProblem}):\n${this.log}`);
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill(signal);
    await this.exited;
  }

  async restart(): Promise<void> {
    if (this.child !== undefined) throw new EtcdHarnessError("StartFailed", `etcd ${this.name} is still running`);
    this.spawnProcess();
    await this.waitHealthy(Date.now() + 20_000);
  }
}

/** The environment minus ETCD_* and ETCDCTL_* variables, which would override our flags. */
function etcdFreeEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("ETCD")));
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new EtcdHarnessError("StartFailed", "no port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** GET on loopback, presenting the client certificate when the cluster serves https. */
function getText(url: string, tls: EtcdClientTls | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve(body));
      response.on("error", reject);
    };
    const request =
      tls === undefined
        ? httpGet(url, { timeout: 2_000 }, onResponse)
        : httpsGet(url, { timeout: 2_000, ca: tls.ca, cert: tls.cert, key: tls.key }, onResponse);
    request.on("timeout", () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on("error", reject);
  });
}

interface Certificates {
  client: EtcdClientTls;
  serverCertFile: string;
  serverKeyFile: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl in `folder`. */
async function makeCertificates(folder: string): Promise<Certificates> {
  const run = promisify(execFile);
  const path = (name: string): string => join(folder, name);
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", ["req", "-x509", ...newKey, "-keyout", path("ca.key"), "-out", path("ca.crt"), "-days", "2", "-subj", "/CN=skiff-test-etcd-ca"]);
  const extensions = {
    server: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n",
    client: "extendedKeyUsage=clientAuth\n",
  };
  for (const [name, extension] of Object.entries(extensions)) {
    await run("openssl", ["req", ...newKey, "-keyout", path(`${name}.key`), "-out", path(`${name}.csr`), "-subj", `/CN=skiff-test-${name}`]);
    await writeFile(path(`${name}.ext`), extension);
    await run("openssl", [
      "x509",
      "-req",
      "-in",
      path(`${name}.csr`),
      "-CA",
      path("ca.crt"),
      "-CAkey",
      path("ca.key"),
      "-CAcreateserial",
      "-out",
      path(`${name}.crt`),
      "-days",
      "2",
      "-extfile",
      path(`${name}.ext`),
    ]);
  }
  return {
    client: {
      ca: await readFile(path("ca.crt"), "utf8"),
      cert: await readFile(path("client.crt"), "utf8"),
      key: await readFile(path("client.key"), "utf8"),
      caFile: path("ca.crt"),
      certFile: path("client.crt"),
      keyFile: path("client.key"),
    },
    serverCertFile: path("server.crt"),
    serverKeyFile: path("server.key"),
  };
}
