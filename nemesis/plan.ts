import type { CorruptionKind } from './corrupt-plan.js';
import { type Deck, deck } from './deck.js';
import type { FaultFamily } from './families.js';
import { type Grudge, grudgeFor, LEADER_TOPOLOGIES, shuffle, type Topology } from './grudge.js';
import { NETEM_DEFAULTS, type NetemOptions, type PacketFaultAction, packetFaultAction, packetFaultInvolves } from './netem-plan.js';
import {
  CORRUPT_TARGETS,
  minoritySize,
  PAUSE_TARGETS,
  POWER_CUT_TARGETS,
  type PowerCutTarget,
  PROCESS_TARGETS,
  resolveTarget,
  SKEW_TARGETS,
  type Target,
  weighted,
} from './targets.js';

/**
 * Nemesis scenarios as pure planners: at each step of the schedule a plan looks at
 * the live cluster (node ids, who leads right now) and says what to do next; targets
 * are resolved here, from that view, as Jepsen's `:targets` are. The executor
 * (nemesis/nemesis.ts) applies the action and proves it took effect. Randomness comes
 * from the caller's seeded PRNG, so a seed replays a campaign's choices.
 */
export type { FaultFamily };

/**
 * - `chaos`: Jepsen's combined nemesis: one flip-flop per family, mixed at random, so
 *   faults of different families overlap (at most `maxFaults` in force at once);
 * - `split-brain`: partitions that cut the leader off from a majority or leave no clean majority;
 * - `rolling-restart`: kill -9 and restart each node in turn;
 * - `cascading`: kill one node after another down to and past quorum loss, then restart them all.
 */
export type Scenario = 'chaos' | 'split-brain' | 'rolling-restart' | 'cascading';
export const SCENARIOS: readonly Scenario[] = ['chaos', 'split-brain', 'rolling-restart', 'cascading'];

/** offset: a fixed skew; strobe: the clock flips between two offsets; drift: it runs fast or slow; lease: Jepsen's pause + isolate + set back of the leader */
export type ClockVariant = 'offset' | 'strobe' | 'drift' | 'lease';
export const CLOCK_VARIANTS: readonly ClockVariant[] = ['offset', 'strobe', 'drift', 'lease'];

export type NemesisAction =
  | { f: 'start-partition'; topology: Topology; grudge: Grudge }
  | { f: 'start-loss'; target: Target; nodes: string[]; probability: number }
  | { f: 'start-kill' | 'start-pause'; target: Target; nodes: string[] }
  | { f: 'start-clock'; variant: 'offset'; target: Target; offsets: Record<string, number> }
  | { f: 'start-clock'; variant: 'strobe'; target: Target; nodes: string[]; delta: number; periodMs: number }
  | { f: 'start-clock'; variant: 'drift'; target: Target; rates: Record<string, number> }
  /**
   * freezeMs: the least time the leader stays frozen (the stop waits out the rest);
   * follower: cut off on the leader's side (not frozen), so it goes on sending its clients to the leader on resume
   */
  | { f: 'start-clock'; variant: 'lease'; leader: string; offset: number; freezeMs?: number; follower?: string }
  /**
   * cut `nodes` together; with thenLeader, `gapMs` later also whoever leads then; tear: the fraction of the last unsynced write kept (null: none);
   * cutOffRest: when the stop brings back a majority, the rest are cut off from it until it has elected a leader of its own (a zone's power and links fail together)
   */
  | { f: 'start-power-cut'; target: PowerCutTarget; nodes: string[]; thenLeader: boolean; gapMs: number; tear: number | null; cutOffRest?: boolean }
  /** stop the node, damage one of its data files (planned from its files with this seed), restart it */
  | { f: 'start-corrupt'; target: Target; node: string; seed: number; kinds: CorruptionKind[] }
  | Exclude<PacketFaultAction, { f: `stop-${string}` }>
  | { f: `stop-${FaultFamily}` };

