// Many pod workers relist the runtime at once; a full sandbox list costs one
// status call per sandbox, so concurrent lists grow quadratically with the
// pods. FreshCall lets callers share a call without ever answering from one
// that began before they asked (a sandbox made just before must be in it).

const ignore = () => undefined;

export class FreshCall<T> {
  private current: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly call: () => Promise<T>) {}

  /** The result of a call that started no earlier than this request. */
  get(): Promise<T> {
    if (this.current === undefined) return this.begin();
    // Callers arriving while a call runs share the one that starts right after it.
    this.queued ??= this.current.then(ignore, ignore).then(() => {
      this.queued = undefined;
      return this.begin();
    });
    return this.queued;
  }

  private begin(): Promise<T> {
    const running = this.call();
    this.current = running;
    const clear = () => {
      if (this.current === running) this.current = undefined;
    };
    running.then(clear, clear);
    return running;
  }
}
