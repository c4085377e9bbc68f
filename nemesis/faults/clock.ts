import { driftSpec, offsetSpec, RESET_SPEC } from '../clock.js';
import { dropFrom, flush, rules } from '../iptables.js';
import type { NemesisAction } from '../plan.js';
import type { NemesisRuntime } from '../runtime.js';
import { majoritySize } from '../targets.js';
import type { ProcessFaults } from './process.js';
import type { FaultRecord } from './types.js';

type ClockStart = Extract<NemesisAction, { f: 'start-clock' }>;
type InForce =
  | { variant: 'offset' | 'drift'; nodes: string[] }
  | { variant: 'strobe'; nodes: string[]; timer: NodeJS.Timeout; flips: () => number }
  | { variant: 'lease'; nodes: [string]; follower: string | null; releasedAfterMs: number | null; frozenAt: number; freezeMs: number };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round2 = (x: number): number => Math.round(x * 100) / 100;
/** how long a clock fault waits for a node to show its new offset: libfaketime needs about a second */
const AWAIT_SKEW_MS = 3000;

/**
 * Clock faults through libfaketime (per node: the runtime writes the spec file the
 * node's libfaketime rereads about once a second), each measured back from the
 * node's own clock as its health reports it: offsets, strobes, drift rates. The
 * lease breaker (Jepsen's) pauses the leader, cuts it off (with one follower, which
 * is not paused, on its side) and sets its clock back, so on resume its wall clock
 * says its lease is still fresh.
 */
export class ClockFaults {
  private state: InForce | null = null;

  constructor(
    private readonly rt: NemesisRuntime,
    private readonly process: ProcessFaults,
  ) {}

  get inForce(): boolean {
    return this.state !== null;
  }

  async start(a: ClockStart): Promise<FaultRecord> {
    if (this.state) await this.stop();
    switch (a.variant) {
      case 'offset': {
        const nodes = Object.keys(a.offsets);
        this.state = { variant: 'offset', nodes };
        for (const id of nodes) this.rt.writeClock(id, offsetSpec(a.offsets[id]));
        const measured = await this.each(nodes, (id) => this.awaitSkew(id, a.offsets[id]));
        return { f: a.f, value: { variant: a.variant, target: a.target, offsets: a.offsets, measured } };
      }
      case 'strobe': {
        let flips = 0;
        const write = (): void => {
          const spec = offsetSpec(flips++ % 2 === 0 ? a.delta : 0);
          for (const id of a.nodes) this.rt.writeClock(id, spec);
        };
        write();
        const measured = await this.each(a.nodes, (id) => this.awaitSkew(id, a.delta));
        this.state = { variant: 'strobe', nodes: a.nodes, timer: setInterval(write, a.periodMs), flips: () => flips };
        return { f: a.f, value: { variant: a.variant, target: a.target, nodes: a.nodes, delta: a.delta, periodMs: a.periodMs, measured } };
      }
      case 'drift': {
        const nodes = Object.keys(a.rates);
        this.state = { variant: 'drift', nodes };
        for (const id of nodes) this.rt.writeClock(id, driftSpec(a.rates[id], Date.now() - (await this.rt.startedAt(id))));
        const measured = await this.each(nodes, (id) => this.measureRate(id));
        return { f: a.f, value: { variant: a.variant, target: a.target, rates: a.rates, measured } };
      }
      case 'lease': {
        const id = a.leader;
        // no follower if the rest would be left without a quorum (another fault holds one of them down)
        const follower = a.follower && this.restKeepsQuorum(id, a.follower) ? a.follower : null;
        this.state = { variant: 'lease', nodes: [id], follower, releasedAfterMs: null, frozenAt: Date.now(), freezeMs: a.freezeMs ?? 0 };
        await this.process.pauseNode(id);
        const cut = await this.isolate(id, follower);
        this.rt.writeClock(id, offsetSpec(a.offset));
        const paused = (await this.rt.state(id)).paused;
        return {
          f: a.f,
          value: {
            variant: 'pause-isolate-bump-leader',
            leader: id,
            offset: a.offset,
            paused,
            ...(follower ? { follower } : {}),
            ...(a.follower && !follower ? { followerSkipped: a.follower } : {}),
            rules: cut,
          },
        };
      }
    }
  }

  /** would the nodes outside the breaker's side still make a majority of live nodes? */
  private restKeepsQuorum(leader: string, follower: string): boolean {
    const up = this.rt.nodes.filter((p) => p.id !== leader && p.id !== follower && !this.process.isDown(p.id));
    return up.length >= majoritySize(this.rt.nodes.length);
  }

  /**
   * After another fault took nodes down: if the rest no longer make a majority without
   * the breaker's follower, the follower rejoins them (its cut is lifted), so they can
   * still elect a leader and commit, or no read of the old leader can be stale (a kill
   * of one node during a breaker that had taken a follower left 2 of 5 and nothing
   * committed). Returns the follower released, if any.
   */
  async keepQuorum(): Promise<string | null> {
    const c = this.state;
    if (c?.variant !== 'lease' || c.follower === null || this.restKeepsQuorum(c.nodes[0], c.follower)) return null;
    const follower = c.follower;
    c.follower = null;
    c.releasedAfterMs = Date.now() - c.frozenAt;
    const pid = await this.rt.pid(follower);
    if (pid > 0) await flush(this.rt, pid, 'FAULTLINE-LEASE');
    // the leader stays cut off from it too: hearing the new term from it, the leader would step down the moment it resumes
    const leaderPid = await this.rt.pid(c.nodes[0]);
    const ip = this.rt.nodes.find((p) => p.id === follower)?.ip;
    if (leaderPid > 0 && ip) await dropFrom(this.rt, leaderPid, 'FAULTLINE-LEASE', [ip]);
    return follower;
  }