export interface PlanView {
  nodes: readonly string[];
  /** who leads right now (from every node's health), null if nobody does */
  leader: string | null;
  rand: () => number;
  /** ms of load left in the run (unset: no end known) */
  remainingMs?: number;
}

export interface NemesisPlan {
  /** the next action, or null when there is nothing to do at this step */
  next(view: PlanView): NemesisAction | null;
}

export interface PlanOptions {
  families: readonly FaultFamily[];
  topologies: readonly Topology[];
  clockVariants: readonly ClockVariant[];
  lossProbability: number;
  /** size of clock offsets, seconds (applied with a random sign, ×0.5–1.5) */
  skewSeconds: number;
  /** clock rate change for drift, e.g. 0.1 → a clock running 10% fast or slow (×0.5–1.5) */
  drift: number;
  /** chaos: the most faults (of different families) in force at once */
  maxFaults: number;
  /** power-cut: the share of cuts that also tear the last unsynced write (keep a prefix of it) */
  tear: number;
  /** corrupt: the kinds of damage to draw from */
  corruptions: readonly CorruptionKind[];
  /** delay, duplicate, reorder, bandwidth and slow (nemesis/netem-plan.ts); unset: their defaults */
  netem?: NetemOptions;
  /** the lease breaker: the least ms its leader stays frozen (unset: LEASE_FREEZE_MS) */
  leaseFreezeMs?: number;
}

/**
 * The lease breaker's least freeze, for clients that give up on a request after
 * `requestTimeoutMs`. A stale lease read needs a read invoked after the new leader's
 * writes and answered by the old leader. While the leader is frozen, every client
 * whose request reached it (its own, and the followers' that were redirected to it
 * before the election) waits out its timeout: in the 16 breakers of
 * `bench:detect -- --runs 7 --seed 918300` that resumed under load (read-mode=lease
 * rows), the new leader committed no write at all from 0.5 s into the freeze until
 * the timeout in 12 of 18.
 * The op the old leader's clients have in flight when it resumes was invoked when
 * their previous one timed out: at one timeout into the freeze it saw no new write
 * and its answer, stale or not, was linearizable. At two timeouts (+ 1 s) it was
 * invoked a whole timeout after the load came back to the new leader.
 * (Frozen for less than one timeout, the old leader only answered requests made
 * before the freeze, and stepped down before anyone asked again: 20 breakers of
 * 0.5-3 s found a stale read in 5-10% of tries.)
 */
export const leaseFreezeFor = (requestTimeoutMs: number): number => 2 * requestTimeoutMs + 1000;

/** the least freeze for the default --request-timeout (2000 ms) */
export const LEASE_FREEZE_MS = leaseFreezeFor(2000);

/** power-cut: how long the rest of the cluster runs between the minority's cut and the leader's */
export const POWER_CUT_GAP_MS = 500;

const pick = <T>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)];

/**
 * How many cards each family has in chaos's deck (nemesis/deck.ts: dealt in a shuffled
 * order, so over a run each family comes up in proportion, none left out by chance).
 * Faults that take the leader away or cut it off (partition, kill, pause) find the most
 * bugs in replicated systems and come up most, partitions above all (a 60 s run deals
 * about 15 faults: with 6 of 34 cards, about one run in three dealt no partition that
 * cut the leader off); kills include a majority or every node
 * at once (what finds state kept only in memory); a power cut is a kill that also loses
 * what was not fsynced, and comes up as often as a kill: the only fault
 * that finds a write acknowledged before its fsync, and only when the cut lands inside
 * an fsync (each cut waits for one: nemesis/faults/disk.ts), so it needs several chances a run;
 * clock faults come up 6 times a deck, five of eight of them the lease breaker: the one fault that tests a leader's lease (the
 * Consul and etcd lease bugs), and harmless to a system that does not trust its clock
 * (with 4 of 32 cards, every lease run the bench missed had dealt no breaker at all);
 * delay, bandwidth and slowness change
 * timing for any transport (they found none of the planted bugs alone in Docker), while reordering and duplication below TCP are absorbed by
 * TCP itself (they matter to UDP and to TCP stacks), so they come up less; a corrupt
 * fault holds a node down until it is repaired, once per deck is enough. Packet loss on
 * every link mostly stalls the cluster (a measured 60 s run spent 16 s with no leader
 * under it), and while nothing commits no anomaly can happen.
 */
