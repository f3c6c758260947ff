// The sysctl that lets packets from 127.0.0.1 be routed to a pod (and their
// replies back), so NodePorts answer on localhost as kube-proxy's do. Set on
// the node's pod bridge only, not machine-wide, and put back on stop if we
// set it; the proxy's FIREWALL chain drops what others could do with it.
import { readFile, writeFile } from "node:fs/promises";

/** What the proxy needs from the sysctl; tests of the proxy loop may give their own. */
export interface LocalnetRouting {
  /** Turns route_localnet on where it is off; a missing interface is fine (its bridge appears with the first pod). */
  enable(): Promise<void>;
  /** Turns it off again where enable turned it on. */
  restore(): Promise<void>;
}

export class BridgeLocalnetRouting implements LocalnetRouting {
  private turnedOn = false;

  constructor(
    readonly bridge: string,
    private readonly root = "/proc/sys/net/ipv4/conf",
  ) {
    // The name becomes a path: only interface names of ours.
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,14}$/.test(bridge)) throw new Error(`not an interface name: ${JSON.stringify(bridge)}`);
  }

  private get path(): string {
    return `${this.root}/${this.bridge}/route_localnet`;
  }

  async enable(): Promise<void> {
    const current = await readFile(this.path, "utf8").catch(() => undefined);
    if (current === undefined || current.trim() !== "0") return;
    await writeFile(this.path, "1\n");
    this.turnedOn = true;
  }

  async restore(): Promise<void> {
    if (!this.turnedOn) return;
    this.turnedOn = false;
    await writeFile(this.path, "0\n").catch((e: unknown) => {
      // The bridge may be gone already, and with it the setting.
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    });
  }
}
