// Upstream's DefaultNormalizeScore: scale so the best raw score becomes 100,
// or (reverse) so the smallest raw count becomes 100.
import { MAX_NODE_SCORE } from "../framework/plugin.ts";

export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let highest = 0;
  for (const score of scores) if (score > highest) highest = score;
  if (highest === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let index = 0; index < scores.length; index++) {
    const scaled = Math.trunc((MAX_NODE_SCORE * (scores[index] as number)) / highest);
    scores[index] = reverse ? MAX_NODE_SCORE - scaled : scaled;
  }
}
