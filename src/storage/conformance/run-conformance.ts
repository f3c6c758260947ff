// Registers the conformance cases with node:test for one backend.
import { describe, test } from "node:test";
import type { Store } from "../store.ts";
import type { ConformanceCase, Harness, HarnessFactory } from "./harness.ts";

export interface ConformanceOptions {
  /** Case name -> why this backend cannot pass it. A skip without a reason is refused. */
  skip?: Record<string, string>;
  /** Per case; default 60 s. */
  timeoutMs?: number;
}

export class ConformanceSetupError extends Error {
  readonly reason = "InvalidSkip" as const;
  constructor(message: string) {
    super(message);
    this.name = "ConformanceSetupError";
  }
}

/** Runs one case against a fresh harness, closing every store it opened and disposing the harness. */
export async function runCase(conformanceCase: ConformanceCase, harnessFactory: HarnessFactory): Promise<void> {
  const harness = await harnessFactory();
  const opened: Store[] = [];
  const track = async (opening: Promise<Store>): Promise<Store> => {
    const store = await opening;
    opened.push(store);
    return store;
  };
  const tracked: Harness = {
    open: () => track(harness.open()),
    reopen: harness.reopen ? () => track(harness.reopen!()) : undefined,
    childOpener: harness.childOpener ? () => harness.childOpener!() : undefined,
  };
  try {
    await conformanceCase.run(tracked);
  } finally {
    // A case may already have closed its stores; closing twice must be harmless.
    for (const store of opened) await store.close();
    await harness.dispose?.();
  }
}

export function registerConformance(
  cases: readonly ConformanceCase[],
  backendName: string,
  harnessFactory: HarnessFactory,
  options: ConformanceOptions = {},
): void {
  const skip = options.skip ?? {};
  for (const [name, reason] of Object.entries(skip)) {
    if (!cases.some((c) => c.name === name)) throw new ConformanceSetupError(`no conformance case is named "${name}"`);
    if (reason.trim() === "") throw new ConformanceSetupError(`skipping "${name}" needs a reason`);
  }
  describe(`${backendName} store conformance`, () => {
    for (const conformanceCase of cases) {
      test(
        conformanceCase.name,
        { skip: skip[conformanceCase.name] ?? false, timeout: options.timeoutMs ?? 60_000 },
        () => runCase(conformanceCase, harnessFactory),
      );
    }
  });
}
