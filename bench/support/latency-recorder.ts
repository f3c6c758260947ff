// Latency samples in milliseconds, growing as needed, with percentiles.
export class LatencyRecorder {
  private samples: Float64Array;
  private count = 0;

  constructor(capacity = 1_024) {
    this.samples = new Float64Array(Math.max(1, capacity));
  }

  add(ms: number): void {
    if (this.count === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
  }

  get size(): number {
    return this.count;
  }

  /** The nearest-rank percentile, fraction in (0, 1]; NaN when empty. */
  percentile(fraction: number): number {
    if (this.count === 0) return Number.NaN;
    const sorted = this.samples.slice(0, this.count).sort();
    return sorted[Math.min(this.count - 1, Math.ceil(fraction * this.count) - 1)] as number;
  }

  /** The largest sample; NaN when empty. */
  max(): number {
    let highest = Number.NaN;
    for (let i = 0; i < this.count; i++) {
      const sample = this.samples[i] as number;
      if (!(sample <= highest)) highest = sample;
    }
    return highest;
  }
}
