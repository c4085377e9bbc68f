import { parseArgs } from 'node:util';
import { NodeUsageError as UsageError } from '../errors.js';
import { CHECKPOINT_EVERY } from '../replica/applied-chain.js';
import type { ReplicaModes } from '../replica/options.js';

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
  /** client requests in flight before new ones are answered `overloaded` */
  maxPendingRequests: number;
  maxBodyBytes: number;
  snapshotEvery: number;
  /** applied entries between checkpoints of the applied-entry hash chain (GET /v1/checkpoints) */
  checkpointEvery: number;
  /** peer connections silent (unacknowledged) this long are redialled */
  peerTimeoutMs: number;
  /** messages queued per unreachable peer before the oldest are dropped */
  peerQueue: number;
}

export const NODE_USAGE = `usage: node dist/systems/exchange/node/main.js --id <id> --cluster <id@host:peerPort:clientPort,...> --data-dir <dir>
  [--bind <addr>] [--read-mode index|lease|local|leader] [--ack commit|before-commit] [--persist fsync|none]
  planted bugs (README), each off by default: [--persist-vote fsync|none] [--commit-rule current-term|any-term]
  [--check-quorum on|off] [--sessions on|off] [--on-conflict truncate|keep] [--snapshot-install if-newer|always]
  [--lease-start send|ack] (with --read-mode lease)
  [--fsync before-ack|after-ack|never] (when the WAL's fsync happens; the last two are planted bugs)
  [--tick-ms 10] [--election-ticks 15] [--heartbeat-ticks 3] [--lease-ms <ms>] [--request-timeout-ms 3000]
  [--max-pending 20000] [--max-body-bytes 1048576] [--peer-timeout-ms 1000] [--peer-queue 4096]
  [--snapshot-every 20000] (applied entries between snapshots; 0 = never) [--checkpoint-every 100]
every option may also come from the environment: --read-mode lease = FAULTLINE_NODE_READ_MODE=lease (argv wins)`;

/** the behaviour switches: [flag, allowed values (the default first)]; all but the defaults are unsafe (README, "Planted bugs") */
export const MODE_OPTIONS = {
  'read-mode': ['index', 'lease', 'local', 'leader'],
  ack: ['commit', 'before-commit'],
  persist: ['fsync', 'none'],
  fsync: ['before-ack', 'after-ack', 'never'],
  'persist-vote': ['fsync', 'none'],
  'commit-rule': ['current-term', 'any-term'],
  'check-quorum': ['on', 'off'],
  sessions: ['on', 'off'],
  'on-conflict': ['truncate', 'keep'],
  'snapshot-install': ['if-newer', 'always'],
  'lease-start': ['send', 'ack'],
} as const;
type ModeFlag = keyof typeof MODE_OPTIONS;

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** the modes as flags and values (`{'read-mode': 'index', ...}`), as /health reports them */
export function modeFlags(modes: ReplicaModes): Record<string, string> {
  return Object.fromEntries(Object.keys(MODE_OPTIONS).map((flag) => [flag, (modes as unknown as Record<string, string>)[camel(flag)]]));
}

const STRING_OPTIONS = ['id', 'cluster', 'data-dir', 'bind', ...(Object.keys(MODE_OPTIONS) as ModeFlag[])] as const;
export const INT_OPTIONS = [
  'tick-ms',
  'election-ticks',
  'heartbeat-ticks',
  'lease-ms',
  'request-timeout-ms',
  'max-pending',
  'max-body-bytes',
  'snapshot-every',
  'checkpoint-every',
  'peer-timeout-ms',
  'peer-queue',
] as const;
type OptionName = (typeof STRING_OPTIONS)[number] | (typeof INT_OPTIONS)[number];
type Raw = Partial<Record<OptionName, string>>;

export const envName = (option: string): string => `FAULTLINE_NODE_${option.toUpperCase().replace(/-/g, '_')}`;

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}; got ${JSON.stringify(v)}`);
  return v as T;
}

function int(name: string, v: string | undefined, dflt: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  const n = /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in [${min}, ${max}]; got ${JSON.stringify(v)}`);
  return n;
}

