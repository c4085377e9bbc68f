import { createHash } from 'node:crypto';
import type { Command, CommandResult, Query, QueryResult } from '../machine/commands.js';
import type { ApplyOutcome, StateMachine } from '../machine/state-machine.js';
import type { ApiError } from '../protocol.js';
import type { Message } from '../raft/messages.js';
import { RaftNode, type Ready } from '../raft/node.js';
import type { RaftStorage } from '../raft/storage.js';
import type { Entry, NodeId, Snapshot } from '../raft/types.js';
import { AppliedChain } from './applied-chain.js';
import { hardStateToPersist } from './hard-state.js';
import type { ReplicaModes } from './options.js';
import { isDurable, mayLeadAhead } from './pipeline.js';
import { Sessions } from './sessions.js';

export interface ReplicaConfig {
  id: NodeId;
  peers: NodeId[];
  storage: RaftStorage;
  machine: StateMachine;
  modes: ReplicaModes;
  /** hands a message to the transport (fire and forget: Raft tolerates loss) */
  send(m: Message): void;
  electionTicks: number;
  heartbeatTicks: number;
  leaseMs: number;
  maxBatch?: number;
  maxInflight?: number;
  /** snapshot the state machine and compact the log every N applied entries (0 = never) */
  snapshotEvery?: number;
  /** a checkpoint of the applied-entry hash chain every N applied entries */
  checkpointEvery?: number;
  random?: () => number;
  now?: () => number;
  log?: (event: string, fields?: Record<string, unknown>) => void;
}

export type Reply<T> = { ok: true; result: T; index?: number } | { ok: false; error: ApiError };

interface InFlight {
  rd: Ready;
  /** its persist completed (true from the start for a ready with nothing to persist) */
  done: boolean;
}

/** an entry's data: the JSON text of this */
interface ReplicatedCommand {
  clientId: string;
  seq: number;
  command: Command;
}

interface Waiter {
  term: number;
  request: ReplicatedCommand;
  resolve: (r: Reply<CommandResult>) => void;
  started: number;
}

export interface ReplicaCounters {
  elections: number;
  snapshots: number;
  applied: number;
  commitLatencyMs: number[]; // recent samples, drained by /metrics
  fsyncMs: number[];
  persists: number;
}

/**
 * The server side of a Raft exchange node, without I/O of its own: it drives a
 * RaftNode (call tick() every tick, receive() for each peer message), persists
 * through a RaftStorage before sending what depends on it, applies committed
 * entries to the StateMachine with client sessions, and answers commands and
 * queries per the read/ack modes. The node process supplies transport and timers.
 */
export class Replica {
  readonly raft: RaftNode;
  readonly counters: ReplicaCounters = { elections: 0, snapshots: 0, applied: 0, commitLatencyMs: [], fsyncMs: [], persists: 0 };
  appliedIndex = 0;
  /** a hash chain over the applied entries, checkpointed (GET /v1/checkpoints) */
  readonly chain: AppliedChain;
  private readonly sessions = new Sessions();
  private readonly bugHits = new Map<string, number>();
  private readonly waiters = new Map<number, Waiter>();
  private readonly earlyAcks = new Map<number, () => void>();
  private readonly reads = new Map<number, { onIndex: (index: number) => void; fail: (error: ApiError) => void }>();
  private readonly applyWaiters: { index: number; run: () => void }[] = [];
  private nextReadId = 1;
  /** readies whose persist is in flight (or that wait behind one), oldest first */
  private readonly inflight: InFlight[] = [];
  /** of those, how many hold messages to send once persisted */
  private heldMessages = 0;
  /** a snapshot from the leader is being installed: no new ready until it is done */
  private barrier = false;
  /** our own snapshot is being saved */
  private snapshotting = false;
  private pumpScheduled = false;
  private closed = false;
  /** the term on disk: messages of that term need not wait for a persist that does not change it */
  private persistedTerm = 0;

