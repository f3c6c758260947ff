// Creating many children in batches of 1, 2, 4, ... (upstream's slowStartBatch):
// when every create fails the same way (a quota, a bad template) the controller
// learns it from one request instead of flooding the API with hundreds.

/** Batch sizes for count creations starting at initial, doubling, never past what remains. */
export function slowStartBatches(count: number, initial = 1): number[] {
  const batches: number[] = [];
  let remaining = count;
  for (let size = Math.min(remaining, initial); size > 0; size = Math.min(2 * size, remaining)) {
    batches.push(size);
    remaining -= size;
  }
  return batches;
}

export interface SlowStartResult {
  succeeded: number;
  /** Calls never made because a batch failed. */
  skipped: number;
  /** The first failure, if any. */
  error?: unknown;
}

/** Runs create count times in slow-start batches, stopping after the first batch with a failure. */
export async function slowStart(count: number, create: () => Promise<void>, initial = 1): Promise<SlowStartResult> {
  let succeeded = 0;
  let started = 0;
  for (const size of slowStartBatches(count, initial)) {
    started += size;
    const outcomes = await Promise.allSettled(Array.from({ length: size }, () => create()));
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    succeeded += outcomes.filter((outcome) => outcome.status === "fulfilled").length;
    if (failure !== undefined) return { succeeded, skipped: count - started, error: failure.reason };
  }
  return { succeeded, skipped: 0 };
}
