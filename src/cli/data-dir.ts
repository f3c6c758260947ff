// Where a node keeps its state: /var/lib/skiff as root, ~/.skiff otherwise.
import { homedir } from "node:os";
import { join } from "node:path";

export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? "/var/lib/skiff" : join(homedir(), ".skiff");
}
