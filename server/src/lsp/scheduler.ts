/** Debounced, serialised jobs per key (one per module folder): a new request restarts the wait; never two runs of a key at once. */
export class Debouncer {
  /** Pending waits: a timer, or (delay 0) an immediate: Node's setTimeout waits at least 1 ms, a keystroke's whole budget is 2-5 ms. */
  private readonly timers = new Map<string, { cancel(): void }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly run: (key: string) => Promise<void>, private readonly onError: (key: string, e: unknown) => void) {}

  schedule(key: string, delayMs: number): void {
    this.timers.get(key)?.cancel();
    const go = (): void => { this.timers.delete(key); void this.fire(key); };
    if (delayMs > 0) { const t = setTimeout(go, delayMs); this.timers.set(key, { cancel: () => clearTimeout(t) }); }
    else if (typeof setImmediate === 'function' && typeof clearImmediate === 'function') { const t = setImmediate(go); this.timers.set(key, { cancel: () => clearImmediate(t) }); }
    else { const t = setTimeout(go, 0); this.timers.set(key, { cancel: () => clearTimeout(t) }); } // a Web Worker
  }

  /** Runs the job for key now (cancelling a pending timer), or after the running one. */
  async now(key: string): Promise<void> {
    const t = this.timers.get(key);
    if (t) { t.cancel(); this.timers.delete(key); }
    await this.fire(key);
  }

  pending(key: string): boolean { return this.timers.has(key) || this.running.has(key); }

  private fire(key: string): Promise<void> {
    const cur = this.running.get(key);
    if (cur) {
      this.again.add(key);
      return cur.then(() => this.running.get(key));
    }
    const p: Promise<void> = (async () => {
      try { await this.run(key); } catch (e) { this.onError(key, e); }
    })().finally(() => {
      this.running.delete(key);
      if (this.again.delete(key)) void this.fire(key);
    });
    this.running.set(key, p);
    return p;
  }

  dispose(): void { for (const t of this.timers.values()) t.cancel(); this.timers.clear(); }
}
