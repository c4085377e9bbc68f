import { describe, expect, it } from 'vitest';
import type { LinearizabilityResult } from '../../../checkers/linearizability/types.js';
import { defaultNilRead, resolveCheckOptions } from '../../../src/cli/check-options.js';
import type { CheckReport } from '../../../src/cli/check-run.js';
import { checkJson, checkSummary } from '../../../src/cli/check-summary.js';
import { UsageError } from '../../../src/util/errors.js';

describe('resolveCheckOptions', () => {
  it('fills defaults', () => {
    expect(resolveCheckOptions({ history: 'h.jsonl' })).toEqual({ file: 'h.jsonl', model: 'cas-register', partition: true, json: false });
  });

  it('normalizes units and parses --initial as JSON', () => {
    const o = resolveCheckOptions({ history: 'h', initial: '{"k":[1,2]}', timeout: 2.5, memory: 512, partition: false, format: 'edn', nilRead: 'value' });
    expect(o).toMatchObject({ initial: { k: [1, 2] }, timeoutMs: 2500, memoryBytes: 512 * 1024 * 1024, partition: false, format: 'edn', nilRead: 'value' });
  });

  it.each([
    [{ initial: 'nope' }, /--initial/],
    [{ timeout: 0 }, /--timeout to be a positive number/],
    [{ memory: Number.NaN }, /--memory/],
    [{ format: 'xml' }, /--format to be one of jsonl, edn, jepsen-log/],
    [{ nilRead: 'maybe' }, /--nil-read/],
  ])('rejects %j', (args, msg) => {
    expect(() => resolveCheckOptions({ history: 'h', ...args })).toThrow(UsageError);
    expect(() => resolveCheckOptions({ history: 'h', ...args })).toThrow(msg);
  });

  it('nil reads default to unknown for EDN (Knossos) and value otherwise (Porcupine)', () => {
    expect(defaultNilRead('edn')).toBe('unknown');
    expect(defaultNilRead('jsonl')).toBe('value');
    expect(defaultNilRead('jepsen-log')).toBe('value');
  });
});

describe('check summary', () => {
  const op = (id: number, description: string) => ({
    id,
    process: id,
    f: 'read',
    input: null,
    output: id,
    outcome: 'ok' as const,
    call: id * 2,
    ret: id * 2 + 1,
    invokeIndex: id * 2,
    completeIndex: id * 2 + 1,
    description,
  });
  const result: LinearizabilityResult = {
    valid: false,
    model: 'cas-register',
    ops: 9,
    partitions: 1,
    elapsedMs: 1.234,
    partitionResults: [],
    anomaly: {
      key: null,
      op: op(8, 'read() → 1'),
      prefix: [0, 1, 2, 3, 4, 5, 6].map((i) => op(i, `write(${i})`)),
      state: '6',
      concurrent: [op(7, 'write(9)')],
      linearizations: [],
      reason: 'read() → 1 is not possible in state 6',
    },
  };
  const report: CheckReport = {
    file: 'h.jsonl',
    format: 'jsonl',
    model: 'cas-register',
    initial: null,
    nilRead: 'value',
    events: 18,
    nemesis: 0,
    readMs: 0.5,
    result,
  };

  it('names the op, the last ops of the prefix, the state and the concurrent ops', () => {
    const text = checkSummary(report);
    expect(text).toMatch(/verdict\s+INVALID/);
    expect(text).toMatch(/cannot linearize\s+op 8 process 8: read\(\) → 1\s+\[history #16\.\.#17\]/);
    expect(text).toMatch(/longest linearizable prefix: 7 ops, the last 5:\n {2}op 2 .*\n {2}op 3 .*\n {2}op 4 .*\n {2}op 5 .*\n {2}op 6 /);
    expect(text).not.toMatch(/op 1 process/);
    expect(text).toMatch(/state after the prefix: 6\nconcurrent with it: 1 op\n {2}op 7 process 7: write\(9\)/);
  });

  it('--json carries the contract fields', () => {
    expect(checkJson(report)).toMatchObject({ valid: false, model: 'cas-register', ops: 9, partitions: 1, elapsedMs: 1.234, anomaly: result.anomaly });
  });
});
