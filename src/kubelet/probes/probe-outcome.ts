import type { ProbeOutcomeResult } from "./probe-state.ts";

/** What one probe attempt found, with the message upstream would log or show in an Unhealthy event. */
export interface ProbeOutcome {
  result: ProbeOutcomeResult;
  message: string;
}
