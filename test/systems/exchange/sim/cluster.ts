import type { Message } from '../../../../systems/exchange/raft/messages.js';
import { RaftNode, type Ready } from '../../../../systems/exchange/raft/node.js';
import type { Entry, HardState, Snapshot } from '../../../../systems/exchange/raft/types.js';
import { hardStateToPersist } from '../../../../systems/exchange/replica/hard-state.js';
import type { ReplicaModes } from '../../../../systems/exchange/replica/options.js';
import { isDurable, mayLeadAhead } from '../../../../systems/exchange/replica/pipeline.js';
import { prng } from '../../../support/histories.js';

/**
 * A deterministic simulation of a Raft cluster in one process: simulated time,
 * network (partitions, loss, duplication, reordering) and disks; crashes that keep
 * only what was persisted; per-node wall-clock offsets. The replicated state machine
 * is a grow-only set of integers; clients add unique elements and read the set.
 * Every step, Raft's safety invariants are checked; at the end, the clients' view.
 */
/** the planted bugs the simulation can run with (each node option's value, as ReplicaModes names them) */
export type SimBugs = Partial<Pick<ReplicaModes, 'persistVote' | 'commitRule' | 'checkQuorum' | 'sessions' | 'onConflict' | 'snapshotInstall' | 'leaseStart'>>;

export interface SimOptions extends SimBugs {
  seed: number;
  nodes: number;
  /** simulated milliseconds */
  duration: number;
  loss: number;
  duplicate: number;
  readMode: 'index' | 'lease' | 'local' | 'leader';
  ack: 'commit' | 'before-commit';
  persist: 'fsync' | 'none';
  /**
   * fault kinds the schedule may use; `delay`: a node's messages (both ways) take up
   * to DELAY_MS more for a while, so they arrive late and out of order
   */
  faults: ('partition' | 'isolate-leader' | 'crash' | 'crash-majority' | 'clock' | 'delay')[];
  /** keep running after a Raft invariant breaks, to see what clients observe (default: stop) */
  continueAfterViolation?: boolean;
  /** entries per append message (default 64): small batches leave followers between a leader's old entries and its own */
  maxBatch?: number;
  /** take a snapshot and compact the log every N applied entries (0 = never) */
  snapshotEvery?: number;
  /**
   * 0 (default): persists are instant. Otherwise a persist takes 1..diskDelay ms and the
   * host pipelines as systems/exchange/replica does: persists complete in order; messages that claim
   * the disk wait for it, a leader's appends do not; committed entries are applied at once.
   */
  diskDelay?: number;
}

export interface Violation {
  kind: string;
  detail: string;
  time: number;
}

interface Disk {
  hard: HardState;
  entries: Entry[]; // absolute indexes, after the snapshot
  snapshot: Snapshot | null;
}

interface SimNode {
  id: string;
  raft: RaftNode | null; // null while crashed
  disk: Disk;
  applied: Set<number>;
  appliedIndex: number;
  clockOffset: number;
  /** paused (SIGSTOP) until this time: no ticks, no messages */
  frozenUntil: number;
  waiting: { index: number; done: () => void }[];
  reads: Map<number, () => void>;
  /** diskDelay mode: readies whose persist is in flight, oldest first */
  pipeline: { rd: Ready; doneAt: number }[];
  held: number;
  persistedTerm: number;
  /** a snapshot is being installed: no new ready until it is on disk */
  barrier: boolean;
}

interface ClientOp {
  f: 'add' | 'read';
  value: number;
  invoke: number;
  complete: number | null;
  result?: number[];
  acked: boolean;
  /** adds: copies proposed so far (a client retries an add whose outcome it does not know) */
  attempts: number;
}

