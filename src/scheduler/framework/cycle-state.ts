// Data one plugin computes at pre-filter or pre-score and reads back at filter
// or score for the same pod. Preemption clones it to try removing victims.

export interface StateData {
  clone(): StateData;
}

export class CycleState {
  readonly #data = new Map<string, StateData>();
  /** Filter plugins whose pre-filter said Skip: preemption's dry runs must skip them too. */
  skipFilterPlugins: ReadonlySet<string> = new Set();

  write(key: string, value: StateData): void {
    this.#data.set(key, value);
  }

  read<T extends StateData>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }

  clone(): CycleState {
    const copy = new CycleState();
    copy.skipFilterPlugins = this.skipFilterPlugins;
    for (const [key, value] of this.#data) copy.write(key, value.clone());
    return copy;
  }
}
