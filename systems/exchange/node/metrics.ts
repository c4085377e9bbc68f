import type { Replica } from '../replica/replica.js';
import type { PeerTransport } from './transport.js';

const ROLES = ['leader', 'follower', 'candidate', 'pre-candidate'] as const;
const BUCKETS_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500];

/** Cumulative histogram in Prometheus' text form, fed by draining sample arrays. */
class Histogram {
  private counts = new Array<number>(BUCKETS_MS.length).fill(0);
  private count = 0;
  private sum = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe(samples: number[]): void {
    for (const v of samples) {
      this.count++;
      this.sum += v / 1000;
      for (let i = 0; i < BUCKETS_MS.length; i++) if (v <= BUCKETS_MS[i]) this.counts[i]++;
    }
    samples.length = 0;
  }
  text(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    BUCKETS_MS.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b / 1000}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

export class NodeMetrics {
  private readonly errorCounts = new Map<string, number>();
  private readonly commit = new Histogram('faultline_commit_latency_seconds', 'time from proposal to apply on the leader');
  private readonly fsync = new Histogram('faultline_fsync_seconds', 'time to persist (write + fdatasync) one group of Raft ready states');

  constructor(
    private readonly replica: Replica,
    private readonly transport: PeerTransport,
  ) {}

  /** counts error answers by code (not-leader, timeout, overloaded, ...) */
  errors(code: string): void {
    this.errorCounts.set(code, (this.errorCounts.get(code) ?? 0) + 1);
  }

  /** Moves the replica's latency samples into the histograms (main calls it every second, so they stay short). */
  collect(): void {
    this.commit.observe(this.replica.counters.commitLatencyMs);
    this.fsync.observe(this.replica.counters.fsyncMs);
  }

  render(inflight = 0): string {
    const r = this.replica;
    this.collect();
    const gauge = (name: string, help: string, v: number, type = 'gauge'): string => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${v}`;
    return `${[
      gauge('faultline_raft_term', 'current Raft term', r.raft.term),
      gauge('faultline_raft_is_leader', '1 if this node is the leader', r.raft.role === 'leader' ? 1 : 0),
      `# HELP faultline_raft_role the node's Raft role (1 for the current one)\n# TYPE faultline_raft_role gauge\n${ROLES.map((x) => `faultline_raft_role{role="${x}"} ${r.raft.role === x ? 1 : 0}`).join('\n')}`,
      gauge('faultline_raft_elections_won_total', 'elections this node won', r.counters.elections, 'counter'),
      gauge('faultline_raft_commit_index', 'commit index', r.raft.commitIndex),
      gauge('faultline_raft_applied_index', 'applied index', r.appliedIndex),
      gauge('faultline_raft_log_last_index', 'last log index (log size)', r.raft.log.lastIndex),
      gauge('faultline_raft_snapshots_total', 'snapshots taken (log compactions)', r.counters.snapshots, 'counter'),
      gauge('faultline_raft_snapshot_index', 'last index covered by a snapshot', r.raft.log.snapshotIndex),
      gauge('faultline_storage_persists_total', 'fsynced persists', r.counters.persists, 'counter'),
      gauge('faultline_peer_messages_dropped_total', 'peer messages dropped by full queues', this.transport.dropped, 'counter'),
      gauge('faultline_peer_messages_sent_total', 'peer messages written to connected sockets', this.transport.sent, 'counter'),
      gauge('faultline_peer_bytes_sent_total', 'peer bytes written', this.transport.bytesSent, 'counter'),
      gauge('faultline_peer_flushes_total', 'socket writes to peers (frames of one loop turn coalesced)', this.transport.flushes, 'counter'),
      gauge('faultline_peer_reconnects_total', 'peer connections lost or redialled after silence', this.transport.reconnects, 'counter'),
      gauge('faultline_http_requests_inflight', 'client requests waiting for an answer', inflight),
      `# HELP faultline_http_errors_total error answers by code\n# TYPE faultline_http_errors_total counter${[...this.errorCounts].map(([c, n]) => `\nfaultline_http_errors_total{code="${c}"} ${n}`).join('')}`,
      this.commit.text(),
      this.fsync.text(),
    ].join('\n')}\n`;
  }
}
