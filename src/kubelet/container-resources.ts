// cgroup settings of a container from its requests and limits (upstream's
// kuberuntime linux resources): cpu shares from the cpu request (the limit
// when no request, 2 when neither), a CFS quota over a 100 ms period from the
// cpu limit, and the memory limit in bytes.
import type { Container } from "kubernetes-types/core/v1";
import { parseQuantity } from "../api/quantity.ts";
import type { ContainerResources } from "./runtime/runtime.ts";

const minShares = 2;
const sharesPerCpu = 1024;
const quotaPeriodUs = 100_000;
const minQuotaUs = 1000;

export function containerResources(container: Container): ContainerResources {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const cpuRequest = requests.cpu ?? limits.cpu;
  const milliRequest = cpuRequest === undefined ? 0 : Number(parseQuantity(cpuRequest).milliValue());
  const resources: ContainerResources = { cpuShares: Math.max(minShares, Math.floor((milliRequest * sharesPerCpu) / 1000)) };
  if (limits.cpu !== undefined) {
    const milliLimit = Number(parseQuantity(limits.cpu).milliValue());
    resources.cpuPeriod = quotaPeriodUs;
    resources.cpuQuota = Math.max(minQuotaUs, Math.floor((milliLimit * quotaPeriodUs) / 1000));
  }
  if (limits.memory !== undefined) resources.memoryLimitInBytes = Number(parseQuantity(limits.memory).value());
  return resources;
}
