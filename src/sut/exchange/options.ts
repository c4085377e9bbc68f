import { UsageError } from '../../util/errors.js';

/**
 * The exchange node's options (its `--<key> <value>` flags, systems/exchange/node/options.ts)
 * that `--node-opt` / `--sut-opt` may set: enumerations with their allowed values, or
 * integers. Checked here so a typo fails before any container starts, naming what is allowed.
 * The unsafe modes and planted bugs are listed in the README.
 */
export const NODE_OPTIONS: Record<string, readonly string[] | 'int'> = {
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
  'tick-ms': 'int',
  'election-ticks': 'int',
  'heartbeat-ticks': 'int',
  'lease-ms': 'int',
  'request-timeout-ms': 'int',
  'max-pending': 'int',
  'max-body-bytes': 'int',
  'snapshot-every': 'int',
  'checkpoint-every': 'int',
  'peer-timeout-ms': 'int',
  'peer-queue': 'int',
};

export function validateNodeOptions(opts: Record<string, string>): Record<string, string> {
  for (const [k, v] of Object.entries(opts)) {
    const allowed = NODE_OPTIONS[k];
    if (allowed === undefined)
      throw new UsageError(`--node-opt ${k}: the exchange node has no such option; expected one of ${Object.keys(NODE_OPTIONS).join(', ')}`);
    if (allowed === 'int' ? !/^\d+$/.test(v) : !allowed.includes(v)) {
      throw new UsageError(`--node-opt ${k}=${v}: expected ${allowed === 'int' ? 'a non-negative integer' : `one of ${allowed.join(', ')}`}`);
    }
  }
  return opts;
}