export const FAMILY_WEIGHTS: Record<FaultFamily, number> = {
  partition: 8,
  kill: 4,
  pause: 3,
  clock: 6,
  loss: 2,
  delay: 2,
  reorder: 1,
  duplicate: 1,
  bandwidth: 1,
  slow: 1,
  'power-cut': 4,
  corrupt: 1,
};

/**
 * clock variants, cards per deck: the lease breaker (pause, cut off and set back the
 * leader) is the one aimed at the leader, 5 of 8. At 3 of 6 (about 1.5 breakers a 60 s
 * run), 1 of the 7 seeds of `bench:detect -- --runs 7 --seed 918300` dealt no breaker
 * that resumed under load, and 1 of 5 after the breaker's timing changed: those runs
 * could not find a lease bug (every first anomaly of the lease rows came at a
 * breaker's resume).
 */
const CLOCK_VARIANT_WEIGHTS: Record<ClockVariant, number> = { lease: 5, offset: 1, strobe: 1, drift: 1 };
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const signed = (size: number, rand: () => number): number => round3((rand() < 0.5 ? -1 : 1) * size * (0.5 + rand()));

/**
 * The decks a plan deals its choices from: one set per plan, so a run's choices of
 * family, target, topology and clock variant are each spread evenly over the run.
 */
export interface PlanDecks {
  family: Deck<FaultFamily>;
  kill: Deck<Target>;
  pause: Deck<Target>;
  topology: Deck<Topology>;
  clock: Deck<ClockVariant>;
  powerCut: Deck<PowerCutTarget>;
}

/**
 * Within the leader-defined topologies: the two that cut the leader off from a
 * majority come up twice as often as the leader as the bridge. A leader cut off while
 * its clients still reach it is where the leader-side bugs show (reads served
 * without a quorum, writes acknowledged before they commit, a deposed leader's
 * entries kept): in the first 16 runs of those four bugs in `bench:detect -- --runs 20
 * --seed 918300` before this weighting, 4 of the 5 misses had dealt no such partition,
 * and 12 of the 16 runs had dealt none (weak evidence, but the class is Jepsen's best
 * bug-finder).
 */
const LEADER_TOPOLOGY_WEIGHTS: Record<string, number> = { 'isolate-leader': 2, 'leader-minority': 2, 'leader-bridge': 1 };

/**
 * Partition topologies: the leader-defined ones two thirds of the time (when both
 * kinds are allowed), so most partitions cut the current leader's links; the others
 * alike.
 */
function topologyCards(topologies: readonly Topology[]): [Topology, number][] {
  const byLeader = topologies.filter((t) => LEADER_TOPOLOGIES.includes(t));
  const others = topologies.filter((t) => !byLeader.includes(t));
  const w = (t: Topology): number => LEADER_TOPOLOGY_WEIGHTS[t] ?? 1;
  if (byLeader.length === 0 || others.length === 0) return topologies.map((t) => [t, w(t)]);
  const leaderTotal = byLeader.reduce((s, t) => s + w(t), 0);
  // leader-defined: 2 × others.length × w shares against leaderTotal each for the others
  return topologies.map((t) => [t, byLeader.includes(t) ? 2 * others.length * w(t) : leaderTotal]);
}

export function planDecks(o: PlanOptions): PlanDecks {
  return {
    family: deck(o.families.map((f) => [f, FAMILY_WEIGHTS[f]] as const)),
    kill: deck(PROCESS_TARGETS),
    pause: deck(PAUSE_TARGETS),
    topology: deck(topologyCards(o.topologies)),
    clock: deck(o.clockVariants.map((c) => [c, CLOCK_VARIANT_WEIGHTS[c]] as const)),
    powerCut: deck(POWER_CUT_TARGETS),
  };
}

