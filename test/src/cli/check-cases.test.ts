import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultlineInProcess as faultline } from '../../support/cli.js';
import { porcupineFixtures } from '../../support/fixtures.js';

// The cases of issue 8, through the command line's own code path (in this process).
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-cases-'));
let n = 0;
function file(name: string, text: string): string {
  const f = path.join(dir, `${n++}-${name}`);
  writeFileSync(f, text);
  return f;
}
const jsonl = (name: string, events: object[]): string => file(name, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
const ev = (type: string, process: number | string, f: string, value?: unknown) => (value === undefined ? { type, process, f } : { type, process, f, value });
const escaped = (f: string): string => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('malformed ops never end in a verdict: exit 254 naming file and line', () => {
  it.each([
    [
      'a cas whose value is not a [from, to] pair',
      [],
      [ev('invoke', 0, 'cas', 5), ev('ok', 0, 'cas', 5)],
      1,
      /expected the cas value to be a pair \[from, to\]; got 5/,
    ],
    [
      'a set read that is not a list',
      ['--model', 'set'],
      [ev('invoke', 0, 'add', 1), ev('ok', 0, 'add', 1), ev('invoke', 1, 'read', null), ev('ok', 1, 'read', 1)],
      4,
      /a list; got 1/,
    ],
    ['a kv op with no key', ['--model', 'kv'], [ev('invoke', 0, 'put', 'x'), ev('ok', 0, 'put', 'x')], 1, /expected a kv op to name its key/],
    [
      'an ok read with no value',
      [],
      [ev('invoke', 0, 'write', 1), ev('ok', 0, 'write', 1), ev('invoke', 1, 'read'), ev('ok', 1, 'read')],
      4,
      /expected the ok read to carry the value it read/,
    ],
    [
      'a write with no value at all',
      [],
      [ev('invoke', 0, 'write'), ev('ok', 0, 'write'), ev('invoke', 1, 'read'), ev('ok', 1, 'read', null)],
      1,
      /expected the write to carry the value written; got no value/,
    ],
    [
      'an op the model does not know',
      [],
      [ev('invoke', 0, 'enqueue', 1), ev('ok', 0, 'enqueue', 1)],
      1,
      /"enqueue" is not an operation of the cas-register model/,
    ],
  ])('%s', async (_, args, events, line, message) => {
    const f = jsonl('bad.jsonl', events as object[]);
    const r = await faultline(['check', f, ...(args as string[])]);
    expect(r.code).toBe(254);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^faultline: ${escaped(f)}:${line}: `));
    expect(r.stderr).toMatch(message);
  });
});

describe('nothing checked is never valid', () => {
  it('an empty history, or nemesis events only: unknown (exit 2) with the reason', async () => {
    for (const f of [file('empty.jsonl', ''), jsonl('nemesis.jsonl', [ev('info', 'nemesis', 'start', null), ev('info', 'nemesis', 'stop', null)])]) {
      const r = await faultline(['check', f]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/verdict\s+unknown \(nothing to check\)/);
      expect(r.stdout).toMatch(/because\s+the history has no client operations/);
    }
    const failed = await faultline(['check', jsonl('failed.jsonl', [ev('invoke', 0, 'write', 1), ev('fail', 0, 'write', 1)]), '--json']);
    expect(failed.code).toBe(2);
    expect(JSON.parse(failed.stdout)).toMatchObject({
      valid: 'unknown',
      unknownReason: 'empty',
      unknownDetail: expect.stringMatching(/none of its 1 client operation completed ok/),
    });
  });

  it('a JSONL file with one Jepsen log line: the line is named (not read as a Jepsen log)', async () => {
    const f = file(
      'mixed.jsonl',
      `${JSON.stringify(ev('invoke', 0, 'write', 1))}\nINFO  jepsen.util - 0\t:ok\t:write\t1\n${JSON.stringify(ev('ok', 0, 'write', 1))}\n`,
    );
    const r = await faultline(['check', f]);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(new RegExp(`${escaped(f)}:2: expected one JSON op map per line`));
  });

  it('--format jepsen-log on a JSONL file is refused, not passed with 0 events', async () => {
    const f = jsonl('ops.jsonl', [ev('invoke', 0, 'write', 1), ev('ok', 0, 'write', 1)]);
    const r = await faultline(['check', f, '--format', 'jepsen-log']);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/:1: expected Jepsen log op lines/);
  });

  it('a Jepsen log prints how many lines it skipped', async () => {
    const f = file('run.log', 'INFO jepsen.core - setting up\nINFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t1\n');
    const r = await faultline(['check', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\(jepsen-log, 2 events, 1 other line skipped, read in/);
  });
});

describe('deep nesting and big integers: exit 254, never 255', () => {
  it('JSON nested 5,000 deep and EDN nested 20,000 deep', async () => {
    const deepJson = jsonl('deep.jsonl', [ev('invoke', 0, 'write', 1)]);
    writeFileSync(
      deepJson,
      `${JSON.stringify(ev('invoke', 0, 'write', 1))}\n{"type":"ok","process":0,"f":"write","value":${'['.repeat(5000)}${']'.repeat(5000)}}\n`,
    );
    const j = await faultline(['check', deepJson]);
    expect(j.code).toBe(254);
    expect(j.stderr).toMatch(/:2: values nested more than 1000 deep are not read/);
    const deepEdn = file('deep.edn', `{:type :invoke, :process 0, :f :write, :value ${'['.repeat(20_000)}${']'.repeat(20_000)}}\n`);
    const e = await faultline(['check', deepEdn]);
    expect(e.code).toBe(254);
    expect(e.stderr).toMatch(/deep\.edn:1: .*nested more than 1000 deep/);
  });

  it('an integer beyond 2^53 is refused, not rounded', async () => {
    const f = file('big.jsonl', `${JSON.stringify(ev('invoke', 0, 'write', 1))}\n{"type":"ok","process":0,"f":"write","value":12345678901234567891}\n`);
    const r = await faultline(['check', f]);
    expect(r.code).toBe(254);
    expect(r.stderr).toMatch(/big\.jsonl:2: the integer 12345678901234567891 cannot be read exactly/);
  });
});

describe('values, --initial and what the summary says', () => {
  it('a write of {"a":1,"b":2} read back as {"b":2,"a":1} is linearizable', async () => {
    const f = jsonl('order.jsonl', [
      ev('invoke', 0, 'write', { a: 1, b: 2 }),
      ev('ok', 0, 'write', { a: 1, b: 2 }),
      ev('invoke', 1, 'read', null),
      ev('ok', 1, 'read', { b: 2, a: 1 }),
    ]);
    expect((await faultline(['check', f])).code).toBe(0);
  });

  it('kv honours --initial and says so; set refuses it; the summary prints what the model starts from', async () => {
    const kv = file('kv.edn', '{:process 0, :type :invoke, :f :get, :key "a", :value nil}\n{:process 0, :type :ok, :f :get, :key "a", :value "x"}\n');
    const plain = await faultline(['check', kv, '--model', 'kv']);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/model\s+kv \(initial ""\)\n/); // no nil-read: kv has none
    const initial = await faultline(['check', kv, '--model', 'kv', '--initial', '"x"']);
    expect(initial.code).toBe(0);
    expect(initial.stdout).toMatch(/model\s+kv \(initial "x"\)/);
    const set = await faultline(['check', kv, '--model', 'set', '--initial', '[1]']);
    expect(set.code).toBe(254);
    expect(set.stderr).toMatch(/--initial does not apply to the set model/);
    const number = await faultline(['check', kv, '--model', 'kv', '--initial', '5']);
    expect(number.code).toBe(254);
    expect(number.stderr).toMatch(/--initial for the kv model to be a JSON string/);
  });

  it('messages show what the user wrote: never NaN or [object Object]', async () => {
    const f = jsonl('ok.jsonl', [ev('invoke', 0, 'write', 1), ev('ok', 0, 'write', 1)]);
    for (const args of [['--timeout', 'abc'], ['--memory', 'lots'], ['--timeout=-1'], ['--model.x', '1'], ['--initial.a', '1']]) {
      const r = await faultline(['check', f, ...args]);
      expect(r.code).toBe(254);
      expect(r.stderr).not.toMatch(/NaN|\[object Object\]|<history>/);
    }
    expect((await faultline(['check', f, '--timeout', 'abc'])).stderr).toMatch(/expected --timeout to be a positive number; got "abc"/);
  });

  it('an unknown verdict says what to raise', async () => {
    const hard = path.join(porcupineFixtures, 'kv', 'c50-ok.txt');
    const r = await faultline(['check', hard, '--model', 'kv', '--no-partition', '--memory', '1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      /verdict\s+unknown \(memory budget exhausted\)\nbecause\s+the memory budget \(1\.0 MB\) ran out\nto decide\s+raise --memory \(it was 1 MB\)/,
    );
  });
});