const TICK_MS = 10;
/** the most a `delay` fault adds to a message's trip, ms (a base of up to this, plus jitter of up to half the base): more than an election timeout */
const DELAY_MS = 600;
/** a client retries an unanswered add after this long, up to RETRIES times, at whoever leads then */
const RETRY_AFTER_MS = 250;
const RETRIES = 2;
const ELECTION_TICKS = 10;
const LEASE_MS = ELECTION_TICKS * TICK_MS * 0.9;

export class Sim {
  readonly violations: Violation[] = [];
  /** the planted bugs whose code path some node took (RaftNode's onPlantedBug) */
  readonly bugPaths = new Set<string>();
  readonly ops: ClientOp[] = [];
  snapshotsInstalled = 0;
  /** the leader's commit index 0.7 s before the end: every node must have applied it by the end */
  private commitBeforeEnd = 0;
  now = 0;
  private readonly rand: () => number;
  private readonly nodes: SimNode[];
  private queue: { at: number; m: Message }[] = [];
  private blocked = new Set<string>(); // "a>b": a's messages to b are dropped
  private slow = new Map<string, { until: number; base: number }>(); // node -> until when its messages take `base` ms more, plus jitter (fault `delay`)
  private retries: { at: number; op: ClientOp }[] = [];
  private leaders = new Map<number, string>();
  private committed = new Map<number, string>(); // index -> term:data, the ledger of committed entries
  private commitTerm = new Map<number, number>(); // index -> highest term any node had when it was first applied
  private appliedLedger = new Map<number, string>();
  private nextValue = 1;
  private readId = 1;

  constructor(private readonly o: SimOptions) {
    this.rand = prng(o.seed);
    const ids = Array.from({ length: o.nodes }, (_, i) => `n${i + 1}`);
    this.nodes = ids.map((id) => ({
      id,
      raft: null,
      disk: { hard: { term: 0, vote: null, commit: 0 }, entries: [], snapshot: null },
      applied: new Set<number>(),
      appliedIndex: 0,
      clockOffset: 0,
      frozenUntil: 0,
      waiting: [],
      reads: new Map(),
      pipeline: [],
      held: 0,
      persistedTerm: 0,
      barrier: false,
    }));
    for (const n of this.nodes) this.boot(n);
  }

  run(): this {
    let nextFault = 300;
    let nextClient = 5;
    while (this.now < this.o.duration && (this.violations.length === 0 || this.o.continueAfterViolation)) {
      this.now += 1;
      if (this.now % TICK_MS === 0) for (const n of this.nodes) if (n.raft && n.frozenUntil <= this.now) n.raft.tick();
      this.deliver();
      if (this.retries.length > 0 && this.retries[0].at <= this.now) this.retry((this.retries.shift() as { op: ClientOp }).op);
      if (this.now >= nextClient) {
        this.clientRequest();
        nextClient = this.now + 2 + Math.floor(this.rand() * 6);
      }
      if (this.now >= nextFault && this.now < this.o.duration - 1500) {
        this.fault();
        nextFault = this.now + 150 + Math.floor(this.rand() * 400);
      }
      if (this.now === this.o.duration - 1500) this.healAll();
      if (this.now === this.o.duration - 700) {
        const l = this.nodes.find((n) => n.raft?.role === 'leader');
        this.commitBeforeEnd = l?.raft?.commitIndex ?? 0;
      }
      for (const n of this.nodes) this.drain(n);
      this.checkInvariants();
    }
    if (this.violations.length === 0 || this.o.continueAfterViolation) this.checkClients();
    return this;
  }

  // ---- node host ----------------------------------------------------------

