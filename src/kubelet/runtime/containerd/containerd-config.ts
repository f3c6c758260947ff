// containerd's config.toml and registry host files for a containerd of our
// own: every path under one data folder, so several instances (an agent, a
// test) can run side by side without touching the system's containerd.
import { join } from "node:path";

export interface ContainerdPaths {
  home: string;
  configFile: string;
  root: string;
  state: string;
  socket: string;
  ttrpcSocket: string;
  pidFile: string;
  logFile: string;
  cniConfDir: string;
  registryHostsDir: string;
}

export function containerdPaths(dataDir: string): ContainerdPaths {
  const home = join(dataDir, "containerd");
  return {
    home,
    configFile: join(home, "config.toml"),
    root: join(home, "root"),
    state: join(home, "state"),
    socket: join(home, "containerd.sock"),
    ttrpcSocket: join(home, "containerd.sock.ttrpc"),
    pidFile: join(home, "containerd.pid"),
    logFile: join(home, "containerd.log"),
    cniConfDir: join(home, "cni", "net.d"),
    registryHostsDir: join(home, "certs.d"),
  };
}

export const sandboxImage = "localhost:5000/pause:3.9";
export const cniBinDir = "/usr/lib/cni";
/** The only registry tests pull from: plain HTTP on loopback. */
export const localRegistry = { host: "localhost:5000", endpoint: "http://127.0.0.1:5000" };
/** A closed local port: any other registry fails at once instead of reaching out. */
export const closedRegistryEndpoint = "http://127.0.0.1:1";

function tomlString(value: string): string {
  return JSON.stringify(value);
}

export function containerdConfigToml(paths: ContainerdPaths): string {
  const cri = '[plugins."io.containerd.grpc.v1.cri"]';
  return [
    "version = 2",
    `root = ${tomlString(paths.root)}`,
    `state = ${tomlString(paths.state)}`,
    "oom_score = 0",
    "",
    "[grpc]",
    `  address = ${tomlString(paths.socket)}`,
    "",
    "[ttrpc]",
    `  address = ${tomlString(paths.ttrpcSocket)}`,
    "",
    // No debug or metrics listeners: they would collide between instances.
    "[debug]",
    '  address = ""',
    '  level = "info"',
    "",
    "[metrics]",
    '  address = ""',
    "",
    cri,
    `  sandbox_image = ${tomlString(sandboxImage)}`,
    // This machine withholds lowering OOM scores; without this every sandbox fails to start.
    "  restrict_oom_score_adj = true",
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    "  enable_selinux = false",
    "",
    `${cri.slice(0, -1)}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    "",
    `${cri.slice(0, -1)}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    "",
    `${cri.slice(0, -1)}.containerd.runtimes.runc.options]`,
    "  SystemdCgroup = false",
    "",
    `${cri.slice(0, -1)}.cni]`,
    `  bin_dir = ${tomlString(cniBinDir)}`,
    `  conf_dir = ${tomlString(paths.cniConfDir)}`,
    "  max_conf_num = 1",
    "",
    // Host files rather than registry.mirrors: a mirror only goes before the
    // registry's real host, while a host file's server replaces it.
    `${cri.slice(0, -1)}.registry]`,
    `  config_path = ${tomlString(paths.registryHostsDir)}`,
    "",
  ].join("\n");
}

/** hosts.toml files by registry host folder name ("_default" covers every registry not listed). */
export function registryHostFiles(): Record<string, string> {
  const closed = `server = ${tomlString(closedRegistryEndpoint)}\n\n[host.${tomlString(closedRegistryEndpoint)}]\n  capabilities = ["pull", "resolve"]\n`;
  return {
    [localRegistry.host]: `server = ${tomlString(localRegistry.endpoint)}\n\n[host.${tomlString(localRegistry.endpoint)}]\n  capabilities = ["pull", "resolve", "push"]\n  skip_verify = true\n`,
    "docker.io": closed,
    _default: closed,
  };
}
