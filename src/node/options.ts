import { parseArgs } from 'node:util';
import type { ReplicaModes } from '../replica/options.js';
import { UsageError } from '../util/errors.js';

export interface Member {
  id: string;
  host: string;
  peerPort: number;
  clientPort: number;
}

export interface NodeOptions {
  id: string;
  members: Member[];
  self: Member;
  /** address to bind (default: the member's host) */
  bind: string;
  dataDir: string;
  modes: ReplicaModes;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  leaseMs: number;
  requestTimeoutMs: number;
  maxPendingRequests: number;
  snapshotEvery: number;
}

export const NODE_USAGE = `usage: node dist/src/node/main.js --id <id> --cluster <id@host:peerPort:clientPort,...> --data-dir <dir>
  [--bind <addr>] [--read-mode index|lease|local] [--ack commit|before-commit] [--persist fsync|none]
  [--tick-ms 10] [--election-ticks 15] [--heartbeat-ticks 3] [--lease-ms <ms>] [--request-timeout-ms 3000]
  [--snapshot-every 20000] (applied entries between snapshots; 0 = never)`;

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
  return v as T;
}

function int(name: string, v: string | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}; got ${JSON.stringify(v)}`);
  return n;
}

export function parseMember(spec: string): Member {
  const m = /^([\w.-]+)@([\w.-]+):(\d+):(\d+)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--cluster entry ${JSON.stringify(spec)} is not id@host:peerPort:clientPort`);
  return { id: m[1], host: m[2], peerPort: Number(m[3]), clientPort: Number(m[4]) };
}

/** Node options resolved once: defaults, then validation, then derived values. */
export function parseNodeOptions(argv: string[]): NodeOptions {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries(
        ['id', 'cluster', 'data-dir', 'bind', 'read-mode', 'ack', 'persist', 'tick-ms', 'election-ticks', 'heartbeat-ticks', 'lease-ms', 'request-timeout-ms', 'max-pending', 'snapshot-every'].map((k) => [
          k,
          { type: 'string' as const },
        ]),
      ),
      strict: true,
    }).values as Record<string, string | undefined>;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${NODE_USAGE}`);
  }
  if (!values.id || !values.cluster || !values['data-dir']) throw new UsageError(`--id, --cluster and --data-dir are required\n${NODE_USAGE}`);
  const members = values.cluster.split(',').map(parseMember);
  if (new Set(members.map((m) => m.id)).size !== members.length) throw new UsageError('--cluster lists a node id twice');
  const self = members.find((m) => m.id === values.id);
  if (!self) throw new UsageError(`--id ${values.id} is not in --cluster`);
  const tickMs = int('tick-ms', values['tick-ms'], 10);
  const electionTicks = int('election-ticks', values['election-ticks'], 15, 2);
  return {
    id: self.id,
    members,
    self,
    bind: values.bind ?? self.host,
    dataDir: values['data-dir'],
    modes: {
      readMode: oneOf('read-mode', values['read-mode'], ['index', 'lease', 'local'], 'index'),
      ack: oneOf('ack', values.ack, ['commit', 'before-commit'], 'commit'),
      persist: oneOf('persist', values.persist, ['fsync', 'none'], 'fsync'),
    },
    tickMs,
    electionTicks,
    heartbeatTicks: int('heartbeat-ticks', values['heartbeat-ticks'], 3),
    // a lease shorter than the minimum election timeout, as Raft's lease argument needs
    leaseMs: int('lease-ms', values['lease-ms'], Math.floor(tickMs * electionTicks * 0.8)),
    requestTimeoutMs: int('request-timeout-ms', values['request-timeout-ms'], 3000),
    maxPendingRequests: int('max-pending', values['max-pending'], 20000),
    snapshotEvery: int('snapshot-every', values['snapshot-every'], 20000, 0),
  };
}
