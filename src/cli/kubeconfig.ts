// `skiff kubeconfig`: prints the admin kubeconfig a server wrote.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseFlags } from "./flags.ts";
import { defaultDataDir } from "./data-dir.ts";

const spec = {
  "data-dir": { type: "string", default: defaultDataDir(), help: "the server's data directory" },
} as const;

export async function kubeconfigCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(spec, argv);
  const path = join(flags["data-dir"]!, "kubeconfig.yaml");
  const text = await readFile(path, "utf8").catch(() => {
    throw new Error(`no kubeconfig at ${path}: has \`skiff server --data-dir ${flags["data-dir"]}\` run?`);
  });
  process.stdout.write(text);
  return 0;
}
