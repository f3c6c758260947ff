// What a backend hands the conformance suite: a way to open a fresh store for
// one case, and optionally to open the same data again (in this process or in
// a child process) for the durability cases.
import type { Store } from "../store.ts";

/**
 * How a child process opens the data of the harness's last `open()`:
 * `(await import(module))[exportName](argument)` must resolve to a Store.
 * The child runs `node --import tsx`, so `module` may be a .ts file.
 */
export interface ChildStoreOpener {
  /** Absolute path (or file: URL) of the module. */
  module: string;
  exportName: string;
  /** Passed through JSON to the child. */
  argument: unknown;
}

/** One case's view of a backend. The suite closes every store it opened when the case ends. */
export interface Harness {
  /** A fresh store holding no keys. Called at most once per harness before `reopen`. */
  open(): Promise<Store>;
  /**
   * The data of the last `open()` opened again, after the case closed the
   * previous store or killed the process holding it. Absent when the backend
   * keeps nothing across opens.
   */
  reopen?(): Promise<Store>;
  /** How a child process opens the data of the last `open()`; absent when it cannot. */
  childOpener?(): ChildStoreOpener;
  /** Frees what the harness holds (temporary folders, ...); called after each case. */
  dispose?(): Promise<void>;
}

/** Makes a new harness for every case, so cases never share data. */
export type HarnessFactory = () => Harness | Promise<Harness>;

export interface ConformanceCase {
  /** Stable: backends name it to skip the case. */
  name: string;
  run(harness: Harness): Promise<void>;
}
