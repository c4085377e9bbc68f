import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import { pairHistory } from '../../../src/history/pair.js';
import { readHistory } from '../../../src/history/read.js';
import { ETCD_LINEARIZABLE, porcupineFixtures } from '../../support/fixtures.js';

async function load(file: string) {
  const { ops, lines } = await readHistory(file);
  return pairHistory(ops, file, lines).operations;
}

describe('Porcupine etcd histories (cas-register, nil is a value)', () => {
  const logs = readdirSync(path.join(porcupineFixtures, 'jepsen'))
    .filter((f) => f.endsWith('.log') && f !== 'etcd_095.log')
    .sort();

  it('has 102 histories with known verdicts', () => {
    expect(logs).toHaveLength(102);
  });

  for (const name of logs) {
    const expected = ETCD_LINEARIZABLE.has(name.slice(5, 8));
    it(`${name} is ${expected ? 'linearizable' : 'not linearizable'}`, async () => {
      const ops = await load(path.join(porcupineFixtures, 'jepsen', name));
      const result = checkLinearizability(ops, getModel('cas-register', { nilRead: 'value' }), { explain: false });
      expect(result.valid).toBe(expected);
    });
  }
});

describe('Porcupine kv histories', () => {
  const cases: [string, boolean][] = [
    ['c01-ok', true],
    ['c01-bad', false],
    ['c10-ok', true],
    ['c10-bad', false],
    ['c50-ok', true],
    ['c50-bad', false],
  ];
  for (const [name, expected] of cases) {
    it(`${name} partitioned by key is ${expected ? 'linearizable' : 'not linearizable'}`, async () => {
      const ops = await load(path.join(porcupineFixtures, 'kv', `${name}.txt`));
      const result = checkLinearizability(ops, getModel('kv'), { explain: false });
      expect(result.valid).toBe(expected);
      expect(result.partitions).toBeGreaterThan(1);
    });
  }
  for (const [name, expected] of cases.filter(([n]) => !n.startsWith('c50'))) {
    it(`${name} unpartitioned (one map-valued state) is ${expected ? 'linearizable' : 'not linearizable'}`, async () => {
      const ops = await load(path.join(porcupineFixtures, 'kv', `${name}.txt`));
      const result = checkLinearizability(ops, getModel('kv'), { partition: false, explain: false });
      expect(result.partitions).toBe(1);
      expect(result.valid).toBe(expected);
    });
  }
});
