// `skiff server`: the control plane on one machine.
import { access, constants, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { hostname } from "node:os";
import { parseFlags, usage, UsageError } from "./flags.ts";
import { defaultDataDir } from "./data-dir.ts";
import { ensurePki, issueClientCert } from "../apiserver/certs.ts";
import { ApiServer } from "../apiserver/server.ts";
import { authenticator, loadTokenFile } from "../apiserver/authn.ts";
import { loadOrCreateSigningKey, ServiceAccountTokens } from "../apiserver/service-account-token.ts";
import { bootstrap, kubernetesServiceIP } from "../apiserver/bootstrap.ts";
import { adminKubeconfig } from "../apiserver/kubeconfig.ts";
import { ResourceRegistry, builtinResources } from "../api/registry.ts";
import { openStore } from "../storage/open.ts";
import { RestClient } from "../client/rest-client.ts";
import { startControllerManager } from "../controllers/manager.ts";
import { localAgentFlags, runAgent } from "./agent.ts";
import { defaultSchedulerConfig, parseSchedulerConfigYaml, SchedulerConfigError } from "../scheduler/config.ts";
import { startScheduler } from "../scheduler/run.ts";
import { runIngress } from "../ingress/run-ingress.ts";

const spec = {
  "data-dir": { type: "string", default: defaultDataDir(), help: "where state, certificates and the kubeconfig live" },
  "bind-address": { type: "string", default: "127.0.0.1", help: "address the API server listens on" },
  port: { type: "number", default: 6443, help: "HTTPS port of the API server" },
  "datastore-endpoint": { type: "string", help: "etcd endpoints (http://127.0.0.1:2379,...); default: embedded SQLite" },
  "token-auth-file": { type: "string", help: "static bearer tokens: token,user,uid,\"group1,group2\" per line" },
  "disable-agent": { type: "boolean", help: "do not run a local node agent" },
  "disable-controller-manager": { type: "boolean", help: "do not run the controllers (ReplicaSet, Deployment, ...)" },
  "disable-scheduler": { type: "boolean", help: "do not run the scheduler" },
  "scheduler-config": { type: "string", help: "a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) YAML file" },
  "ingress-port": { type: "number", default: 80, help: "port (on all addresses) of the local node's HTTP ingress for Ingresses of class skiff" },
  "disable-ingress": { type: "boolean", help: "do not run the ingress (it also stays off with --disable-agent)" },
  "pod-cidr": { type: "string", default: "10.42.0.0/24", help: "the local node's slice of the pod network 10.42.0.0/16" },
  bridge: { type: "string", default: "skiff0", help: "Linux bridge of the local node's pods" },
  "kubelet-port": { type: "number", default: 10250, help: "port of the local agent's HTTPS server (0: any free port)" },
  "iptables-chain-prefix": { type: "string", default: "KUBE", help: "prefix of the local agent's iptables chains (one per agent on a machine)" },
  help: { type: "boolean", help: "show this help" },
} as const;

export async function serverCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(spec, argv);
  if (flags.help) {
    console.log(`usage: skiff server [flags]\n${usage(spec)}`);
    return 0;
  }
  const dataDir = flags["data-dir"]!;
  const bindAddress = flags["bind-address"]!;
  const port = flags.port;
  if (port < 0 || port > 65535) throw new UsageError(`--port ${port}: out of range`);
  const ingressPort = flags["ingress-port"];
  if (ingressPort < 0 || ingressPort > 65535) throw new UsageError(`--ingress-port ${ingressPort}: out of range`);

  const schedulerConfigPath = flags["scheduler-config"];
  const schedulerConfig = schedulerConfigPath === undefined ? defaultSchedulerConfig() : parseSchedulerConfigYaml(await readSchedulerConfig(schedulerConfigPath));

  const serverDir = join(dataDir, "server");
  try {
    await mkdir(serverDir, { recursive: true, mode: 0o700 });
    await access(serverDir, constants.W_OK);
  } catch (e) {
    throw new Error(`data dir ${dataDir} is not writable: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const advertise = bindAddress === "0.0.0.0" || bindAddress === "::" ? "127.0.0.1" : bindAddress;
  const pki = await ensurePki({
    dir: join(serverDir, "tls"),
    serverNames: [...new Set(["127.0.0.1", "localhost", advertise, hostname(), kubernetesServiceIP, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"])],
  });
  const store = await openStore(flags["datastore-endpoint"], join(serverDir, "db"));
  const controller = new AbortController();
  const server = new ApiServer({
    bindAddress,
    port,
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    kubeletClientCert: await issueClientCert(pki.ca, "kube-apiserver-kubelet-client", ["system:masters"]),
    store,
    resources: new ResourceRegistry(builtinResources),
    authenticator: authenticator(await loadTokenFile(flags["token-auth-file"])),
    advertiseAddress: `${advertise}:${port}`,
    serviceAccountTokens: new ServiceAccountTokens(await loadOrCreateSigningKey(join(serverDir, "tls"))),
    // Without the controller manager nothing creates the "default" accounts pods would wait for.
    serviceAccountAdmission: flags["disable-controller-manager"] ? "ifPresent" : "require",
  });
  const stopped = server.start(controller.signal);
  let boundPort: number;
  try {
    boundPort = await server.ready;
  } catch (e) {
    await stopped.catch(() => {});
    await store.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`cannot listen on ${bindAddress}:${port}: ${code === "EADDRINUSE" ? "address already in use" : (e as Error).message}`);
  }
  try {
    await bootstrap(server.registry, { ip: advertise, port: boundPort });
  } catch (e) {
    controller.abort();
    await stopped.catch(() => {});
    await store.close();
    throw new Error(`cannot create the cluster's initial objects: ${e instanceof Error ? e.message : String(e)}`);
  }
  const kubeconfigPath = join(dataDir, "kubeconfig.yaml");
  await writeFile(kubeconfigPath, adminKubeconfig(`https://${advertise.includes(":") ? `[${advertise}]` : advertise}:${boundPort}`, pki.ca.cert, pki.admin), { mode: 0o600 });
  console.log(`skiff: API server listening on https://${bindAddress}:${boundPort} (store: ${store.backend})`);
  console.log(`skiff: KUBECONFIG=${kubeconfigPath} kubectl get nodes`);
  // The controllers talk to the API server over HTTPS like any client, also in this process.
  const controllers = flags["disable-controller-manager"]
    ? Promise.resolve()
    : RestClient.fromKubeconfig(kubeconfigPath).then(async (client) => {
        try {
          await startControllerManager(client, controller.signal);
        } finally {
          client.close();
        }
      });
  controllers.catch((e: unknown) => {
    console.error(`skiff: controller manager stopped: ${e instanceof Error ? e.message : String(e)}`);
    controller.abort();
  });
  const scheduler = flags["disable-scheduler"]
    ? Promise.resolve()
    : RestClient.fromKubeconfig(kubeconfigPath).then(async (client) => {
        try {
          await startScheduler(client, controller.signal, { config: schedulerConfig });
        } finally {
          client.close();
        }
      });
  scheduler.catch((e: unknown) => {
    console.error(`skiff: scheduler stopped: ${e instanceof Error ? e.message : String(e)}`);
    controller.abort();
  });
  // The local agent (node name = hostname) also reaches the API over HTTPS; the server outlives its failure.
  const agent = flags["disable-agent"] ? Promise.resolve() : runAgent(localAgentFlags(kubeconfigPath, dataDir, ["--pod-cidr", flags["pod-cidr"]!, "--bridge", flags.bridge!, "--kubelet-port", String(flags["kubelet-port"]), "--iptables-chain-prefix", flags["iptables-chain-prefix"]!]), controller.signal);
  agent.catch((e: unknown) => console.error(`skiff: local agent stopped: ${e instanceof Error ? e.message : String(e)}`));
  // The ingress belongs to the local node (its status names the node's address), so it runs only beside the local agent.
  const ingress =
    flags["disable-agent"] || flags["disable-ingress"]
      ? Promise.resolve()
      : RestClient.fromKubeconfig(kubeconfigPath).then(async (client) => {
          try {
            const onListening = (bound: number) => console.log(`skiff: ingress listening on http://0.0.0.0:${bound}`);
            await runIngress({ client, nodeName: hostname(), host: "0.0.0.0", port: ingressPort, onListening }, controller.signal);
          } finally {
            client.close();
          }
        });
  ingress.catch((e: unknown) => console.error(`skiff: ingress stopped: ${e instanceof Error ? e.message : String(e)}`));
  const stop = () => controller.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await stopped;
  await controllers.catch(() => {});
  await agent.catch(() => {});
  await ingress.catch(() => {});
  await scheduler.catch(() => {});
  await store.close();
  console.log("skiff: stopped");
  return 0;
}

async function readSchedulerConfig(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new SchedulerConfigError(`cannot read --scheduler-config ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
  }
}
