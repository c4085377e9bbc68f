import { type RaftBugs, SAFE_RAFT } from './bugs.js';
import { RaftLog } from './log.js';
import type { Message, Role } from './messages.js';
import type { Entry, HardState, NodeId, Snapshot } from './types.js';

export interface RaftConfig {
  id: NodeId;
  /** every member, this node included */
  peers: NodeId[];
  /** base election timeout in ticks; the real one is random in [base, 2·base) */
  electionTicks: number;
  heartbeatTicks: number;
  preVote: boolean;
  checkQuorum: boolean;
  /** entries per append message */
  maxBatch: number;
  /** appends in flight per follower before waiting for acks (pipelining) */
  maxInflight: number;
  /** injected randomness (seeded in simulations) */
  random: () => number;
  /** injected wall clock, used only by lease reads */
  now: () => number;
  leaseMs: number;
  /** planted bugs of the core (raft/bugs.ts), all off unless set */
  bugs?: Partial<RaftBugs>;
  /** told each time a planted bug changes what the node does (the safe rule would have acted otherwise) */
  onPlantedBug?: (bug: string) => void;
}

export interface ReadState {
  id: number;
  /** serve the read once the state machine has applied this index */
  index: number;
}

/** What the host must do, in this order: persist, then send, then apply. */
export interface Ready {
  hardState?: HardState;
  /** entries to persist; with truncateFrom, the log from that index is replaced */
  entries: Entry[];
  truncateFrom?: number;
  messages: Message[];
  committed: Entry[];
  readStates: ReadState[];
  /** set when role, term or leader changed */
  soft?: { role: Role; term: number; leader: NodeId | null };
  /** a snapshot from the leader: persist it and restore the state machine from it, before applying `committed` */
  snapshot?: Snapshot;
}

interface Progress {
  next: number;
  match: number;
  inflight: number;
  probing: boolean;
  active: boolean;
  ackedCtx: number;
  /** index of a snapshot sent and not yet acknowledged (0 = none) */
  pendingSnapshot: number;
  /** match at the last progress check: unchanged for an election timeout means messages were lost */
  matchAtCheck: number;
}

interface PendingRead {
  id: number;
  index: number;
  ctx: number;
}

/**
 * A Raft node as a pure state machine (no I/O, no timers): the host calls tick(),
 * step(), propose() and readIndex(), then drains ready() — persisting, sending and
 * applying what it says — and calls advance() once that ready's persist is durable.
 * Pre-vote, check-quorum, pipelined batched replication, ReadIndex and (unsafe) leases.
 */
export class RaftNode {
  readonly id: NodeId;
  term = 0;
  vote: NodeId | null = null;
  role: Role = 'follower';
  leader: NodeId | null = null;
  commitIndex = 0;
  readonly log: RaftLog;
  elections = 0;
  /**
   * Safety violations this node witnessed (a leader rewriting an entry it had
   * committed). Impossible in a correct cluster; the unsafe persist=none mode causes them.
   */
  readonly violations: string[] = [];

  private readonly cfg: RaftConfig;
  private readonly bugs: RaftBugs;
  private readonly others: NodeId[];
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private timeout = 0;
  private votes = new Map<NodeId, boolean>();
  private progress = new Map<NodeId, Progress>();
  private messages: Message[] = [];
  private unstableFrom: number;
  private truncateFrom: number | undefined;
  private stableIndex: number;
  private appliedHanded: number;
  private hardDirty = false;
  private softDirty = false;
  private readSeq = 0;
  private readCtx = 0;
  private pendingReads: PendingRead[] = [];
  private waitingReads: number[] = []; // read ids waiting for this term's first commit
  private readStates: ReadState[] = [];
  private leaseStart = -Infinity;
  private ctxSentAt = new Map<number, number>();
  private proposed = false;
  /** the latest snapshot, sent to followers behind the first log entry */
  private snapshot: Snapshot | null;
  private receivedSnapshot: Snapshot | null = null;

