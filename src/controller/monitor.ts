import type { LeaderClaim } from '../../checkers/election.js';
import { leaderOf } from '../sut/leader.js';
import type { NodeHealth } from '../sut/types.js';
import { sleep } from './workers.js';

/** What the controller needs to watch a cluster (DockerCluster has it; tests can fake it). */
export interface Watchable {
  readonly nodes: readonly { id: string }[];
  health(id: string, timeoutMs?: number): Promise<NodeHealth | null>;
}

/** every node's health (null for a node that did not answer in time) */
export async function healths(c: Watchable, timeoutMs: number): Promise<(NodeHealth | null)[]> {
  return Promise.all(c.nodes.map((n) => c.health(n.id, timeoutMs)));
}

/**
 * Leader elections as seen from outside: polls every node's health, counts the
 * distinct terms in which some node said it was leader, and keeps each (node, term)
 * leadership with when it was first seen (`now`: history time, ns), for the election
 * safety check (checkers/election.ts).
 */
export class LeaderWatch {
  readonly claims: LeaderClaim[] = [];
  private readonly seen = new Set<string>();
  private running = true;
  private done: Promise<void>;

  constructor(
    c: Watchable,
    everyMs = 500,
    private readonly now: () => number = () => Date.now() * 1e6,
  ) {
    this.done = (async () => {
      while (this.running) {
        this.observe(await healths(c, Math.min(everyMs, 1000)));
        await sleep(everyMs);
      }
    })();
  }

  observe(hs: readonly (NodeHealth | null)[]): void {
    const at = this.now();
    for (const h of hs) {
      if (h?.role !== 'leader') continue;
      const key = `${h.id} ${h.term}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.claims.push({ node: h.id, term: h.term, atNs: at });
    }
  }

  /** distinct terms in which some node was seen leading */
  get elections(): number {
    return new Set(this.claims.map((c) => c.term)).size;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

/**
 * Time until the cluster has recovered: every node answers, one leads, and every
 * node has applied what that leader had committed when we first saw it (under load
 * the indexes keep moving, so "equal" is asked only with `idle`). null on timeout.
 */
export async function timeToRecover(c: Watchable, timeoutMs: number, idle = false): Promise<number | null> {
  const t = Date.now();
  let target = -1;
  while (Date.now() - t < timeoutMs) {
    const hs = await healths(c, 500);
    const leader = leaderOf(hs);
    if (leader && hs.every((h) => h !== null)) {
      if (target < 0) target = leader.commitIndex;
      const applied = hs.map((h) => (h as NodeHealth).appliedIndex);
      const min = Math.min(...applied);
      if (idle ? min === Math.max(...applied) && min >= target : min >= target) return Date.now() - t;
    }
    await sleep(100);
  }
  return null;
}

/**
 * The leader (highest term) among `ids` (default: every node), polled every 100 ms until
 * one leads that `accept` takes; null when none did within `timeoutMs`.
 */
export async function awaitLeader(
  c: Watchable,
  timeoutMs: number,
  accept: (leader: NodeHealth) => boolean = () => true,
  ids: readonly string[] = c.nodes.map((n) => n.id),
): Promise<NodeHealth | null> {
  const t = Date.now();
  while (Date.now() - t < timeoutMs) {
    const leader = leaderOf(await Promise.all(ids.map((id) => c.health(id, 500))));
    if (leader && accept(leader)) return leader;
    await sleep(100);
  }
  return null;
}

/** Time until a node other than `old` leads (after the old leader was killed, paused or cut off). */
export async function timeToNewLeader(c: Watchable, old: string, timeoutMs: number): Promise<number | null> {
  const t = Date.now();
  return (await awaitLeader(c, timeoutMs, (leader) => leader.id !== old)) ? Date.now() - t : null;
}
