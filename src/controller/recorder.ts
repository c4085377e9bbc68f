import { HistoryWriter } from '../history/jsonl.js';
import type { Op } from '../history/types.js';

export type Event = Omit<Op, 'index' | 'time'>;

/**
 * The run's history: every event gets a dense index and a time in ns since the
 * start from a monotonic clock, is kept in memory for the checkers and streamed to
 * history.jsonl as it happens (whole lines only: an interrupted run leaves a
 * readable prefix).
 */
export class Recorder {
  readonly ops: Op[] = [];
  private readonly t0 = process.hrtime.bigint();
  private readonly writer: HistoryWriter | null;

  constructor(file: string | null) {
    this.writer = file ? new HistoryWriter(file) : null;
  }

  /** ns since the start */
  now(): number {
    return Number(process.hrtime.bigint() - this.t0);
  }

  record(event: Event): Op {
    const op = { index: this.ops.length, time: this.now(), ...event } as Op;
    this.ops.push(op);
    this.writer?.append(op);
    return op;
  }

  close(): void {
    this.writer?.close();
  }
}