  private constructor(
    private readonly cfg: ReplicaConfig,
    raft: RaftNode,
  ) {
    this.raft = raft;
    this.chain = new AppliedChain(cfg.checkpointEvery);
  }

  static async start(cfg: ReplicaConfig): Promise<Replica> {
    const state = await cfg.storage.load();
    let replica: Replica | undefined;
    const raft = new RaftNode(
      {
        id: cfg.id,
        peers: cfg.peers,
        electionTicks: cfg.electionTicks,
        heartbeatTicks: cfg.heartbeatTicks,
        preVote: true,
        checkQuorum: cfg.modes.checkQuorum === 'on',
        maxBatch: cfg.maxBatch ?? 512,
        maxInflight: cfg.maxInflight ?? 64,
        random: cfg.random ?? Math.random,
        now: cfg.now ?? Date.now,
        leaseMs: cfg.leaseMs,
        bugs: {
          commitRule: cfg.modes.commitRule,
          onConflict: cfg.modes.onConflict,
          snapshotInstall: cfg.modes.snapshotInstall,
          leaseStart: cfg.modes.leaseStart,
        },
        onPlantedBug: (bug) => replica?.plantedBug(bug),
      },
      state.hardState,
      state.entries,
      state.snapshot,
    );
    replica = new Replica(cfg, raft);
    replica.persistedTerm = state.hardState.term;
    if (state.snapshot) replica.restoreSnapshot(state.snapshot);
    cfg.log?.('recovered', {
      term: state.hardState.term,
      commit: state.hardState.commit,
      snapshot: state.snapshot?.meta.index ?? 0,
      entries: state.entries.length,
    });
    return replica;
  }

  /**
   * A hash of the state machine as of `appliedIndex` (its snapshot bytes, identical on
   * every node that applied the same entries): replicas at one index must agree.
   */
  digest(): { appliedIndex: number; digest: string } {
    return { appliedIndex: this.appliedIndex, digest: createHash('sha256').update(this.cfg.machine.snapshot()).digest('hex') };
  }

  /**
   * A planted bug changed what the node did (the safe rule would have acted otherwise):
   * logged at its 1st, 2nd, 4th, 8th, ... time, so a run's logs tell a bug that was
   * never exercised from one the checkers missed.
   */
  plantedBug(bug: string): void {
    const n = (this.bugHits.get(bug) ?? 0) + 1;
    this.bugHits.set(bug, n);
    if ((n & (n - 1)) === 0) this.cfg.log?.('planted-bug', { bug, hits: n });
  }

  /** the state machine and the session table as of `appliedIndex`, as bytes */
  private encodeSnapshot(): Uint8Array {
    const machine = Buffer.from(this.cfg.machine.snapshot()).toString('base64');
    return Buffer.from(JSON.stringify({ machine, sessions: this.sessions.toJSON(), chain: this.chain.headHex() }), 'utf8');
  }

  private restoreSnapshot(snap: Snapshot): void {
    const { machine, sessions, chain } = JSON.parse(Buffer.from(snap.data).toString('utf8')) as {
      machine: string;
      sessions: Parameters<Sessions['restore']>[0];
      chain?: string | null;
    };
    this.cfg.machine.restore(new Uint8Array(Buffer.from(machine, 'base64')));
    this.sessions.restore(sessions);
    this.appliedIndex = snap.meta.index;
    this.chain.reset(snap.meta.index, chain ?? null);
  }

  get modes(): ReplicaModes {
    return this.cfg.modes;
  }

  tick(): void {
    this.raft.tick();
    this.pump();
  }

  receive(m: Message): void {
    if (this.closed || m.to !== this.cfg.id) return;
    this.raft.step(m);
    this.schedulePump();
  }

