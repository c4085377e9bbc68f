import type { Workload } from '../../../workloads/workload.js';
import { writeStatus } from '../../store/writers.js';
import { describeNemesis, type RunConfig } from '../config.js';
import { healths, type Watchable } from '../monitor.js';
import type { Recorder } from '../recorder.js';
import { noOnlineCheck, onlineCheck } from './online.js';
import { type LivePhase, type LiveStatus, StatusTracker } from './status.js';

export interface LiveOptions {
  dir: string;
  cfg: RunConfig;
  recorder: Recorder;
  workload: Workload;
  /** each status as it is written (the terminal progress) */
  onStatus?: (s: LiveStatus) => void;
  everyMs?: number;
  /** how often the online check runs */
  checkEveryMs?: number;
  /** where a failure to write the status is told (once) */
  warn?: (message: string) => void;
}

/**
 * The controller's live status: every second it takes the ops recorded since the last
 * tick, polls every node's health, runs the online check every few seconds, and
 * rewrites `status.json` in the run directory (atomically). Nothing here can fail the
 * run: a status that cannot be written is told once and the run goes on.
 */
export class LiveStatusWriter {
  private readonly tracker: StatusTracker;
  private phase: LivePhase = 'starting';
  private cluster: Watchable | null = null;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private lastCheck = 0;
  private warned = false;

  constructor(private readonly o: LiveOptions) {
    const online = onlineCheck(o.workload);
    this.tracker = new StatusTracker(
      { test: o.cfg.testName, workload: o.cfg.workload, nemesis: describeNemesis(o.cfg), timeLimitS: o.cfg.timeLimitS, started: new Date() },
      online,
      online ? undefined : noOnlineCheck(o.workload),
    );
    this.write();
    this.timer = setInterval(() => void this.tick(), o.everyMs ?? 1000);
    this.timer.unref();
  }

  /** From now on each tick polls the cluster's nodes (null: stop, e.g. before teardown). */
  watch(cluster: Watchable | null): void {
    this.cluster = cluster;
  }

  /** The load begins now (ns on the recorder's clock). */
  startLoad(ns: number): void {
    this.tracker.startLoad(ns);
    this.setPhase('load');
  }

  setPhase(phase: LivePhase): void {
    this.phase = phase;
    this.write();
  }

  /** The last status: the run's verdict, or that it ended without one. */
  finish(phase: 'done' | 'aborted', valid?: true | false | 'unknown'): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.cluster = null;
    this.phase = phase;
    this.tracker.ingest(this.o.recorder.ops);
    this.write(valid);
  }

  private async tick(): Promise<void> {
    if (this.polling) return; // a slow poll (nodes cut off) is never stacked
    this.polling = true;
    try {
      const c = this.cluster;
      if (c)
        this.tracker.observe(
          c.nodes.map((n) => n.id),
          await healths(c, 800),
        );
      if (this.timer === null) return; // finished meanwhile
      this.tracker.ingest(this.o.recorder.ops);
      const now = this.o.recorder.now();
      if (Date.now() - this.lastCheck >= (this.o.checkEveryMs ?? 5000)) {
        this.lastCheck = Date.now();
        this.tracker.check(now);
      }
      this.write();
    } finally {
      this.polling = false;
    }
  }

  private write(valid?: true | false | 'unknown'): void {
    const s = this.tracker.snapshot(this.phase, this.o.recorder.now());
    if (valid !== undefined) s.valid = valid;
    try {
      writeStatus(this.o.dir, s);
    } catch (err) {
      if (!this.warned) this.o.warn?.(`cannot write the live status: ${(err as Error).message}`);
      this.warned = true;
    }
    this.o.onStatus?.(s);
  }
}