  /** `snapshot`: the state machine was restored from it; entries follow it */
  constructor(cfg: RaftConfig, hard: HardState, entries: Entry[], snapshot: Snapshot | null = null) {
    this.cfg = cfg;
    this.bugs = { ...SAFE_RAFT, ...cfg.bugs };
    this.id = cfg.id;
    this.others = cfg.peers.filter((p) => p !== cfg.id);
    this.term = hard.term;
    this.vote = hard.vote;
    this.snapshot = snapshot;
    const base = snapshot?.meta.index ?? 0;
    this.log = new RaftLog(entries, base, snapshot?.meta.term ?? 0);
    this.commitIndex = Math.max(base, Math.min(hard.commit, this.log.lastIndex));
    this.unstableFrom = this.log.lastIndex + 1;
    this.stableIndex = this.log.lastIndex;
    this.appliedHanded = base;
    this.resetTimeout();
  }

  /** The host saved a snapshot of the applied state up to snapshot.meta.index: forget that prefix. */
  compact(snapshot: Snapshot): void {
    if (snapshot.meta.index > this.appliedHanded || snapshot.meta.index <= this.log.snapshotIndex) return;
    this.log.compact(snapshot.meta.index);
    this.snapshot = snapshot;
  }

  get quorum(): number {
    return Math.floor(this.cfg.peers.length / 2) + 1;
  }

  // ---- inputs -------------------------------------------------------------

  tick(): void {
    this.electionElapsed++;
    if (this.role === 'leader') {
      if (this.electionElapsed >= this.cfg.electionTicks) {
        this.electionElapsed = 0;
        const active = 1 + this.others.filter((p) => this.progress.get(p)?.active).length;
        for (const p of this.others) {
          const pr = this.progress.get(p) as Progress;
          pr.active = false;
          if (pr.pendingSnapshot > 0 && pr.match < pr.pendingSnapshot) pr.pendingSnapshot = 0; // lost: send it again
          if (pr.match < this.log.lastIndex && pr.match === pr.matchAtCheck) {
            // no progress for an election timeout: the appends in flight were lost; resend from its match
            pr.inflight = 0;
            pr.probing = true;
            pr.next = pr.match + 1;
          }
          pr.matchAtCheck = pr.match;
        }
        if (this.cfg.checkQuorum && active < this.quorum) {
          this.becomeFollower(this.term, null); // lost touch with a majority: step down
          return;
        }
      }
      if (++this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
        this.heartbeatElapsed = 0;
        this.broadcastHeartbeat();
      }
      return;
    }
    if (this.electionElapsed >= this.timeout) this.campaign(this.cfg.preVote);
  }

  /** Appends a command if leader; returns its index and term, or null if not leader. */
  propose(data: string): { index: number; term: number } | null {
    if (this.role !== 'leader') return null;
    const entry: Entry = { index: this.log.lastIndex + 1, term: this.term, kind: 'command', data };
    this.log.append(entry);
    // sent from ready(): proposals made in one turn of the host's loop share one append
    this.proposed = true;
    if (this.cfg.peers.length === 1) this.maybeCommit();
    return { index: entry.index, term: entry.term };
  }

  /** Starts a ReadIndex round; the answer comes as a ReadState. False if not leader. */
  readIndex(id: number): boolean {
    if (this.role !== 'leader') return false;
    if (this.log.term(this.commitIndex) !== this.term) {
      this.waitingReads.push(id); // no entry of this term committed yet: commit index may be stale
      return true;
    }
    this.startRead(id);
    return true;
  }

  /** Unsafe lease read: the commit index if the leader's wall-clock lease holds. */
  leaseRead(): number | null {
    if (this.role !== 'leader' || this.log.term(this.commitIndex) !== this.term) return null;
    return this.cfg.now() < this.leaseStart + this.cfg.leaseMs ? this.commitIndex : null;
  }

  /**
   * Unsafe leader read (read-mode=leader): the commit index if this node believes it
   * leads, without a round confirming that a majority still follows it (etcd 0.4's reads).
   */
  leaderRead(): number | null {
    if (this.role !== 'leader' || this.log.term(this.commitIndex) !== this.term) return null;
    return this.commitIndex;
  }

