// The shared runtime contract on the simulated runtime; cases that need real
// processes are skipped with the reason.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRuntimeContract } from "../contract/runtime-contract.ts";
import { SimulatedRuntime } from "./simulated-runtime.ts";

// These cases run commands in containers and check what they did; simulated containers run nothing
// (their exits come from pod annotations, covered by simulated-runtime.test.ts).
const noProcesses = "simulated containers run no commands";

runRuntimeContract(
  "simulated",
  async () => {
    const logRoot = await mkdtemp(join(tmpdir(), "skiff-simulated-"));
    return { runtime: new SimulatedRuntime(), logRoot, podCidr: "10.42.0.0/24", close: () => rm(logRoot, { recursive: true, force: true }) };
  },
  {
    waitTimeoutMs: 3000,
    skip: {
      "container-log": noProcesses,
      "container-exit": noProcesses,
      "stop-timeout": noProcesses,
      "exec-sync": noProcesses,
      "list-containers": noProcesses,
      "oom-killed": noProcesses,
      "pod-network": noProcesses,
      "host-network": noProcesses,
      streaming: "the simulated runtime has no streaming server",
    },
  },
);
