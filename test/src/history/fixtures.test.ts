import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairHistory } from '../../../src/history/pair.js';
import { readHistory } from '../../../src/history/read.js';
import { porcupineFixtures as fixtures } from '../../support/fixtures.js';

describe('Porcupine fixtures', () => {
  const logs = readdirSync(path.join(fixtures, 'jepsen')).filter((f) => f.endsWith('.log'));

  it('has the 103 etcd logs', () => {
    expect(logs).toHaveLength(103);
  });

  it('reads and pairs every etcd log as jepsen-log', async () => {
    for (const name of logs) {
      const file = path.join(fixtures, 'jepsen', name);
      const { ops, format } = await readHistory(file, { format: 'jepsen-log' });
      const { operations, nemesis } = pairHistory(ops, file);
      expect(nemesis).toHaveLength(0);
      if (name === 'etcd_095.log') {
        expect(operations).toHaveLength(0); // empty: the cluster never started
        continue;
      }
      expect(format).toBe('jepsen-log');
      // README: 73–90 operations per file
      expect(operations.length, name).toBeGreaterThanOrEqual(73);
      expect(operations.length, name).toBeLessThanOrEqual(90);
      for (const op of operations) {
        expect(['read', 'write', 'cas']).toContain(op.f);
        if (op.outcome !== 'info') expect(op.ret).toBeGreaterThan(op.call);
        else expect(op.ret).toBe(Infinity);
      }
    }
  });

  it('detects the jepsen-log format and turns timed-out completions into unknowns', async () => {
    const file = path.join(fixtures, 'jepsen', 'etcd_101.log');
    const { ops, format } = await readHistory(file);
    expect(format).toBe('jepsen-log');
    const { operations } = pairHistory(ops, file);
    const timedOut = operations.filter((o) => o.error === 'timed-out');
    expect(timedOut.length).toBeGreaterThan(0);
    for (const o of timedOut) {
      // a timed-out read failed (no effect); writes and cas are unknown
      if (o.f === 'read') expect(o.outcome).toBe('fail');
      else expect(o.outcome).toBe('info');
    }
  });

  it.each([
    ['c01-ok.txt', 58],
    ['c01-bad.txt', 38],
    ['c10-ok.txt', 337],
    ['c10-bad.txt', 405],
    ['c50-ok.txt', 1712],
    ['c50-bad.txt', 2024],
  ])('reads and pairs kv/%s (%i operations, keys copied)', async (name, count) => {
    const file = path.join(fixtures, 'kv', name);
    const { ops, format } = await readHistory(file);
    expect(format).toBe('edn');
    const { operations } = pairHistory(ops, file);
    expect(operations).toHaveLength(count);
    for (const o of operations) {
      expect(o.outcome).toBe('ok');
      expect(typeof o.key).toBe('string');
      expect(['get', 'put', 'append']).toContain(o.f);
    }
  });
});
