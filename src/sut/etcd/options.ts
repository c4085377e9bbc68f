import { UsageError } from '../../util/errors.js';

/** etcd's options as `--sut-opt key=value` sets them, validated and normalized once. */
export interface EtcdOptions {
  /** reads answered by whichever member is asked, from its own state (etcd's `serializable: true`): not linearizable */
  serializable: boolean;
  /** `--heartbeat-interval`, ms */
  heartbeatMs: number;
  /** `--election-timeout`, ms; etcd refuses less than 5 heartbeats */
  electionMs: number;
  /** `--snapshot-count`: applied entries between snapshots */
  snapshotCount: number;
  /** `--pre-vote` (off by default in 3.4) */
  preVote: boolean;
  /** attempts a bank transfer makes when another transfer wins the race for its accounts */
  transferAttempts: number;
}

/** etcd 3.4's own defaults, and five transfer attempts */
export const ETCD_DEFAULTS: EtcdOptions = {
  serializable: false,
  heartbeatMs: 100,
  electionMs: 1000,
  snapshotCount: 100_000,
  preVote: false,
  transferAttempts: 5,
};

type Kind = 'bool' | 'int';
const KEYS: Record<string, { kind: Kind; field: keyof EtcdOptions; min?: number; what: string }> = {
  serializable: { kind: 'bool', field: 'serializable', what: 'serializable reads: a member answers from its own state (not linearizable)' },
  'heartbeat-interval': { kind: 'int', field: 'heartbeatMs', min: 1, what: 'ms between leader heartbeats' },
  'election-timeout': { kind: 'int', field: 'electionMs', min: 1, what: 'ms before a follower without a leader campaigns' },
  'snapshot-count': { kind: 'int', field: 'snapshotCount', min: 1, what: 'applied entries between snapshots' },
  'pre-vote': { kind: 'bool', field: 'preVote', what: 'Raft pre-vote' },
  'transfer-attempts': { kind: 'int', field: 'transferAttempts', min: 1, what: 'tries of a bank transfer that loses the race for its accounts' },
};

/** one line per option, for errors and help */
export const ETCD_OPTION_HELP = Object.entries(KEYS).map(([k, o]) => `${k}=${o.kind === 'bool' ? 'true|false' : '<int>'} (${o.what})`);

/**
 * `--sut-opt` for etcd: known keys only, booleans as true/false, positive integers,
 * and etcd's own rule that an election lasts at least five heartbeats (it would
 * refuse to start otherwise, after the containers are up: caught here instead).
 */
export function resolveEtcdOptions(given: Record<string, string>): EtcdOptions {
  const o: EtcdOptions = { ...ETCD_DEFAULTS };
  for (const [k, v] of Object.entries(given)) {
    const spec = KEYS[k];
    if (!spec) throw new UsageError(`--sut-opt ${k}: etcd has no such option; expected one of: ${ETCD_OPTION_HELP.join('; ')}`);
    if (spec.kind === 'bool') {
      if (v !== 'true' && v !== 'false') throw new UsageError(`--sut-opt ${k}=${v}: expected true or false`);
      (o[spec.field] as boolean) = v === 'true';
    } else {
      const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < (spec.min ?? 0)) throw new UsageError(`--sut-opt ${k}=${v}: expected an integer ≥ ${spec.min ?? 0}`);
      (o[spec.field] as number) = n;
    }
  }
  if (o.electionMs < 5 * o.heartbeatMs)
    throw new UsageError(
      `--sut-opt election-timeout=${o.electionMs} must be at least 5 × heartbeat-interval (${o.heartbeatMs}): etcd refuses to start otherwise`,
    );
  return o;
}