  private boot(n: SimNode): void {
    const persisted: Disk = this.o.persist === 'none' ? { hard: { term: 0, vote: null, commit: 0 }, entries: [], snapshot: null } : n.disk;
    n.applied = new Set(persisted.snapshot ? decodeSet(persisted.snapshot.data) : []);
    n.appliedIndex = persisted.snapshot?.meta.index ?? 0;
    n.waiting = [];
    n.reads = new Map();
    n.pipeline = []; // persists in flight at the crash never reached the disk
    n.held = 0;
    n.persistedTerm = persisted.hard.term;
    n.barrier = false;
    n.raft = new RaftNode(
      {
        id: n.id,
        peers: this.nodes.map((x) => x.id),
        electionTicks: ELECTION_TICKS,
        heartbeatTicks: 2,
        preVote: true,
        checkQuorum: this.o.checkQuorum !== 'off',
        maxBatch: this.o.maxBatch ?? 64,
        maxInflight: 8,
        random: this.rand,
        now: () => this.now + n.clockOffset,
        leaseMs: LEASE_MS,
        bugs: { commitRule: this.o.commitRule, onConflict: this.o.onConflict, snapshotInstall: this.o.snapshotInstall, leaseStart: this.o.leaseStart },
        onPlantedBug: (bug) => this.bugPaths.add(bug),
      },
      structuredClone(persisted.hard),
      structuredClone(persisted.entries),
      persisted.snapshot,
    );
  }

  private drain(n: SimNode): void {
    const raft = n.raft;
    if (!raft) return;
    if (this.o.diskDelay) return this.drainPipelined(n, raft, this.o.diskDelay);
    while (raft.hasReady()) {
      const rd = raft.ready();
      this.persist(n, rd);
      raft.advance(rd);
      if (rd.soft?.role === 'leader') {
        const prev = this.leaders.get(rd.soft.term);
        if (prev !== undefined && prev !== n.id) this.violate('election-safety', `term ${rd.soft.term} has leaders ${prev} and ${n.id}`);
        this.leaders.set(rd.soft.term, n.id);
      }
      if (rd.snapshot) this.installed(n, rd.snapshot);
      for (const m of rd.messages) this.send(m);
      for (const e of rd.committed) this.apply(n, e);
      this.maybeCompact(n, raft);
      for (const r of rd.readStates) this.whenApplied(n, r.index, () => n.reads.get(r.id)?.());
      if (rd.entries.length > 0 && this.o.ack === 'before-commit') {
        // unsafe: the leader acknowledges writes once in its own (persisted) log
        for (const e of rd.entries) if (raft.role === 'leader') this.ackBeforeCommit.get(`${n.id}:${e.index}:${e.term}`)?.();
      }
    }
  }

  private ackBeforeCommit = new Map<string, () => void>();

  /** the host of systems/exchange/replica/replica.ts: pipelined persists, in-order completion */
  private drainPipelined(n: SimNode, raft: RaftNode, delay: number): void {
    while (n.pipeline.length > 0 && n.pipeline[0].doneAt <= this.now) {
      const { rd } = n.pipeline.shift() as { rd: Ready };
      this.persist(n, rd);
      if (rd.hardState) n.persistedTerm = rd.hardState.term;
      raft.advance(rd);
      if (rd.messages.length > 0) {
        n.held--;
        for (const m of rd.messages) this.send(m);
      }
      if (rd.entries.length > 0 && this.o.ack === 'before-commit') {
        for (const e of rd.entries) if (raft.role === 'leader') this.ackBeforeCommit.get(`${n.id}:${e.index}:${e.term}`)?.();
      }
      if (rd.snapshot) {
        this.installed(n, rd.snapshot);
        this.served(n, raft, rd);
        n.barrier = false;
      }
    }
    while (!n.barrier && raft.hasReady()) {
      const rd = raft.ready();
      const durable = isDurable(rd);
      const last = n.pipeline.length > 0 ? n.pipeline[n.pipeline.length - 1].doneAt : this.now;
      const doneAt = durable ? Math.max(last, this.now + 1 + Math.floor(this.rand() * delay)) : last;
      if (rd.snapshot) {
        n.barrier = true;
        n.pipeline.push({ rd, doneAt });
        if (rd.messages.length > 0) n.held++;
        return;
      }
      if (mayLeadAhead(rd, { heldMessages: n.held, inflight: n.pipeline.length, persistedTerm: n.persistedTerm, role: raft.role })) {
        for (const m of rd.messages) this.send(m);
        rd.messages = [];
      }
      if (durable || n.pipeline.length > 0) {
        n.pipeline.push({ rd, doneAt });
        if (rd.messages.length > 0) n.held++;
      } else raft.advance(rd);
      this.served(n, raft, rd);
    }
  }