  /** the lease breaker's cut: the leader (and its follower, if any) drop every packet from the rest; rules in force per node */
  private async isolate(leader: string, follower: string | null, only?: string): Promise<Record<string, number>> {
    const side = follower ? [leader, follower] : [leader];
    const rest = this.rt.nodes.filter((p) => !side.includes(p.id)).map((p) => p.ip);
    const out: Record<string, number> = {};
    for (const id of side) {
      if (only !== undefined && id !== only) continue;
      const pid = await this.rt.pid(id);
      if (pid <= 0) continue; // a node down gets its rules when it restarts (reapply)
      await dropFrom(this.rt, pid, 'FAULTLINE-LEASE', rest);
      out[id] = (await rules(this.rt, pid, 'FAULTLINE-LEASE')).length;
    }
    return out;
  }

  async stop(): Promise<FaultRecord | null> {
    const c = this.state;
    if (!c) return null;
    this.state = null;
    if (c.variant === 'lease') {
      const [id] = c.nodes;
      await sleep(c.frozenAt + c.freezeMs - Date.now()); // frozen at least freezeMs (plan.ts: LEASE_FREEZE_MS)
      const frozenMs = Date.now() - c.frozenAt;
      const resumed = await this.process.resume(id);
      await sleep(300);
      const skew = await this.measureSkew(id); // measured while its lease looks fresh to it
      await sleep(1200);
      for (const n of c.follower ? [id, c.follower] : [id]) {
        const pid = await this.rt.pid(n);
        if (pid > 0) await flush(this.rt, pid, 'FAULTLINE-LEASE');
      }
      this.rt.writeClock(id, RESET_SPEC);
      return {
        f: 'stop-clock',
        value: {
          variant: 'pause-isolate-bump-leader',
          leader: id,
          ...(c.follower ? { follower: c.follower } : {}),
          ...(c.releasedAfterMs !== null ? { followerReleasedAfterMs: c.releasedAfterMs } : {}),
          frozenMs,
          resumed,
          measuredOnResume: skew,
        },
      };
    }
    if (c.variant === 'strobe') clearInterval(c.timer);
    for (const id of c.nodes) this.rt.writeClock(id, RESET_SPEC);
    const measured = await this.each(c.nodes, (id) => this.awaitSkew(id, 0));
    return { f: 'stop-clock', value: { variant: c.variant, reset: c.nodes, measured, ...(c.variant === 'strobe' ? { flips: c.flips() } : {}) } };
  }

  /** after a restart: the lease breaker's isolation lived in the old network namespace */
  async reapply(id: string): Promise<void> {
    const c = this.state;
    if (c?.variant !== 'lease' || (c.nodes[0] !== id && c.follower !== id)) return;
    await this.isolate(c.nodes[0], c.follower, id);
  }

  /**
   * polls until the node's clock shows the offset (libfaketime rereads its file about
   * once a second), for at most AWAIT_SKEW_MS; a node that is down is not waited for
   * (null): it cannot answer, and 20 health timeouts in a row once held the nemesis for
   * 64 s of a 60 s run.
   */
  private async awaitSkew(id: string, expected: number): Promise<number | null> {
    let last: number | null = null;
    const end = Date.now() + AWAIT_SKEW_MS;
    while (Date.now() < end) {
      if (this.process.isDown(id)) return null;
      last = await this.measureSkew(id);
      if (last !== null && Math.abs(last - expected) < 0.25) return last;
      await sleep(250);
    }
    return last; // recorded as measured: a mismatch is visible in the history
  }

  /** a measurement of each node, all at once (the nemesis waits for the slowest, not for their sum) */
  private async each<T>(ids: readonly string[], measure: (id: string) => Promise<T>): Promise<Record<string, T>> {
    const values = await Promise.all(ids.map(measure));
    return Object.fromEntries(ids.map((id, i) => [id, values[i]]));
  }

  /** offset now and the clock's rate over the next two seconds (after libfaketime picked the file up) */
  private async measureRate(id: string): Promise<{ offset: number | null; rate: number | null }> {
    await sleep(1200);
    if (this.process.isDown(id)) return { offset: null, rate: null };
    const a = await this.sample(id);
    await sleep(2000);
    const b = await this.sample(id);
    if (!a || !b) return { offset: b ? round2(b.skewMs / 1000) : null, rate: null };
    // both skews are taken at the midpoints of their round trips: the rate is their slope
    return { offset: round2(b.skewMs / 1000), rate: round2(1 + (b.skewMs - a.skewMs) / (b.atMs - a.atMs)) };
  }

  /** the node's wall clock minus ours, in seconds (null if it did not answer) */
  private async measureSkew(id: string): Promise<number | null> {
    const s = await this.sample(id);
    return s && round2(s.skewMs / 1000);
  }

  /**
   * The node's clock minus ours at the midpoint of a health round trip, from the
   * fastest of three (as NTP does): a slow answer makes the midpoint uncertain.
   */
  private async sample(id: string): Promise<{ skewMs: number; atMs: number } | null> {
    let best: { skewMs: number; atMs: number; rttMs: number } | null = null;
    for (let i = 0; i < 3; i++) {
      const before = Date.now();
      const h = await this.rt.health(id);
      const after = Date.now();
      if (!h || h.now === undefined) continue;
      const mid = (before + after) / 2;
      if (!best || after - before < best.rttMs) best = { skewMs: h.now - mid, atMs: mid, rttMs: after - before };
    }
    return best;
  }
}
