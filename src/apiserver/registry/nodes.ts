// Nodes: the kubelet registers its node with the status filled in one POST,
// so create keeps status (upstream's node strategy does); updates of the main
// resource still leave status alone.
import type { ResourceInfo } from "../../api/registry.ts";
import { genericStrategy, type Strategy } from "./strategy.ts";

export function nodeStrategy(info: ResourceInfo): Strategy {
  return genericStrategy(info, { prepareForCreate: () => {} });
}