  /** a snapshot from the leader replaces the state machine: it must not take it back (a state machine never un-applies) */
  private installed(n: SimNode, snap: Snapshot): void {
    this.snapshotsInstalled++;
    if (snap.meta.index < n.appliedIndex)
      this.violate('applied-rolled-back', `${n.id} installed a snapshot at ${snap.meta.index} over its state applied to ${n.appliedIndex}`);
    n.applied = new Set(decodeSet(snap.data));
    n.appliedIndex = snap.meta.index;
  }

  /** what a ready asks that does not wait for the disk: role bookkeeping, apply, reads */
  private served(n: SimNode, raft: RaftNode, rd: Ready): void {
    if (rd.soft?.role === 'leader') {
      const prev = this.leaders.get(rd.soft.term);
      if (prev !== undefined && prev !== n.id) this.violate('election-safety', `term ${rd.soft.term} has leaders ${prev} and ${n.id}`);
      this.leaders.set(rd.soft.term, n.id);
    }
    for (const e of rd.committed) this.apply(n, e);
    this.maybeCompact(n, raft); // as the host: a snapshot of the applied state, while persists are in flight
    for (const r of rd.readStates) this.whenApplied(n, r.index, () => n.reads.get(r.id)?.());
  }

  private persist(n: SimNode, rd: Ready): void {
    const d = n.disk;
    if (rd.snapshot) {
      d.snapshot = rd.snapshot;
      d.entries = d.entries.filter((e) => e.index > rd.snapshot!.meta.index);
    }
    if (rd.truncateFrom !== undefined) d.entries = d.entries.filter((e) => e.index < rd.truncateFrom!);
    for (const e of rd.entries) {
      d.entries = d.entries.filter((x) => x.index < e.index);
      d.entries.push({ ...e });
    }
    const hard = hardStateToPersist(rd.hardState, { persistVote: this.o.persistVote ?? 'fsync' });
    if (hard) d.hard = { ...hard };
  }

  /** the host's snapshot policy: persist the applied state, then let Raft forget the prefix */
  private maybeCompact(n: SimNode, raft: RaftNode): void {
    const every = this.o.snapshotEvery ?? 0;
    if (every === 0 || n.appliedIndex - raft.log.snapshotIndex < every) return;
    const snap: Snapshot = {
      meta: { index: n.appliedIndex, term: raft.log.term(n.appliedIndex), peers: this.nodes.map((x) => x.id) },
      data: encodeSet(n.applied),
    };
    if (this.o.persist !== 'none') {
      n.disk.snapshot = snap;
      n.disk.entries = n.disk.entries.filter((e) => e.index > snap.meta.index);
    }
    raft.compact(snap);
  }

  private apply(n: SimNode, e: Entry): void {
    const key = `${e.term}:${e.data}`;
    const seen = this.appliedLedger.get(e.index);
    if (seen !== undefined && seen !== key) this.violate('state-machine-safety', `${n.id} applied ${key} at ${e.index}, another node applied ${seen}`);
    this.appliedLedger.set(e.index, key);
    const had = this.committed.get(e.index);
    if (had !== undefined && had !== key) this.violate('committed-entry-changed', `index ${e.index}: ${had} then ${key}`);
    if (had === undefined) {
      this.committed.set(e.index, key);
      this.commitTerm.set(e.index, Math.max(...this.nodes.map((x) => x.raft?.term ?? 0)));
    }
    if (e.kind === 'command') {
      // each add is its own client's only request, so the session check is "already in the set":
      // with sessions a retried copy is answered, not applied again; without, it applies twice
      const v = Number(e.data);
      if (n.applied.has(v) && this.o.sessions === 'off')
        this.violate('applied-twice', `${n.id} applied add ${v} a second time at ${e.index} (a client's retry)`);
      n.applied.add(v);
    }
    n.appliedIndex = e.index;
    const still: SimNode['waiting'] = [];
    for (const w of n.waiting) w.index <= n.appliedIndex ? w.done() : still.push(w);
    n.waiting = still;
  }

