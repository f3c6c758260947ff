// Defaults of discovery.k8s.io/v1 EndpointSlices.
import { fillUnset, objectsAt } from "./fields.ts";
import type { Defaulter } from "./fields.ts";

export const discoveryV1Defaulters: Record<string, Defaulter> = {
  EndpointSlice: (slice) => {
    for (const port of objectsAt(slice, "ports")) {
      fillUnset(port, "name", "");
      fillUnset(port, "protocol", "TCP");
    }
  },
};
