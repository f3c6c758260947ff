// The one suite every Store backend passes. A backend's test file calls
// `runConformance("name", () => harness)`; see ./harness.ts for the harness.
import type { ConformanceCase, HarnessFactory } from "./harness.ts";
import type { ConformanceOptions } from "./run-conformance.ts";
import { registerConformance } from "./run-conformance.ts";
import { crudCases } from "./crud-cases.ts";
import { listCases } from "./list-cases.ts";
import { watchCases } from "./watch-cases.ts";
import { durabilityCases } from "./durability-cases.ts";

export type { ChildStoreOpener, ConformanceCase, Harness, HarnessFactory } from "./harness.ts";
export type { ConformanceOptions } from "./run-conformance.ts";
export { runCase } from "./run-conformance.ts";

export const conformanceCases: ConformanceCase[] = [...crudCases, ...listCases, ...watchCases, ...durabilityCases];

/** Registers one node:test test per case; `options.skip` names cases this backend cannot pass, with the reason. */
export function runConformance(backendName: string, harnessFactory: HarnessFactory, options: ConformanceOptions = {}): void {
  registerConformance(conformanceCases, backendName, harnessFactory, options);
}
