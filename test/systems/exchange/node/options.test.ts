import { describe, expect, it } from 'vitest';
import { NodeUsageError as UsageError } from '../../../../systems/exchange/errors.js';
import { envName, modeFlags, parseMember, parseNodeOptions } from '../../../../systems/exchange/node/options.js';
import { SAFE_MODES } from '../../../../systems/exchange/replica/options.js';

const CLUSTER = 'n1@127.0.0.1:7001:8001,n2@127.0.0.1:7002:8002,n3@10.0.0.3:7003:8003';
const base = ['--id', 'n2', '--cluster', CLUSTER, '--data-dir', '/tmp/d'];

function usage(argv: string[], env: NodeJS.ProcessEnv = {}): UsageError {
  try {
    parseNodeOptions(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(254);
    return err as UsageError;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('parseNodeOptions', () => {
  it('fills safe defaults and finds itself among the members', () => {
    const o = parseNodeOptions(base);
    expect(o.self).toEqual({ id: 'n2', host: '127.0.0.1', peerPort: 7002, clientPort: 8002 });
    expect(o.members.map((m) => m.id)).toEqual(['n1', 'n2', 'n3']);
    expect(o.bind).toBe('127.0.0.1');
    expect(o.modes).toEqual(SAFE_MODES);
    expect(o.tickMs).toBe(10);
    expect(o.electionTicks).toBe(15);
    expect(o.leaseMs).toBe(120); // 0.8 of the shortest election timeout
    expect(o.snapshotEvery).toBe(20000);
    expect(o.checkpointEvery).toBe(100);
    expect(o.maxBodyBytes).toBe(1 << 20);
  });

  it('takes the unsafe modes and numeric options', () => {
    const o = parseNodeOptions([
      ...base,
      '--read-mode',
      'lease',
      '--ack',
      'before-commit',
      '--persist',
      'none',
      '--tick-ms',
      '5',
      '--snapshot-every',
      '0',
      '--checkpoint-every',
      '7',
      '--bind',
      '0.0.0.0',
    ]);
    expect(o.modes).toEqual({ ...SAFE_MODES, readMode: 'lease', ack: 'before-commit', persist: 'none' });
    expect(parseNodeOptions([...base, '--fsync', 'after-ack']).modes.fsync).toBe('after-ack');
    expect(parseNodeOptions(base, { FAULTLINE_NODE_FSYNC: 'never' }).modes.fsync).toBe('never');
    expect(o.tickMs).toBe(5);
    expect(o.leaseMs).toBe(60);
    expect(o.snapshotEvery).toBe(0);
    expect(o.checkpointEvery).toBe(7);
    expect(() => parseNodeOptions([...base, '--checkpoint-every', '0'])).toThrow(/--checkpoint-every must be an integer in \[1, /);
    expect(o.bind).toBe('0.0.0.0');
  });

  it('takes every planted bug, each off by default, and reports the modes as flags', () => {
    const bugs = [
      '--read-mode',
      'leader',
      '--persist-vote',
      'none',
      '--commit-rule',
      'any-term',
      '--check-quorum',
      'off',
      '--sessions',
      'off',
      '--on-conflict',
      'keep',
      '--snapshot-install',
      'always',
      '--lease-start',
      'ack',
    ];
    const o = parseNodeOptions([...base, ...bugs]);
    expect(o.modes).toEqual({
      ...SAFE_MODES,
      readMode: 'leader',
      persistVote: 'none',
      commitRule: 'any-term',
      checkQuorum: 'off',
      sessions: 'off',
      onConflict: 'keep',
      snapshotInstall: 'always',
      leaseStart: 'ack',
    });
    const flags = modeFlags(o.modes);
    for (let i = 0; i < bugs.length; i += 2) expect(flags[bugs[i].slice(2)]).toBe(bugs[i + 1]);
    expect(modeFlags(SAFE_MODES)).toMatchObject({ 'read-mode': 'index', sessions: 'on', 'lease-start': 'send' });
  });

  it('reads FAULTLINE_NODE_* variables, argv winning', () => {
    const env = { [envName('read-mode')]: 'local', [envName('peer-timeout-ms')]: '500', FAULTLINE_NODE_ACK: 'before-commit' };
    const o = parseNodeOptions([...base, '--ack', 'commit'], env);
    expect(envName('read-mode')).toBe('FAULTLINE_NODE_READ_MODE');
    expect(o.modes.readMode).toBe('local');
    expect(o.modes.ack).toBe('commit');
    expect(o.peerTimeoutMs).toBe(500);
    expect(parseNodeOptions([], { FAULTLINE_NODE_ID: 'n1', FAULTLINE_NODE_CLUSTER: CLUSTER, FAULTLINE_NODE_DATA_DIR: '/d' }).id).toBe('n1');
  });

  it('rejects bad input with a message naming the option', () => {
    expect(usage(['--id', 'n1']).message).toMatch(/--id, --cluster and --data-dir are required/);
    expect(usage([...base, '--read-mode', 'stale']).message).toMatch(/--read-mode must be one of index, lease, local, leader; got "stale"/);
    expect(usage([...base, '--tick-ms', '1.5']).message).toMatch(/--tick-ms must be an integer/);
    expect(usage([...base, '--tick-ms', '1e3']).message).toMatch(/--tick-ms/);
    expect(usage([...base, '--snapshot-every', '']).message).toMatch(/--snapshot-every/);
    expect(usage([...base, '--heartbeat-ticks', '15']).message).toMatch(/--heartbeat-ticks \(15\) must be below --election-ticks \(15\)/);
    expect(usage([...base, '--bogus', '1']).message).toMatch(/bogus/);
    expect(usage([...base, 'stray']).message).toMatch(/stray|positional/i);
    expect(usage(['--id', 'n9', '--cluster', CLUSTER, '--data-dir', '/d']).message).toMatch(/--id n9 is not in --cluster/);
    expect(usage(['--id', 'n1', '--cluster', 'n1@h:1:2,n1@h:3:4', '--data-dir', '/d']).message).toMatch(/twice/);
    expect(usage(base, { FAULTLINE_NODE_PERSIST: 'sometimes' }).message).toMatch(/--persist must be one of/);
    expect(usage([...base, '--sessions', 'maybe']).message).toMatch(/--sessions must be one of on, off; got "maybe"/);
    expect(usage([...base, '--fsync', 'sometimes']).message).toMatch(/--fsync must be one of before-ack, after-ack, never/);
    expect(usage([...base, '--fsync', 'never', '--persist', 'none']).message).toMatch(/--fsync never needs a WAL: it contradicts --persist none/);
  });
});

describe('parseMember', () => {
  it('parses id@host:peerPort:clientPort and checks the ports', () => {
    expect(parseMember(' n3@node-3.local:9000:8000 ')).toEqual({ id: 'n3', host: 'node-3.local', peerPort: 9000, clientPort: 8000 });
    expect(() => parseMember('n3@host:9000')).toThrow(/not id@host:peerPort:clientPort/);
    expect(() => parseMember('n3@host:0:8000')).toThrow(/port 0 is not in \[1, 65535\]/);
    expect(() => parseMember('n3@host:9000:70000')).toThrow(/port 70000/);
  });
});