/** a fault that starts; what undoes it is the stop of the same family. `decks`: the plan's (fresh ones draw at random by weight) */
export function startAction(family: FaultFamily, o: PlanOptions, v: PlanView, decks: PlanDecks = planDecks(o)): NemesisAction {
  const { nodes, leader, rand } = v;
  switch (family) {
    case 'partition': {
      // with no leader known, the leader-defined topologies wait for the next partition (their cards stay first in line)
      const fallback = o.topologies.filter((t) => !LEADER_TOPOLOGIES.includes(t));
      const exclude = leader || fallback.length === 0 ? undefined : (t: Topology) => LEADER_TOPOLOGIES.includes(t);
      const topology = decks.topology.deal(rand, exclude) as Topology;
      return { f: 'start-partition', topology, grudge: grudgeFor(topology, nodes, rand, leader) };
    }
    case 'loss': {
      // every link a quarter of the time (it stalls the whole cluster), else the links of the leader or a few nodes
      const target = rand() < 0.25 ? 'all' : weighted(SKEW_TARGETS, rand);
      return { f: 'start-loss', target, nodes: resolveTarget(target, nodes, leader, rand), probability: o.lossProbability };
    }
    case 'kill':
    case 'pause': {
      const target = (family === 'kill' ? decks.kill : decks.pause).deal(rand) as Target;
      return { f: `start-${family}`, target, nodes: resolveTarget(target, nodes, leader, rand) };
    }
    case 'clock': {
      // the lease breaker needs a leader, and load when it resumes: without them it waits for the next clock fault
      const variant = decks.clock.deal(rand, leaseFits(o, v) ? undefined : (c) => c === 'lease');
      return clockAction(variant ?? 'offset', o, v);
    }
    case 'power-cut':
      return powerCutAction(o, v, decks.powerCut.deal(rand) as PowerCutTarget);
    case 'corrupt': {
      const target = weighted(CORRUPT_TARGETS, rand);
      return { f: 'start-corrupt', target, node: resolveTarget(target, nodes, leader, rand)[0], seed: Math.floor(rand() * 2 ** 31), kinds: [...o.corruptions] };
    }
    case 'delay':
    case 'duplicate':
    case 'reorder':
    case 'bandwidth':
    case 'slow':
      return packetFaultAction(family, o.netem ?? NETEM_DEFAULTS, nodes, rand, leader) as NemesisAction;
  }
}

/**
 * The least load left after a lease breaker resumes: its old leader steps down within
 * about an election timeout, and only reads the clients make in that time can be
 * stale. A breaker dealt later resumes after the clients stopped and tests nothing (2
 * of the 20 breakers of `bench:detect -- --runs 7 --seed 918300`'s lease rows).
 */
export const LEASE_LOAD_AFTER_MS = 1000;

/** can a lease breaker be dealt now: a leader to freeze, and load left when it resumes? */
function leaseFits(o: PlanOptions, v: PlanView): boolean {
  if (v.leader === null) return false;
  return v.remainingMs === undefined || v.remainingMs >= (o.leaseFreezeMs ?? LEASE_FREEZE_MS) + LEASE_LOAD_AFTER_MS;
}

function powerCutAction(o: PlanOptions, { nodes, leader, rand }: PlanView, target: PowerCutTarget): NemesisAction {
  const tear = rand() < o.tear ? round3(0.1 + 0.8 * rand()) : null;
  if (target === 'minority-then-leader') {
    // followers first (the leader goes last, once they are down); with no leader known, any
    const followers = shuffle(
      nodes.filter((n) => n !== leader),
      rand,
    );
    // a majority goes down (the minority, then the leader): it comes back on what it had synced, cut off from the rest
    return {
      f: 'start-power-cut',
      target,
      nodes: followers.slice(0, minoritySize(nodes.length)),
      thenLeader: true,
      gapMs: POWER_CUT_GAP_MS,
      tear,
      cutOffRest: true,
    };
  }
  return { f: 'start-power-cut', target, nodes: resolveTarget(target, nodes, leader, rand), thenLeader: false, gapMs: 0, tear };
}

