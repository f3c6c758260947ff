// ImageLocality: prefers nodes that already hold the pod's images, weighing
// each image by its size and by how widely it is spread (a rare image on one
// node should not draw every pod there).
import type { CycleState, StateData } from "../framework/cycle-state.ts";
import type { NodeInfo } from "../framework/node-info.ts";
import { normalizedImageName } from "../framework/node-info.ts";
import { MAX_NODE_SCORE, type PreScorePlugin, type ScorePlugin } from "../framework/plugin.ts";
import type { PodInfo } from "../framework/pod-info.ts";
import type { Snapshot } from "../framework/snapshot.ts";
import { SKIP, SUCCESS, type Status } from "../framework/status.ts";

export const IMAGE_LOCALITY = "ImageLocality";
const STATE_KEY = "PreScore" + IMAGE_LOCALITY;
const MEBIBYTE = 1024 * 1024;
/** Below this sum an image is cheap to pull anyway. */
const MIN_THRESHOLD = 23 * MEBIBYTE;
/** Per container: above this sum a node is as good as it gets. */
const MAX_CONTAINER_THRESHOLD = 1000 * MEBIBYTE;

class ImageScores implements StateData {
  constructor(
    /** Size times spread, per image the pod's containers name. */
    readonly scaledSizes: ReadonlyMap<string, number>,
    readonly images: readonly string[],
  ) {}

  clone(): StateData {
    return this;
  }
}

export function imageLocalityScore(sumOfScaledSizes: number, containerCount: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * containerCount;
  const clamped = Math.min(Math.max(sumOfScaledSizes, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

export class ImageLocalityPlugin implements PreScorePlugin, ScorePlugin {
  readonly name = IMAGE_LOCALITY;

  preScore(state: CycleState, pod: PodInfo, _nodes: readonly NodeInfo[], snapshot: Snapshot): Status {
    const spec = pod.pod.spec;
    const images = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((container) =>
      normalizedImageName(container.image ?? ""),
    );
    const total = snapshot.nodeInfos.length;
    const scaledSizes = new Map<string, number>();
    for (const image of images) {
      const known = snapshot.images.get(image);
      if (known !== undefined) scaledSizes.set(image, Math.trunc(known.sizeBytes * (known.nodeCount / total)));
    }
    // No node holds any of the images: every node would score 0, so scoring them is skipped.
    if (scaledSizes.size === 0) return SKIP;
    state.write(STATE_KEY, new ImageScores(scaledSizes, images));
    return SUCCESS;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const scores = state.read<ImageScores>(STATE_KEY);
    if (scores === undefined) return 0;
    let sum = 0;
    for (const image of scores.images) {
      if (nodeInfo.imageSizes.has(image)) sum += scores.scaledSizes.get(image) ?? 0;
    }
    return imageLocalityScore(sum, scores.images.length);
  }
}
