/**
 * Request deadlines without a timer per request: every request gets the same
 * timeout, so deadlines expire in arrival order and a FIFO swept by one interval
 * suffices. A request is answered `timeout` between `timeoutMs` and
 * `timeoutMs + sweep period` after it arrived.
 */
export interface Slot<T> {
  /** null once settled: the FIFO keeps the slot until a sweep, not what it answered */
  item: T | null;
  deadline: number;
  settled: boolean;
}

export class DeadlineQueue<T> {
  private fifo: Slot<T>[] = [];
  private head = 0;
  private live = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly timeoutMs: number,
    private readonly onExpire: (item: T) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.sweep(), Math.max(5, Math.min(100, Math.floor(timeoutMs / 10))));
    this.timer.unref();
  }

  /** requests not yet settled */
  get size(): number {
    return this.live;
  }

  add(item: T): Slot<T> {
    const slot = { item, deadline: this.now() + this.timeoutMs, settled: false };
    this.fifo.push(slot);
    this.live++;
    return slot;
  }

  /** Marks a slot answered; false if it had already expired (or was settled). */
  settle(slot: Slot<T>): boolean {
    if (slot.settled) return false;
    slot.settled = true;
    slot.item = null;
    this.live--;
    return true;
  }

  sweep(): void {
    const now = this.now();
    while (this.head < this.fifo.length) {
      const s = this.fifo[this.head];
      if (!s.settled && s.deadline > now) break;
      this.head++;
      if (!s.settled) {
        const item = s.item as T;
        s.settled = true;
        s.item = null;
        this.live--;
        this.onExpire(item);
      }
    }
    // drop the consumed prefix now and then, not on every sweep (no quadratic shifting)
    if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