  private whenApplied(n: SimNode, index: number, done: () => void): void {
    if (index <= n.appliedIndex) done();
    else n.waiting.push({ index, done });
  }

  // ---- network ------------------------------------------------------------

  private send(m: Message): void {
    if (this.blocked.has(`${m.from}>${m.to}`) || this.rand() < this.o.loss) return;
    const copies = this.rand() < this.o.duplicate ? 2 : 1;
    const a = this.slow.get(m.from);
    const b = this.slow.get(m.to);
    const base = Math.max(a && a.until > this.now ? a.base : 0, b && b.until > this.now ? b.base : 0);
    for (let i = 0; i < copies; i++) {
      const extra = base > 0 ? base + Math.floor(this.rand() * (base / 2)) : 0;
      this.queue.push({ at: this.now + 1 + Math.floor(this.rand() * 8) + extra, m: structuredClone(m) });
    }
  }

  private deliver(): void {
    const due = this.queue.filter((q) => q.at <= this.now);
    if (due.length === 0) return;
    this.queue = this.queue.filter((q) => q.at > this.now);
    for (const { m } of due) {
      const to = this.node(m.to);
      if (to.raft && to.frozenUntil <= this.now && !this.blocked.has(`${m.from}>${m.to}`)) to.raft.step(m);
    }
  }

  private node(id: string): SimNode {
    return this.nodes.find((n) => n.id === id) as SimNode;
  }

  // ---- clients ------------------------------------------------------------

  private clientRequest(): void {
    const live = this.nodes.filter((n) => n.raft && n.frozenUntil <= this.now);
    if (live.length === 0) return;
    // a client cannot tell a deposed leader that has not noticed yet from the real one
    const leaders = live.filter((n) => n.raft?.role === 'leader');
    const leader = leaders.length > 0 ? leaders[Math.floor(this.rand() * leaders.length)] : undefined;
    const target = this.o.readMode === 'local' && this.rand() < 0.5 ? live[Math.floor(this.rand() * live.length)] : leader;
    const isRead = this.rand() < 0.4;
    const op: ClientOp = { f: isRead ? 'read' : 'add', value: isRead ? 0 : this.nextValue++, invoke: this.now, complete: null, acked: false, attempts: 0 };
    this.ops.push(op);
    if (!target?.raft) return; // no leader known: the op fails (never sent)
    const raft = target.raft;
    const finish = (result?: number[]): void => {
      if (op.complete !== null || target.raft !== raft) return; // crashed meanwhile: outcome unknown
      op.complete = this.now;
      op.acked = true;
      op.result = result;
    };
    if (!isRead) return this.propose(op, target);
    const snapshot = (): number[] => [...target.applied];
    if (this.o.readMode === 'local') return finish(snapshot());
    if (this.o.readMode === 'leader') {
      const index = raft.leaderRead();
      if (index !== null) this.whenApplied(target, index, () => finish(snapshot()));
      return;
    }
    if (this.o.readMode === 'lease') {
      const index = raft.leaseRead();
      if (index !== null) this.whenApplied(target, index, () => finish(snapshot()));
      return;
    }
    const id = this.readId++;
    target.reads.set(id, () => finish(snapshot()));
    raft.readIndex(id);
  }