function clockAction(variant: ClockVariant, o: PlanOptions, { nodes, leader, rand }: PlanView): NemesisAction {
  if (variant === 'lease') {
    // set back by more than the pause lasts, so on resume its wall clock says the lease is fresh
    const freezeMs = o.leaseFreezeMs ?? LEASE_FREEZE_MS;
    const offset = -Math.max(o.skewSeconds + 8, Math.ceil(freezeMs / 1000) + 7);
    const follower = leaseFollower(nodes, leader as string, rand);
    return { f: 'start-clock', variant, leader: leader as string, offset, freezeMs, ...(follower ? { follower } : {}) };
  }
  const target = weighted(SKEW_TARGETS, rand);
  const targets = resolveTarget(target, nodes, leader, rand).slice(0, minoritySize(nodes.length));
  switch (variant) {
    case 'offset':
      return { f: 'start-clock', variant, target, offsets: Object.fromEntries(targets.map((n) => [n, signed(o.skewSeconds, rand)])) };
    case 'strobe':
      // libfaketime rereads its file about once a second: the strobe period is at least that
      return { f: 'start-clock', variant, target, nodes: targets, delta: signed(o.skewSeconds, rand), periodMs: 1100 };
    case 'drift':
      return { f: 'start-clock', variant, target, rates: Object.fromEntries(targets.map((n) => [n, round3(1 + signed(o.drift, rand))])) };
  }
}

/**
 * The follower the lease breaker cuts off on its leader's side, when the rest still
 * make a majority (5 nodes and up): a deposed leader keeps the minority a partition
 * leaves it, and that follower, not hearing the new leader, sends its clients' reads
 * to the old one as soon as it resumes. The old leader's own clients alone (2 of 10)
 * each had one request in flight at the resume, and one waiting on a write it cannot
 * commit asks nothing more before the step-down (in 4 of those 18 breakers both were
 * writes); the follower's clients fail fast while the leader is frozen (no leader
 * known) and ask afresh after the resume, when the new leader's writes are in.
 */
export function leaseFollower(nodes: readonly string[], leader: string, rand: () => number): string | null {
  const followers = nodes.filter((n) => n !== leader);
  if (nodes.length - 2 < Math.floor(nodes.length / 2) + 1) return null;
  return pick(followers, rand);
}

/** chaos: a fault stays in force for this many steps (drawn at its start, 1 to 3), whatever its family */
export const FAULT_STEPS: readonly [number, number] = [1, 3];

/**
 * Jepsen's combined nemesis: each family is a flip-flop (start, stop, start, ...), the
 * families dealt from a deck (FAMILY_WEIGHTS), so faults of different families are in
 * force together — a pause, a partition and a clock set back can all hit the leader at
 * once. Each fault lasts 1 to 3 steps (about one to three --interval): a step stops the
 * oldest fault whose time is up, else starts one, else (with `maxFaults` in force) stops
 * the oldest. Before, a step stopped a random fault half the time, and a fault could stay
 * for ten steps: a lease breaker held its leader frozen 22 s, past the clock set back
 * 10 s, and exposed nothing.
 */
export function chaosPlan(o: PlanOptions): NemesisPlan {
  const active: { family: FaultFamily; until: number }[] = [];
  const decks = planDecks(o);
  let step = 0;
  const stopOldest = (due: boolean): NemesisAction | null => {
    const i = due ? active.findIndex((a) => a.until <= step) : 0;
    if (i < 0 || active.length === 0) return null;
    const [{ family }] = active.splice(i, 1);
    return { f: `stop-${family}` };
  };
  return {
    next(v) {
      if (o.families.length === 0) return null;
      step++;
      const due = stopOldest(true);
      if (due) return due;
      // a family in force keeps its card for the next deal after its stop
      const family = active.length >= o.maxFaults ? undefined : decks.family.deal(v.rand, (f) => active.some((a) => a.family === f));
      if (family === undefined) return stopOldest(false); // every chosen family is in force, or as many faults as allowed
      const [lo, hi] = FAULT_STEPS;
      active.push({ family, until: step + lo + Math.floor(v.rand() * (hi - lo + 1)) });
      return startAction(family, o, v, decks);
    },
  };
}

