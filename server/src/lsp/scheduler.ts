/** Debounced, serialised jobs per key (one per module folder): a new request restarts the wait; never two runs of a key at once. */
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly run: (key: string) => Promise<void>, private readonly onError: (key: string, e: unknown) => void) {}

  schedule(key: string, delayMs: number): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.fire(key); }, Math.max(0, delayMs)));
  }

  /** Runs the job for key now (cancelling a pending timer), or after the running one. */
  async now(key: string): Promise<void> {
    const t = this.timers.get(key);
    if (t) { clearTimeout(t); this.timers.delete(key); }
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

  dispose(): void { for (const t of this.timers.values()) clearTimeout(t); this.timers.clear(); }
}