  /** one copy of an add, proposed at `target`; the op completes when any copy is applied (or, unsafe, logged) */
  private propose(op: ClientOp, target: SimNode): void {
    const raft = target.raft as RaftNode;
    const at = raft.propose(String(op.value));
    if (!at) return;
    op.attempts++;
    const finish = (): void => {
      if (op.complete !== null || target.raft !== raft) return; // crashed meanwhile: this copy's outcome is unknown
      op.complete = this.now;
      op.acked = true;
    };
    if (this.o.ack === 'before-commit') this.ackBeforeCommit.set(`${target.id}:${at.index}:${at.term}`, finish);
    else
      this.whenApplied(target, at.index, () => {
        if (raft.log.term(at.index) === at.term) finish();
      });
    if (op.attempts <= RETRIES) this.retries.push({ at: this.now + RETRY_AFTER_MS, op });
  }

  /** a client that has heard nothing of its add sends it again, the same request, to whoever leads now */
  private retry(op: ClientOp): void {
    if (op.complete !== null) return;
    const leader = this.nodes.find((n) => n.raft?.role === 'leader' && n.frozenUntil <= this.now);
    if (leader) this.propose(op, leader);
  }

  // ---- faults -------------------------------------------------------------

  private fault(): void {
    const kinds = this.o.faults;
    if (kinds.length === 0) return;
    if (this.rand() < 0.35) return this.healAll();
    const kind = kinds[Math.floor(this.rand() * kinds.length)];
    const ids = this.nodes.map((n) => n.id);
    const leader = this.nodes.find((n) => n.raft?.role === 'leader');
    switch (kind) {
      case 'partition': {
        const cut = ids.filter(() => this.rand() < 0.5);
        for (const a of cut) for (const b of ids) if (!cut.includes(b)) this.block(a, b);
        break;
      }
      case 'isolate-leader':
        if (leader) for (const b of ids) if (b !== leader.id) this.block(leader.id, b);
        break;
      case 'crash': {
        const n = this.nodes[Math.floor(this.rand() * this.nodes.length)];
        if (n.raft) this.crash(n);
        else this.boot(n);
        break;
      }
      case 'crash-majority': {
        // a majority restarts while the others are cut off: the restarted ones elect a leader among themselves
        const victims = [...this.nodes].sort(() => this.rand() - 0.5).slice(0, Math.floor(this.nodes.length / 2) + 1);
        for (const n of victims) this.crash(n);
        for (const n of victims) this.boot(n);
        for (const n of this.nodes) if (!victims.includes(n)) for (const b of ids) if (b !== n.id) this.block(n.id, b);
        break;
      }
      case 'delay': {
        // the leader's messages, a random node's or everyone's are slowed for a while: late (the
        // others may elect a leader meanwhile, and the slow node answers them late) and reordered
        const r = this.rand();
        const slowed = r < 0.2 ? this.nodes : [leader && r < 0.7 ? leader : this.nodes[Math.floor(this.rand() * this.nodes.length)]];
        const slow = { until: this.now + 300 + Math.floor(this.rand() * 600), base: 20 + Math.floor(this.rand() * DELAY_MS) };
        for (const n of slowed) this.slow.set(n.id, slow);
        break;
      }
      case 'clock': {
        // the leader is paused and its clock set back by as long: on resuming, its lease looks fresh
        if (!leader) break;
        const pause = 300 + Math.floor(this.rand() * 300);
        leader.frozenUntil = this.now + pause;
        leader.clockOffset -= pause + 100;
        break;
      }
    }
  }

  /** kill -9: of the persists in flight, a prefix may have reached the disk */
  private crash(n: SimNode): void {
    const reached = Math.floor(this.rand() * (n.pipeline.length + 1));
    for (const { rd } of n.pipeline.slice(0, reached)) this.persist(n, rd);
    n.pipeline = [];
    n.raft = null;
  }

  private block(a: string, b: string): void {
    this.blocked.add(`${a}>${b}`);
    this.blocked.add(`${b}>${a}`);
  }

