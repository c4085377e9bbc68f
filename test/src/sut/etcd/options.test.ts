import { describe, expect, it } from 'vitest';
import { ETCD_DEFAULTS, resolveEtcdOptions } from '../../../../src/sut/etcd/options.js';
import { UsageError } from '../../../../src/util/errors.js';

describe('etcd --sut-opt', () => {
  it("defaults to etcd 3.4's own settings and linearizable reads", () => {
    expect(resolveEtcdOptions({})).toEqual(ETCD_DEFAULTS);
    expect(ETCD_DEFAULTS).toMatchObject({ serializable: false, heartbeatMs: 100, electionMs: 1000 });
  });

  it('reads booleans and integers', () => {
    expect(
      resolveEtcdOptions({ serializable: 'true', 'heartbeat-interval': '50', 'election-timeout': '500', 'pre-vote': 'true', 'transfer-attempts': '1' }),
    ).toMatchObject({
      serializable: true,
      heartbeatMs: 50,
      electionMs: 500,
      preVote: true,
      transferAttempts: 1,
    });
  });

  it('refuses unknown keys naming the ones it has, bad values, and an election shorter than 5 heartbeats', () => {
    expect(() => resolveEtcdOptions({ 'read-mode': 'local' })).toThrow(
      /--sut-opt read-mode: etcd has no such option; expected one of: serializable=true\|false/,
    );
    expect(() => resolveEtcdOptions({ serializable: 'yes' })).toThrow('--sut-opt serializable=yes: expected true or false');
    expect(() => resolveEtcdOptions({ 'snapshot-count': '-3' })).toThrow(UsageError);
    expect(() => resolveEtcdOptions({ 'transfer-attempts': '0' })).toThrow(/expected an integer ≥ 1/);
    expect(() => resolveEtcdOptions({ 'heartbeat-interval': '300' })).toThrow(/election-timeout=1000 must be at least 5 × heartbeat-interval \(300\)/);
  });
});