const SPLIT_BRAIN: readonly Topology[] = ['isolate-leader', 'leader-minority', 'leader-bridge', 'majorities-ring'];

/** partitions that cut the leader off from a majority, or leave no clean majority (rings, the leader as the only bridge) */
export function splitBrainPlan(o: PlanOptions): NemesisPlan {
  let active = false;
  return {
    next(v) {
      active = !active;
      if (!active) return { f: 'stop-partition' };
      const topology = pick(SPLIT_BRAIN, v.rand);
      return { f: 'start-partition', topology, grudge: grudgeFor(topology, v.nodes, v.rand, v.leader) };
    },
  };
}

/** kill -9 one node, restart it, the next node, ... in node order, round and round */
export function rollingRestartPlan(): NemesisPlan {
  let i = 0;
  let down = false;
  return {
    next(v) {
      down = !down;
      if (!down) return { f: 'stop-kill' };
      return { f: 'start-kill', target: 'one', nodes: [v.nodes[i++ % v.nodes.length]] };
    },
  };
}

/**
 * One more node killed at each step, the leader first, until a majority is down
 * (quorum lost), then all restarted at once; repeat. Nodes stay down together, so
 * the cluster goes through "quorum barely kept" and "quorum lost".
 */
export function cascadingPlan(): NemesisPlan {
  const down: string[] = [];
  return {
    next(v) {
      if (down.length >= Math.floor(v.nodes.length / 2) + 1) {
        down.length = 0;
        return { f: 'stop-kill' };
      }
      const alive = v.nodes.filter((n) => !down.includes(n));
      const lead = v.leader !== null && alive.includes(v.leader);
      const next = lead ? (v.leader as string) : pick(alive, v.rand);
      down.push(next);
      return { f: 'start-kill', target: lead ? 'leader' : 'one', nodes: [next] };
    },
  };
}

export function makePlan(scenario: Scenario, o: PlanOptions): NemesisPlan {
  switch (scenario) {
    case 'chaos':
      return chaosPlan(o);
    case 'split-brain':
      return splitBrainPlan(o);
    case 'rolling-restart':
      return rollingRestartPlan();
    case 'cascading':
      return cascadingPlan();
  }
}

/** the families a scenario uses (for the run's description and `--nemesis` checks) */
export function scenarioFamilies(scenario: Scenario, families: readonly FaultFamily[]): FaultFamily[] {
  switch (scenario) {
    case 'chaos':
      return [...families];
    case 'split-brain':
      return ['partition'];
    case 'rolling-restart':
    case 'cascading':
      return ['kill'];
  }
}

/** Does this action touch the node that leads right now (kill, pause, clock, cut links, lossy links)? */
export function involvesLeader(a: NemesisAction, leader: string | null): boolean {
  if (leader === null) return false;
  switch (a.f) {
    case 'start-partition':
      return (a.grudge[leader]?.length ?? 0) > 0 || Object.values(a.grudge).some((enemies) => enemies.includes(leader));
    case 'start-loss':
    case 'start-kill':
    case 'start-pause':
      return a.nodes.includes(leader);
    case 'start-power-cut':
      return a.thenLeader || a.nodes.includes(leader);
    case 'start-corrupt':
      return a.node === leader;
    case 'start-clock':
      if (a.variant === 'lease') return a.leader === leader;
      if (a.variant === 'strobe') return a.nodes.includes(leader);
      return leader in (a.variant === 'offset' ? a.offsets : a.rates);
    case 'start-delay':
    case 'start-duplicate':
    case 'start-reorder':
    case 'start-bandwidth':
    case 'start-slow':
      return packetFaultInvolves(a, leader);
    default:
      return false;
  }
}