  private healAll(): void {
    this.blocked.clear();
    this.slow.clear();
    for (const n of this.nodes) {
      n.frozenUntil = Math.min(n.frozenUntil, this.now);
      if (!n.raft) this.boot(n);
    }
  }

  // ---- invariants ---------------------------------------------------------

  private violate(kind: string, detail: string): void {
    if (this.violations.some((v) => v.kind === kind)) return;
    this.violations.push({ kind, detail, time: this.now });
  }

  private checkInvariants(): void {
    const live = this.nodes.filter((n) => n.raft) as (SimNode & { raft: RaftNode })[];
    for (const n of live) if (n.raft.violations.length > 0) return this.violate('committed-entry-lost', `${n.id}: ${n.raft.violations[0]}`);
    // log matching: if two logs agree on the term at some index, they agree on everything up to it
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i].raft.log;
        const b = live[j].raft.log;
        const floor = Math.max(a.snapshotIndex, b.snapshotIndex); // compacted prefixes hold no entries to compare
        let k = Math.min(a.lastIndex, b.lastIndex);
        while (k > floor && a.term(k) !== b.term(k)) k--;
        for (let x = k; x > floor && x > k - 50; x--) {
          if (a.term(x) !== b.term(x) || a.entry(x).data !== b.entry(x).data) {
            this.violate('log-matching', `${live[i].id} and ${live[j].id} agree at ${k} but differ at ${x}`);
            return;
          }
        }
      }
    }
    // leader completeness: a leader holds every committed entry
    for (const n of live) {
      if (n.raft.role !== 'leader') continue;
      for (const [index, key] of this.committed) {
        // a leader elected after the entry was committed (a later term) must hold it
        if (n.raft.term <= (this.commitTerm.get(index) ?? 0)) continue;
        if (index <= n.raft.log.snapshotIndex) continue; // in its snapshot (checked by state-machine safety)
        if (index > n.raft.log.lastIndex || `${n.raft.log.term(index)}:${n.raft.log.entry(index).data}` !== key) {
          this.violate('leader-completeness', `leader ${n.id} of term ${n.raft.term} lacks committed entry ${index} (${key})`);
          return;
        }
      }
    }
  }

  private checkClients(): void {
    // after healing, every node must converge on one state holding every acknowledged add
    const live = this.nodes.filter((n) => n.raft);
    const final = new Set<number>();
    for (const n of live) for (const v of n.applied) final.add(v);
    const leader = live.find((n) => n.raft?.role === 'leader');
    if (!leader) {
      this.violate('no-convergence', 'no leader after the faults stopped');
      return;
    }
    // liveness after healing: every node catches up with the leader (lost messages get resent)
    for (const n of live) {
      if (n.appliedIndex < this.commitBeforeEnd) {
        this.violate('no-convergence', `${n.id} applied ${n.appliedIndex} at the end; the leader had committed ${this.commitBeforeEnd} 0.7 s earlier`);
        return;
      }
    }
    for (const op of this.ops) {
      if (op.f === 'add' && op.acked && !leader.applied.has(op.value)) {
        this.violate('lost-write', `add ${op.value}, acknowledged at ${op.complete}, is not in the final state`);
      }
    }
    // no stale read: a read sees every add acknowledged before the read was invoked
    for (const r of this.ops) {
      if (r.f !== 'read' || !r.acked || !r.result) continue;
      const seen = new Set(r.result);
      for (const w of this.ops) {
        if (w.f === 'add' && w.acked && w.complete !== null && w.complete < r.invoke && !seen.has(w.value)) {
          this.violate('stale-read', `read at ${r.invoke} misses add ${w.value} acknowledged at ${w.complete}`);
          return;
        }
      }
    }
  }
}

function encodeSet(s: Set<number>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify([...s].sort((a, b) => a - b)));
}

function decodeSet(data: Uint8Array): number[] {
  return JSON.parse(new TextDecoder().decode(data)) as number[];
}
