import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEdnHistory } from '../../../src/history/edn.js';
import { parseEdn } from '../../../src/history/edn-parse.js';
import { ednValue, historyToEdn, opToEdn, toEdn } from '../../../src/history/edn-write.js';
import { readJsonl } from '../../../src/history/jsonl.js';
import { readHistory } from '../../../src/history/read.js';
import { InputError } from '../../../src/util/errors.js';
import { opArb, opValueArb } from '../../support/op-arbitrary.js';

function inputError(text: string): InputError {
  try {
    parseEdnHistory(text, 'h.edn');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('EDN values', () => {
  it('reads keywords, strings, nil, numbers, chars, sets, tags and nested collections', () => {
    expect(
      parseEdn(
        '{:process :nemesis, :f :start, :v #{1 2} :l (1 2 [3 {:a nil}]) :s "a\\"b\\n\\u00e9" :n -1.5e3 :big 12N :dec 1.5M :r 1/2 :t true :c [\\a \\newline] :i #inst "2020-01-01" #_ :dropped :sym foo/bar}',
      ),
    ).toEqual({
      process: 'nemesis',
      f: 'start',
      v: [1, 2],
      l: [1, 2, [3, { a: null }]],
      s: 'a"b\né',
      n: -1500,
      big: 12,
      dec: 1.5,
      r: 0.5,
      t: true,
      c: ['a', '\n'],
      i: '2020-01-01',
      sym: 'foo/bar',
    });
  });

  it('property: printing then reading any JSON-like value gives it back', () => {
    fc.assert(
      fc.property(opValueArb, (v) => {
        expect(parseEdn(ednValue(v))).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});

/** Prints a value as EDN with the given blanks between tokens (commas, comments, #_ discards). */
function printSpaced(v: unknown, blank: () => string): string {
  if (Array.isArray(v)) return `[${blank()}${v.map((x) => printSpaced(x, blank)).join(` ${blank()}`)}${blank()}]`;
  if (v !== null && typeof v === 'object') {
    const parts = Object.entries(v).map(([k, x]) => `${ednValue(k)}${blank()} ${printSpaced(x, blank)}`);
    return `{${blank()}${parts.join(` ${blank()}`)}${blank()}}`;
  }
  return ednValue(v);
}

describe('EDN blanks', () => {
  it('property: blanks, commas, comments and discarded forms between tokens change nothing', () => {
    const blanks = fc.array(fc.constantFrom('', ' ', ',', '\n', '\t', ' ; note ] } "\n', ' #_ :gone ', ' #_[1 {:a "b"}] '), { minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(opValueArb, blanks, (v, list) => {
        let i = 0;
        const text = printSpaced(v, () => list[i++ % list.length]);
        expect(parseEdn(text)).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});

describe('history.edn reader', () => {
  it('reads a wrapped vector with comments and multi-line maps; lines are where maps start', () => {
    const text = [
      '; a Jepsen history',
      '[{:index 0, :type :invoke, :process 0, :f :read, :value nil}',
      ' {:index 1,',
      '  :type :ok, ; done',
      '  :process 0, :f :read, :value 3}',
      ' #jepsen.history.Op{:index 2 :type :info :process :nemesis :f :kill :value [:n1 "n2"]}',
      ']',
    ].join('\n');
    const { ops, lines } = parseEdnHistory(text, 'h.edn');
    expect(lines).toEqual([2, 3, 6]);
    expect(ops[1]).toEqual({ index: 1, time: 1, type: 'ok', process: 0, f: 'read', value: 3 });
    expect(ops[2]).toMatchObject({ process: 'nemesis', f: 'kill', value: ['n1', 'n2'] });
  });

  it('reads a list-wrapped and an unwrapped history', () => {
    const list = parseEdnHistory('({:type :invoke :process 1 :f :write :value 2}\n{:type :ok :process 1 :f :write :value 2})', 'h.edn');
    const bare = parseEdnHistory('{:type :invoke :process 1 :f :write :value 2}\n{:type :ok :process 1 :f :write :value 2}\n', 'h.edn');
    expect(list.ops).toEqual(bare.ops);
    expect(bare.ops.map((o) => [o.index, o.time])).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('a truncated map names the line where it starts', () => {
    const e = inputError('{:type :invoke :process 0 :f :read}\n{:type :ok\n :process 0 :f');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/^h\.edn:2: expected an EDN op map: .*input ends/);
  });

  it('an unknown type names its line', () => {
    const e = inputError('{:type :invoke :process 0 :f :read}\n\n{:type :done :process 0 :f :read}');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/expected "type" to be one of invoke, ok, fail, info; got "done"/);
  });

  it('rejects a missing closing bracket, a stray form, and text after the history', () => {
    expect(inputError('[{:type :invoke :process 0 :f :read}\n').line).toBe(1);
    expect(inputError('{:type :invoke :process 0 :f :read}\n[1 2]').message).toMatch(/:2: expected an op map/);
    expect(inputError('[{:type :invoke :process 0 :f :read}]\n{:a 1}').line).toBe(2);
  });
});

describe('EDN writer', () => {
  it('writes keys, type, f and a named process as keywords, other strings as strings', () => {
    expect(toEdn).toBe(opToEdn);
    expect(opToEdn({ index: 3, time: 7, type: 'ok', process: 'nemesis', f: 'cas', value: ['k7', [3, null]], error: 'a b' })).toBe(
      '{:index 3, :time 7, :type :ok, :process :nemesis, :f :cas, :value ["k7" [3 nil]], :error "a b"}',
    );
  });

  it('property (d): JSONL → EDN → JSONL is the identity on ops', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'faultline-edn-'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 8 }), async (ops) => {
        const jsonl = path.join(dir, `h${run}.jsonl`);
        const edn = path.join(dir, `h${run++}.edn`);
        writeFileSync(jsonl, ops.map((o) => JSON.stringify(o)).join('\n'));
        const fromJsonl = (await readJsonl(jsonl)).ops;
        writeFileSync(edn, historyToEdn(fromJsonl));
        const back = await readHistory(edn, { format: 'edn' });
        expect(back.ops.map((o) => JSON.stringify(o))).toEqual(fromJsonl.map((o) => JSON.stringify(o)));
      }),
      { numRuns: 150 },
    );
  });
});