  step(m: Message): void {
    if (m.term > this.term) {
      const isVote = m.type === 'prevote' || m.type === 'vote';
      if (isVote && this.cfg.checkQuorum && this.leader !== null && this.electionElapsed < this.cfg.electionTicks) {
        return; // we heard from a leader recently: ignore disruptive candidates
      }
      if (m.type === 'prevote' || (m.type === 'prevote-resp' && m.granted)) {
        // pre-votes never change terms
      } else {
        this.becomeFollower(m.term, m.type === 'append' ? m.from : null);
      }
    } else if (m.term < this.term) {
      if (m.type === 'append')
        this.send({ type: 'append-resp', from: this.id, to: m.from, term: this.term, success: false, index: this.log.lastIndex, ctx: 0 });
      else if (m.type === 'prevote') this.send({ type: 'prevote-resp', from: this.id, to: m.from, term: this.term, granted: false });
      return;
    }
    switch (m.type) {
      case 'prevote':
      case 'vote':
        return this.handleVote(m);
      case 'prevote-resp':
      case 'vote-resp':
        return this.handleVoteResp(m);
      case 'append':
        return this.handleAppend(m);
      case 'append-resp':
        return this.handleAppendResp(m);
      case 'snapshot':
        return this.handleSnapshot(m);
    }
  }

  // ---- output -------------------------------------------------------------

  hasReady(): boolean {
    return (
      this.proposed ||
      this.hardDirty ||
      this.softDirty ||
      this.messages.length > 0 ||
      this.unstableFrom <= this.log.lastIndex ||
      this.truncateFrom !== undefined ||
      this.receivedSnapshot !== null ||
      this.readStates.length > 0 ||
      Math.min(this.commitIndex, this.log.lastIndex) > this.appliedHanded
    );
  }

  ready(): Ready {
    if (this.proposed) {
      this.proposed = false;
      if (this.role === 'leader') for (const p of this.others) this.sendAppend(p);
    }
    const rd: Ready = { entries: this.log.slice(this.unstableFrom, this.log.lastIndex), messages: this.messages, committed: [], readStates: this.readStates };
    if (this.truncateFrom !== undefined) rd.truncateFrom = this.truncateFrom;
    if (this.hardDirty) rd.hardState = { term: this.term, vote: this.vote, commit: this.commitIndex };
    if (this.softDirty) rd.soft = { role: this.role, term: this.term, leader: this.leader };
    if (this.receivedSnapshot) {
      rd.snapshot = this.receivedSnapshot;
      this.receivedSnapshot = null;
    }
    const commit = Math.min(this.commitIndex, this.log.lastIndex);
    if (commit > this.appliedHanded) {
      rd.committed = this.log.slice(this.appliedHanded + 1, commit);
      this.appliedHanded = commit;
    }
    this.unstableFrom = this.log.lastIndex + 1;
    this.truncateFrom = undefined;
    this.messages = [];
    this.readStates = [];
    this.hardDirty = false;
    this.softDirty = false;
    return rd;
  }

  /** The ready's entries are durable: the leader may count them as its own match. */
  advance(rd: Ready): void {
    if (rd.truncateFrom !== undefined) this.stableIndex = Math.min(this.stableIndex, rd.truncateFrom - 1);
    if (rd.entries.length > 0) this.stableIndex = Math.max(this.stableIndex, rd.entries[rd.entries.length - 1].index);
    this.stableIndex = Math.min(this.stableIndex, this.log.lastIndex);
    if (this.role === 'leader') this.maybeCommit();
  }

  // ---- elections ----------------------------------------------------------

  private resetTimeout(): void {
    this.electionElapsed = 0;
    this.timeout = this.cfg.electionTicks + Math.floor(this.cfg.random() * this.cfg.electionTicks);
  }