export function parseMember(spec: string): Member {
  const m = /^([\w.-]+)@([\w.-]+):(\d+):(\d+)$/.exec(spec.trim());
  if (!m) throw new UsageError(`--cluster entry ${JSON.stringify(spec)} is not id@host:peerPort:clientPort`);
  const port = (p: string): number => {
    const n = Number(p);
    if (n < 1 || n > 65535) throw new UsageError(`--cluster entry ${JSON.stringify(spec)}: port ${p} is not in [1, 65535]`);
    return n;
  };
  return { id: m[1], host: m[2], peerPort: port(m[3]), clientPort: port(m[4]) };
}

/** argv (strict: unknown flags and positionals are errors) over FAULTLINE_NODE_* environment variables. */
function readRaw(argv: string[], env: NodeJS.ProcessEnv): Raw {
  let values: Raw;
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries([...STRING_OPTIONS, ...INT_OPTIONS].map((k) => [k, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values as Raw;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${NODE_USAGE}`);
  }
  for (const k of [...STRING_OPTIONS, ...INT_OPTIONS]) {
    const fromEnv = env[envName(k)];
    if (values[k] === undefined && fromEnv !== undefined && fromEnv !== '') values[k] = fromEnv;
  }
  return values;
}

/** Node options resolved once: defaults, then validation, then derived values. Throws UsageError (exit 254). */
export function parseNodeOptions(argv: string[], env: NodeJS.ProcessEnv = {}): NodeOptions {
  const values = readRaw(argv, env);
  if (!values.id || !values.cluster || !values['data-dir']) throw new UsageError(`--id, --cluster and --data-dir are required\n${NODE_USAGE}`);
  const members = values.cluster.split(',').map(parseMember);
  if (new Set(members.map((m) => m.id)).size !== members.length) throw new UsageError('--cluster lists a node id twice');
  const self = members.find((m) => m.id === values.id);
  if (!self) throw new UsageError(`--id ${values.id} is not in --cluster`);
  const mode = <F extends ModeFlag>(flag: F): (typeof MODE_OPTIONS)[F][number] => oneOf(flag, values[flag], MODE_OPTIONS[flag], MODE_OPTIONS[flag][0]);
  const tickMs = int('tick-ms', values['tick-ms'], 10, 1, 10_000);
  const electionTicks = int('election-ticks', values['election-ticks'], 15, 2);
  const heartbeatTicks = int('heartbeat-ticks', values['heartbeat-ticks'], 3);
  if (heartbeatTicks >= electionTicks) {
    throw new UsageError(
      `--heartbeat-ticks (${heartbeatTicks}) must be below --election-ticks (${electionTicks}), or followers start elections against a live leader`,
    );
  }
  const persist = mode('persist');
  const fsync = mode('fsync');
  if (persist === 'none' && fsync !== 'before-ack')
    throw new UsageError(`--fsync ${fsync} needs a WAL: it contradicts --persist none (which keeps the log in memory)`);
  return {
    id: self.id,
    members,
    self,
    bind: values.bind ?? self.host,
    dataDir: values['data-dir'],
    modes: {
      readMode: mode('read-mode'),
      ack: mode('ack'),
      persist,
      fsync,
      persistVote: mode('persist-vote'),
      commitRule: mode('commit-rule'),
      checkQuorum: mode('check-quorum'),
      sessions: mode('sessions'),
      onConflict: mode('on-conflict'),
      snapshotInstall: mode('snapshot-install'),
      leaseStart: mode('lease-start'),
    },
    tickMs,
    electionTicks,
    heartbeatTicks,
    // a lease shorter than the minimum election timeout, as Raft's lease argument needs
    leaseMs: int('lease-ms', values['lease-ms'], Math.floor(tickMs * electionTicks * 0.8)),
    requestTimeoutMs: int('request-timeout-ms', values['request-timeout-ms'], 3000),
    maxPendingRequests: int('max-pending', values['max-pending'], 20000),
    maxBodyBytes: int('max-body-bytes', values['max-body-bytes'], 1 << 20, 64),
    snapshotEvery: int('snapshot-every', values['snapshot-every'], 20000, 0),
    checkpointEvery: int('checkpoint-every', values['checkpoint-every'], CHECKPOINT_EVERY),
    peerTimeoutMs: int('peer-timeout-ms', values['peer-timeout-ms'], 1000, 20),
    peerQueue: int('peer-queue', values['peer-queue'], 4096),
  };
}
