import { type Grudge, grudgeFor, shuffle, type Topology } from './grudge.js';

/**
 * Nemesis scenarios as pure planners: at each step of the schedule a plan looks at the
 * cluster (node ids, current leader) and says what to do next. The executor
 * (nemesis/nemesis.ts) applies the action and proves it took effect. Randomness comes
 * from the caller's seeded PRNG, so a seed replays a campaign's choices.
 */
export type FaultFamily = 'partition' | 'loss' | 'kill' | 'pause' | 'clock';
export const FAMILIES: readonly FaultFamily[] = ['partition', 'loss', 'kill', 'pause', 'clock'];

/**
 * - `chaos`: Jepsen's flip-flop of random faults from the chosen families;
 * - `split-brain`: partitions that leave the old leader on a minority side (two would-be leaders);
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
  | { f: 'start-loss'; probability: number }
  | { f: 'start-kill' | 'start-pause'; nodes: string[] }
  | { f: 'start-clock'; variant: 'offset'; offsets: Record<string, number> }
  | { f: 'start-clock'; variant: 'strobe'; nodes: string[]; delta: number; periodMs: number }
  | { f: 'start-clock'; variant: 'drift'; rates: Record<string, number> }
  | { f: 'start-clock'; variant: 'lease'; leader: string; offset: number }
  | { f: `stop-${FaultFamily}` };

export interface PlanView {
  nodes: readonly string[];
  leader: string | null;
  rand: () => number;
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
}

const pick = <T>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)];
const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const signed = (size: number, rand: () => number): number => round3((rand() < 0.5 ? -1 : 1) * size * (0.5 + rand()));

/** at most half the nodes, at least one: a minority of a cluster of three or more */
const minoritySize = (n: number): number => Math.max(1, Math.floor(n / 2));

/** a fault that starts; what undoes it comes from the same family */
export function startAction(family: FaultFamily, o: PlanOptions, v: PlanView): NemesisAction {
  const { nodes, leader, rand } = v;
  switch (family) {
    case 'partition': {
      const topology = pick(o.topologies, rand);
      return { f: 'start-partition', topology, grudge: grudgeFor(topology, nodes, rand, leader) };
    }
    case 'loss':
      return { f: 'start-loss', probability: o.lossProbability };
    case 'kill':
    case 'pause': {
      // the leader half the time (Jepsen's :primaries), else a random minority
      const targets = leader && rand() < 0.5 ? [leader] : shuffle(nodes, rand).slice(0, 1 + Math.floor(rand() * minoritySize(nodes.length)));
      return { f: `start-${family}`, nodes: targets };
    }
    case 'clock':
      return clockAction(pick(leader ? o.clockVariants : o.clockVariants.filter((c) => c !== 'lease'), rand) ?? 'offset', o, v);
  }
}

function clockAction(variant: ClockVariant, o: PlanOptions, { nodes, leader, rand }: PlanView): NemesisAction {
  const targets = shuffle(nodes, rand).slice(0, minoritySize(nodes.length));
  switch (variant) {
    case 'offset':
      return { f: 'start-clock', variant, offsets: Object.fromEntries(targets.map((n) => [n, signed(o.skewSeconds, rand)])) };
    case 'strobe':
      return { f: 'start-clock', variant, nodes: targets, delta: signed(o.skewSeconds, rand), periodMs: 1100 };
    case 'drift':
      return { f: 'start-clock', variant, rates: Object.fromEntries(targets.map((n) => [n, round3(1 + signed(o.drift, rand))])) };
    case 'lease':
      // set back by more than the pause lasts, so on resume its wall clock says the lease is fresh
      return { f: 'start-clock', variant, leader: leader as string, offset: -(o.skewSeconds + 8) };
  }
}

/** Jepsen's random flip-flop: start a random fault, stop it, start another, ... */
export function chaosPlan(o: PlanOptions): NemesisPlan {
  let active: FaultFamily | null = null;
  return {
    next(v) {
      if (active) {
        const f = active;
        active = null;
        return { f: `stop-${f}` };
      }
      if (o.families.length === 0) return null;
      active = pick(o.families, v.rand);
      return startAction(active, o, v);
    },
  };
}

const SPLIT_BRAIN: readonly Topology[] = ['isolate-leader', 'majority', 'majorities-ring', 'bridge'];

/** partitions that cut the leader off from a majority (and, for rings and bridges, leave no clean majority) */
export function splitBrainPlan(o: PlanOptions): NemesisPlan {
  const split = { ...o, topologies: SPLIT_BRAIN };
  let active = false;
  return {
    next(v) {
      active = !active;
      if (!active) return { f: 'stop-partition' };
      const a = startAction('partition', split, v);
      // `majority` picks its minority at random: put the leader in it, the split-brain case
      if (a.f === 'start-partition' && a.topology === 'majority' && v.leader && (a.grudge[v.leader]?.length ?? 0) < Math.ceil(v.nodes.length / 2)) {
        return { ...a, topology: 'isolate-leader', grudge: grudgeFor('isolate-leader', v.nodes, v.rand, v.leader) };
      }
      return a;
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
      return { f: 'start-kill', nodes: [v.nodes[i++ % v.nodes.length]] };
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
      const next = v.leader && alive.includes(v.leader) ? v.leader : pick(alive, v.rand);
      down.push(next);
      return { f: 'start-kill', nodes: [next] };
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