  private campaign(pre: boolean): void {
    if (pre && this.cfg.peers.length === 1) pre = false; // alone: nobody to ask, take the next term
    this.resetTimeout();
    this.votes = new Map([[this.id, true]]);
    if (pre) {
      this.setRole('pre-candidate', null);
    } else {
      this.setRole('candidate', null);
      this.term++;
      this.vote = this.id;
      this.hardDirty = true;
    }
    if (this.cfg.peers.length === 1) return this.becomeLeader();
    const term = pre ? this.term + 1 : this.term;
    for (const p of this.others) {
      this.send({ type: pre ? 'prevote' : 'vote', from: this.id, to: p, term, lastIndex: this.log.lastIndex, lastTerm: this.log.lastTerm });
    }
  }

  private handleVote(m: Extract<Message, { type: 'prevote' | 'vote' }>): void {
    const pre = m.type === 'prevote';
    const canVote = pre ? m.term > this.term || this.vote === null || this.vote === m.from : this.vote === null || this.vote === m.from;
    const granted = canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm) && (!pre || this.leader === null || this.electionElapsed >= this.cfg.electionTicks);
    if (granted && !pre) {
      this.vote = m.from;
      this.hardDirty = true;
      this.electionElapsed = 0;
    }
    this.send({ type: pre ? 'prevote-resp' : 'vote-resp', from: this.id, to: m.from, term: pre && granted ? m.term : this.term, granted });
  }

  private handleVoteResp(m: Extract<Message, { type: 'prevote-resp' | 'vote-resp' }>): void {
    const want = m.type === 'prevote-resp' ? 'pre-candidate' : 'candidate';
    if (this.role !== want) return;
    this.votes.set(m.from, m.granted);
    const yes = [...this.votes.values()].filter(Boolean).length;
    const no = this.votes.size - yes;
    if (yes >= this.quorum) {
      if (want === 'pre-candidate') this.campaign(false);
      else this.becomeLeader();
    } else if (no >= this.quorum) {
      this.becomeFollower(this.term, null);
    }
  }

  private becomeFollower(term: number, leader: NodeId | null): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = null;
      this.hardDirty = true;
    }
    this.setRole('follower', leader);
    this.resetTimeout();
    this.pendingReads = [];
    this.waitingReads = [];
    this.leaseStart = -Infinity;
    this.ctxSentAt.clear();
  }

  private becomeLeader(): void {
    this.setRole('leader', this.id);
    this.elections++;
    this.heartbeatElapsed = 0;
    this.electionElapsed = 0;
    this.progress = new Map(
      this.others.map((p) => [
        p,
        { next: this.log.lastIndex + 1, match: 0, inflight: 0, probing: true, active: true, ackedCtx: 0, pendingSnapshot: 0, matchAtCheck: 0 },
      ]),
    );
    // a no-op of our own term: committing it settles the commit index for reads
    this.log.append({ index: this.log.lastIndex + 1, term: this.term, kind: 'noop', data: '' });
    for (const p of this.others) this.sendAppend(p);
    if (this.cfg.peers.length === 1) this.maybeCommit();
  }

  private setRole(role: Role, leader: NodeId | null): void {
    if (this.role !== role || this.leader !== leader) this.softDirty = true;
    this.role = role;
    this.leader = leader;
  }

  // ---- replication --------------------------------------------------------

  private sendAppend(to: NodeId, heartbeat = false): void {
    const pr = this.progress.get(to) as Progress;
    if (!heartbeat && pr.next <= this.log.snapshotIndex) {
      // the entries it needs are compacted away: send the snapshot (once until acknowledged or lost)
      if (pr.pendingSnapshot > 0 || !this.snapshot) return;
      const snap = this.snapshot;
      pr.pendingSnapshot = snap.meta.index;
      this.send({ type: 'snapshot', from: this.id, to, term: this.term, meta: snap.meta, data: Buffer.from(snap.data).toString('base64') });
      return;
    }
    const canSend = pr.probing ? pr.inflight === 0 : pr.inflight < this.cfg.maxInflight;
    const last = this.log.lastIndex;
    const entries = !heartbeat && canSend && pr.next <= last ? this.log.slice(pr.next, Math.min(last, pr.next + this.cfg.maxBatch - 1)) : [];
    if (!heartbeat && entries.length === 0) return;
    // a heartbeat to a follower behind the snapshot claims nothing (index 0 matches everywhere)
    const hbIndex = Math.min(pr.match, last);
    const prevIndex = entries.length > 0 ? pr.next - 1 : hbIndex < this.log.snapshotIndex ? 0 : hbIndex;
    this.send({
      type: 'append',
      from: this.id,
      to,
      term: this.term,
      prevIndex,
      prevTerm: this.log.term(prevIndex),
      entries,
      commit: Math.min(this.commitIndex, prevIndex + entries.length),
      ctx: this.readCtx,
    });
    if (entries.length > 0) {
      pr.inflight++;
      if (!pr.probing) pr.next = entries[entries.length - 1].index + 1; // optimistic: pipeline the next batch
    }
  }

  private broadcastHeartbeat(): void {
    this.readCtx++;
    this.ctxSentAt.set(this.readCtx, this.cfg.now());
    for (const p of this.others) {
      const pr = this.progress.get(p) as Progress;
      if (pr.next <= this.log.lastIndex && (pr.probing ? pr.inflight === 0 : pr.inflight < this.cfg.maxInflight)) this.sendAppend(p);
      else this.sendAppend(p, true);
    }
    if (this.cfg.peers.length === 1) this.confirmReads();
  }

  private handleAppend(m: Extract<Message, { type: 'append' }>): void {
    this.electionElapsed = 0;
    if (this.role !== 'follower' || this.leader !== m.from) this.setRole('follower', m.from);
    const reply = (success: boolean, index: number): void =>
      this.send({ type: 'append-resp', from: this.id, to: m.from, term: this.term, success, index, ctx: m.ctx });
    let prevIndex = m.prevIndex;
    let entries = m.entries;
    if (prevIndex < this.log.snapshotIndex) {
      // our snapshot already covers these (committed, hence identical) entries
      const skip = this.log.snapshotIndex - prevIndex;
      if (entries.length <= skip) return reply(true, entries.length > 0 ? this.log.snapshotIndex : prevIndex);
      entries = entries.slice(skip);
      prevIndex = this.log.snapshotIndex;
    } else if (prevIndex > this.log.lastIndex || this.log.term(prevIndex) !== m.prevTerm) {
      return reply(false, Math.min(this.log.lastIndex, Math.max(0, prevIndex - 1)));
    }
    for (const e of entries) {
      if (e.index <= this.log.lastIndex) {
        if (this.log.term(e.index) === e.term) continue;
        // planted bug on-conflict=keep: the follower keeps its own entry (and all after it) and claims the leader's
        if (this.bugs.onConflict === 'keep') {
          this.cfg.onPlantedBug?.('on-conflict=keep');
          continue;
        }
        if (e.index <= this.commitIndex) {
          this.violations.push(`leader ${m.from} of term ${m.term} rewrote committed entry ${e.index}`);
          this.commitIndex = e.index - 1;
          this.appliedHanded = Math.min(this.appliedHanded, this.commitIndex);
        }
        this.log.truncate(e.index);
        this.truncateFrom = Math.min(this.truncateFrom ?? Infinity, e.index);
        this.unstableFrom = Math.min(this.unstableFrom, e.index);
      }
      this.log.append(e);
    }
    const lastNew = prevIndex + entries.length;
    const commit = Math.min(m.commit, lastNew);
    if (commit > this.commitIndex) {
      this.commitIndex = commit;
      this.hardDirty = true;
    }
    reply(true, lastNew);
  }

  private handleAppendResp(m: Extract<Message, { type: 'append-resp' }>): void {
    if (this.role !== 'leader') return;
    const pr = this.progress.get(m.from);
    if (!pr) return;
    pr.active = true;
    if (m.ctx > pr.ackedCtx) pr.ackedCtx = m.ctx;
    if (m.success) {
      if (pr.pendingSnapshot > 0 && m.index >= pr.pendingSnapshot) pr.pendingSnapshot = 0;
      if (pr.inflight > 0) pr.inflight--;
      if (m.index > pr.match) pr.match = m.index;
      if (pr.next <= pr.match) pr.next = pr.match + 1;
      pr.probing = false;
      this.maybeCommit();
    } else {
      // rejected: back off to the follower's hint and probe one append at a time
      pr.inflight = 0;
      pr.probing = true;
      pr.next = Math.max(1, Math.min(pr.next - 1, m.index + 1));
      if (pr.next <= pr.match) pr.next = pr.match + 1;
    }
    this.sendAppend(m.from);
    this.confirmReads();
  }

  private handleSnapshot(m: Extract<Message, { type: 'snapshot' }>): void {
    this.electionElapsed = 0;
    if (this.role !== 'follower' || this.leader !== m.from) this.setRole('follower', m.from);
    const { index, term } = m.meta;
    // planted bug snapshot-install=always: any snapshot is installed, even one behind what we hold
    const always = this.bugs.snapshotInstall === 'always';
    if (index > this.commitIndex || always) {
      if (index <= this.commitIndex) this.cfg.onPlantedBug?.('snapshot-install=always');
      if (!always && this.log.term(index) === term && index <= this.log.lastIndex) {
        this.log.compact(index); // we hold the entry: keep what follows it
      } else {
        this.log.restore(index, term);
        this.unstableFrom = index + 1;
        this.truncateFrom = index + 1; // whatever the disk holds after the snapshot is not ours any more
      }
      const snap: Snapshot = { meta: m.meta, data: new Uint8Array(Buffer.from(m.data, 'base64')) };
      this.snapshot = snap;
      this.receivedSnapshot = snap;
      this.commitIndex = index;
      this.appliedHanded = index;
      this.stableIndex = Math.max(this.stableIndex, index);
      this.hardDirty = true;
    }
    this.send({ type: 'append-resp', from: this.id, to: m.from, term: this.term, success: true, index: Math.max(index, this.commitIndex), ctx: 0 });
  }

  private maybeCommit(): void {
    const matches = [this.stableIndex, ...this.others.map((p) => (this.progress.get(p) as Progress).match)].sort((a, b) => b - a);
    const candidate = matches[this.quorum - 1];
    // only entries of the current term commit by counting replicas (§5.4.2); the planted bug commit-rule=any-term drops that rule
    if (candidate > this.commitIndex && (this.log.term(candidate) === this.term || this.bugs.commitRule === 'any-term')) {
      if (this.log.term(candidate) !== this.term) this.cfg.onPlantedBug?.('commit-rule=any-term');
      this.commitIndex = candidate;
      this.hardDirty = true;
      for (const p of this.others) this.sendAppend(p);
      if (this.waitingReads.length > 0) {
        const ids = this.waitingReads;
        this.waitingReads = [];
        for (const id of ids) this.startRead(id);
      }
    }
  }

  // ---- reads --------------------------------------------------------------

  private startRead(id: number): void {
    this.readSeq++;
    this.pendingReads.push({ id, index: this.commitIndex, ctx: this.readCtx + 1 });
    this.broadcastHeartbeat(); // the round that confirms we are still leader
  }

  private confirmReads(): void {
    // the newest heartbeat round a majority (us included) acknowledged
    const acked = [Infinity, ...this.others.map((p) => (this.progress.get(p) as Progress).ackedCtx)].sort((a, b) => b - a)[this.quorum - 1];
    // the lease runs from when the confirmed heartbeat was sent; the planted bug lease-start=ack runs it
    // from when the acks arrived, so a heartbeat whose acks were delayed buys a lease the followers never granted
    const sentAt = this.bugs.leaseStart === 'ack' && this.ctxSentAt.has(acked) ? this.cfg.now() : this.ctxSentAt.get(acked);
    if (sentAt !== undefined && sentAt > this.leaseStart) this.leaseStart = sentAt;
    for (const c of [...this.ctxSentAt.keys()]) if (c < acked) this.ctxSentAt.delete(c);
    while (this.pendingReads.length > 0 && this.pendingReads[0].ctx <= acked) {
      const r = this.pendingReads.shift() as PendingRead;
      this.readStates.push({ id: r.id, index: r.index });
    }
  }

  private send(m: Message): void {
    this.messages.push(m);
  }
}