  /** Proposes a command; resolves when applied (or, with ack=before-commit, when in the leader's log). */
  /**
   * `json`, if given, is the JSON text of exactly {clientId, seq, command} (the
   * request body as received): it becomes the entry's data without being encoded again.
   */
  command(clientId: string, seq: number, command: Command, json?: string): Promise<Reply<CommandResult>> {
    const dup = this.cfg.modes.sessions === 'on' ? this.sessions.duplicate(clientId, seq) : undefined;
    if (dup) return Promise.resolve(toReply(dup, this.appliedIndex));
    const request: ReplicatedCommand = { clientId, seq, command };
    const at = this.raft.propose(json ?? JSON.stringify(request));
    if (!at) return Promise.resolve({ ok: false, error: this.notLeader() });
    return new Promise((resolve) => {
      this.waiters.set(at.index, { term: at.term, resolve, started: performance.now(), request });
      if (this.cfg.modes.ack === 'before-commit' && (command.type === 'kv.write' || command.type === 'set.add')) {
        // unsafe: blind writes are acknowledged once the leader's own log holds them
        this.earlyAcks.set(at.index, () => resolve({ ok: true, result: { type: command.type } as CommandResult }));
      }
      this.schedulePump();
    });
  }

  /** Answers a query per the read mode. */
  query(query: Query): Promise<Reply<QueryResult>> {
    const answer = (): Reply<QueryResult> => ({ ok: true, result: this.cfg.machine.query(query), index: this.appliedIndex });
    const mode = this.cfg.modes.readMode;
    if (mode === 'local') return Promise.resolve(answer());
    if (mode === 'leader') {
      const index = this.raft.leaderRead();
      if (index === null) return Promise.resolve({ ok: false, error: this.notLeader() });
      return new Promise((resolve) => this.whenApplied(index, () => resolve(answer())));
    }
    if (mode === 'lease') {
      const index = this.raft.leaseRead();
      if (index === null) return Promise.resolve({ ok: false, error: this.notLeader() });
      return new Promise((resolve) => this.whenApplied(index, () => resolve(answer())));
    }
    const id = this.nextReadId++;
    if (!this.raft.readIndex(id)) return Promise.resolve({ ok: false, error: this.notLeader() });
    return new Promise((resolve) => {
      this.reads.set(id, {
        onIndex: (index) => this.whenApplied(index, () => resolve(answer())),
        fail: (error) => resolve({ ok: false, error: { ...error, definite: true } }), // a read has no effect
      });
      this.schedulePump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failPending({ code: 'leader-lost', definite: false, message: 'node shutting down' });
    await this.cfg.storage.close();
  }

  private notLeader(): ApiError {
    const leader = this.raft.leader;
    return { code: 'not-leader', definite: true, message: `node ${this.cfg.id} is not the leader`, ...(leader ? { leader: { id: leader } } : {}) };
  }

  /** Batches the work of one event-loop turn (many requests, many messages) into one ready. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Drains Raft's ready states. Persists are pipelined: each ready's log entries and
   * hard state go to the storage at once (which group-commits them) and several may
   * be in flight. What depends on the local disk waits for it, in order: Raft's
   * advance() and the messages that claim the entries (a follower's append-resp, a
   * vote). What does not is done now: committed entries are applied and answered
   * (committed = on a majority of disks already), reads are served, and a leader
   * sends its appends while it writes them itself (Raft §10.2.1) — it counts itself
   * toward a commit only after its own fsync (advance()).
   */
  private pump(): void {
    while (!this.closed && !this.barrier && this.raft.hasReady()) {
      const rd = this.raft.ready();
      if (rd.snapshot) {
        this.installSnapshot(rd);
        return;
      }
      const durable = isDurable(rd);
      if (
        rd.messages.length > 0 &&
        mayLeadAhead(rd, { heldMessages: this.heldMessages, inflight: this.inflight.length, persistedTerm: this.persistedTerm, role: this.raft.role })
      ) {
        for (const m of rd.messages) this.cfg.send(m);
        rd.messages = [];
      }
      if (durable || this.inflight.length > 0) {
        const item: InFlight = { rd, done: !durable };
        this.inflight.push(item);
        if (rd.messages.length > 0) this.heldMessages++;
        if (durable) this.persist(item);
      } else {
        this.raft.advance(rd);
      }
      if (rd.soft) this.roleChanged(rd.soft.role, rd.soft.term, rd.soft.leader);
      for (const e of rd.committed) this.apply(e);
      this.serveReads(rd);
      this.maybeSnapshot();
    }
  }

  private persist(item: InFlight): void {
    const rd = item.rd;
    const t = performance.now();
    this.cfg.storage.persist({ hardState: hardStateToPersist(rd.hardState, this.cfg.modes), truncateFrom: rd.truncateFrom, entries: rd.entries }).then(
      () => this.persisted(item, t),
      (err: unknown) => this.storageFailed(err),
    );
  }

  /** an in-flight ready is on disk: release what waited for it, in order */
  private persisted(item: InFlight, startedAt: number): void {
    this.counters.persists++;
    this.counters.fsyncMs.push(performance.now() - startedAt);
    item.done = true;
    this.drain();
    this.pump();
  }

  /** A ready received a snapshot from the leader: no other ready until it is saved and installed. */
  private installSnapshot(rd: Ready): void {
    const snapshot = rd.snapshot as Snapshot;
    const item: InFlight = { rd, done: false };
    this.inflight.push(item);
    if (rd.messages.length > 0) this.heldMessages++;
    this.barrier = true;
    const t = performance.now();
    this.cfg.storage
      .saveSnapshot(snapshot)
      .then(() => this.cfg.storage.persist({ hardState: hardStateToPersist(rd.hardState, this.cfg.modes), truncateFrom: rd.truncateFrom, entries: rd.entries }))
      .then(
        () => this.persisted(item, t),
        (err: unknown) => this.storageFailed(err),
      );
  }

  private storageFailed(err: unknown): void {
    // a failed fsync leaves the log's durability unknown: stop serving rather than lie
    this.cfg.log?.('storage-failed', { error: String(err) });
    this.closed = true;
    this.failPending({ code: 'internal', definite: false, message: `storage failed: ${String(err)}` });
  }

  /** Completes the persisted readies at the head of the pipeline, in order. */
  private drain(): void {
    while (this.inflight.length > 0 && this.inflight[0].done) {
      const { rd } = this.inflight.shift() as InFlight;
      if (this.closed) continue;
      if (rd.hardState) this.persistedTerm = rd.hardState.term;
      this.raft.advance(rd);
      if (rd.snapshot) {
        this.restoreSnapshot(rd.snapshot); // installed from the leader: our state jumps to it
        this.cfg.log?.('snapshot-installed', { index: rd.snapshot.meta.index });
      }
      if (rd.messages.length > 0) {
        this.heldMessages--;
        for (const m of rd.messages) this.cfg.send(m);
      }
      if (this.earlyAcks.size > 0 && this.raft.role === 'leader') {
        for (const e of rd.entries) {
          const ack = this.earlyAcks.get(e.index);
          if (ack) {
            this.earlyAcks.delete(e.index);
            ack();
          }
        }
      }
      if (rd.snapshot) {
        if (rd.soft) this.roleChanged(rd.soft.role, rd.soft.term, rd.soft.leader);
        for (const e of rd.committed) this.apply(e);
        this.serveReads(rd);
        this.barrier = false;
      }
    }
  }

  private serveReads(rd: Ready): void {
    for (const r of rd.readStates) {
      const read = this.reads.get(r.id);
      this.reads.delete(r.id);
      read?.onIndex(r.index);
    }
  }

  /** Snapshot policy: every `snapshotEvery` applied entries, save the state, then compact the log. */
  private maybeSnapshot(): void {
    const every = this.cfg.snapshotEvery ?? 0;
    if (every === 0 || this.snapshotting || this.barrier || this.closed || this.appliedIndex - this.raft.log.snapshotIndex < every) return;
    const index = this.appliedIndex;
    const snap: Snapshot = { meta: { index, term: this.raft.log.term(index), peers: this.cfg.peers }, data: this.encodeSnapshot() };
    // persists go on meanwhile: the storage orders them with its snapshot and any WAL rewrite
    this.snapshotting = true;
    this.cfg.storage.saveSnapshot(snap).then(
      () => {
        this.snapshotting = false;
        this.raft.compact(snap); // only now may Raft forget the prefix (and send the snapshot to laggards)
        this.counters.snapshots++;
        this.cfg.log?.('snapshot', { index, bytes: snap.data.length });
        this.pump();
      },
      (err: unknown) => {
        this.snapshotting = false;
        this.cfg.log?.('snapshot-failed', { error: String(err) });
        this.pump();
      },
    );
  }

  private roleChanged(role: string, term: number, leader: NodeId | null): void {
    this.cfg.log?.('role', { role, term, leader });
    if (role === 'leader') this.counters.elections++;
    else {
      // in-flight proposals may or may not commit under the next leader
      this.failPending({ code: 'leader-lost', definite: false, message: `leadership lost in term ${term}` });
    }
  }

  private failPending(error: ApiError): void {
    for (const w of this.waiters.values()) w.resolve({ ok: false, error });
    this.waiters.clear();
    this.earlyAcks.clear();
    for (const r of this.reads.values()) r.fail(error);
    this.reads.clear();
  }

  private apply(e: Entry): void {
    let outcome: ApplyOutcome | null = null;
    if (e.kind === 'command') {
      // the proposer still holds the parsed request: same index and term, same entry (Log Matching)
      const w = this.waiters.get(e.index);
      const { clientId, seq, command } = w !== undefined && w.term === e.term ? w.request : (JSON.parse(e.data) as ReplicatedCommand);
      if (this.cfg.modes.sessions === 'off') {
        // planted bug: a retried command applies again (the table is kept only to see when it does)
        if (this.sessions.duplicate(clientId, seq)) this.plantedBug('sessions=off');
        outcome = this.cfg.machine.apply(e.index, command);
        this.sessions.record(clientId, seq, outcome);
      } else {
        outcome = this.sessions.duplicate(clientId, seq) ?? this.cfg.machine.apply(e.index, command);
        this.sessions.record(clientId, seq, outcome);
      }
    }
    this.appliedIndex = e.index;
    this.chain.add(e);
    this.counters.applied++;
    const w = this.waiters.get(e.index);
    if (w) {
      this.waiters.delete(e.index);
      this.earlyAcks.delete(e.index);
      if (w.term !== e.term || outcome === null) {
        w.resolve({ ok: false, error: { code: 'leader-lost', definite: false, message: 'a new leader replaced the entry' } });
      } else {
        this.counters.commitLatencyMs.push(performance.now() - w.started);
        w.resolve(toReply(outcome, e.index));
      }
    }
    while (this.applyWaiters.length > 0 && this.applyWaiters[0].index <= this.appliedIndex) this.applyWaiters.shift()?.run();
  }

  private whenApplied(index: number, run: () => void): void {
    if (index <= this.appliedIndex) return run();
    // kept sorted by index: reads arrive with non-decreasing commit indexes almost always
    let i = this.applyWaiters.length;
    while (i > 0 && this.applyWaiters[i - 1].index > index) i--;
    this.applyWaiters.splice(i, 0, { index, run });
  }
}

function toReply(outcome: ApplyOutcome, index: number): Reply<CommandResult> {
  if (outcome.ok) return { ok: true, result: outcome.result, index };
  return { ok: false, error: { code: outcome.code, definite: true, message: outcome.message } };
}
