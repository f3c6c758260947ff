// Defaults of flowcontrol.apiserver.k8s.io/v1 (API priority and fairness).
import { ensureObject, fillEmpty, fillUnset, objectAt } from "./fields.ts";
import type { Defaulter, JsonObject } from "./fields.ts";

const MATCHING_PRECEDENCE = 1000;
const NOMINAL_CONCURRENCY_SHARES = 30;
const QUEUING = { handSize: 8, queues: 64, queueLengthLimit: 50 };

function defaultFlowSchema(schema: JsonObject): void {
  const spec = ensureObject(schema, "spec");
  if (spec) fillEmpty(spec, "matchingPrecedence", MATCHING_PRECEDENCE);
}

function defaultPriorityLevelConfiguration(level: JsonObject): void {
  const spec = objectAt(level, "spec");
  if (!spec) return;
  const limited = objectAt(spec, "limited");
  if (limited) {
    fillUnset(limited, "nominalConcurrencyShares", NOMINAL_CONCURRENCY_SHARES);
    fillUnset(limited, "lendablePercent", 0);
    const queuing = objectAt(objectAt(limited, "limitResponse") ?? {}, "queuing");
    if (queuing) {
      for (const [field, value] of Object.entries(QUEUING)) fillEmpty(queuing, field, value);
    }
  }
  const exempt = objectAt(spec, "exempt");
  if (exempt) {
    fillUnset(exempt, "nominalConcurrencyShares", 0);
    fillUnset(exempt, "lendablePercent", 0);
  }
}

export const flowcontrolV1Defaulters: Record<string, Defaulter> = {
  FlowSchema: defaultFlowSchema,
  PriorityLevelConfiguration: defaultPriorityLevelConfiguration,
};
