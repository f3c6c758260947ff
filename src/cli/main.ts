// `skiff <command>`: the entry points. Each command parses its flags here
// and hands over to its component; failures print one line and exit non-zero.
import { UsageError } from "./flags.ts";

// Each command loads only its own code: an agent never carries the API server in memory.
const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  server: { run: async (argv) => (await import("./server.ts")).serverCommand(argv), help: "run the control plane (API server and store)" },
  agent: { run: async (argv) => (await import("./agent.ts")).agentCommand(argv), help: "run the node agent (kubelet) of one node" },
  kubeconfig: { run: async (argv) => (await import("./kubeconfig.ts")).kubeconfigCommand(argv), help: "print the admin kubeconfig of a server's data dir" },
};

function help(): string {
  return ["usage: skiff <command> [flags]", "", "commands:", ...Object.entries(commands).map(([n, c]) => `  ${n}\t${c.help}`)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (command === undefined) {
    console.error(`skiff: unknown command "${name}"\n${help()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`skiff: ${message}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
