import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEdnHistory } from '../../../src/history/edn.js';
import { parseEdn } from '../../../src/history/edn-parse.js';
import { parseJepsenLog } from '../../../src/history/jepsen-log.js';
import { readJsonl } from '../../../src/history/jsonl.js';
import { inexactInteger, jsonLimitProblem, MAX_DEPTH } from '../../../src/history/limits.js';
import { InputError } from '../../../src/util/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-limits-'));
let n = 0;
function jsonl(text: string): string {
  const file = path.join(dir, `h${n++}.jsonl`);
  writeFileSync(file, text);
  return file;
}

async function jsonlError(text: string): Promise<InputError> {
  const err = await readJsonl(jsonl(text)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  return err as InputError;
}

const op = (value: string): string => `{"index":0,"time":0,"type":"invoke","process":0,"f":"write","value":${value}}`;

describe('deep nesting is refused, never a crash', () => {
  it.each([
    ['JSON arrays 5,000 deep as a value', op(`${'['.repeat(5000)}${']'.repeat(5000)}`)],
    ['JSON maps 5,000 deep as a value', op(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`)],
    ['JSON 100,000 deep as the whole line', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['deep JSON on the fallback path (a string with an escape)', op(`["\\n",${'['.repeat(5000)}${']'.repeat(5000)}]`)],
    ['deep and unclosed', op('['.repeat(5000))],
  ])('%s: an InputError on its line', async (_, line) => {
    const err = await jsonlError(`${op('1')}\n${line}\n`);
    expect(err.line).toBe(2);
    expect(err.message).toMatch(new RegExp(`nested more than ${MAX_DEPTH} deep|expected one JSON op map`));
  });

  it('JSON as deep as MAX_DEPTH is read', async () => {
    const deep = `${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}`; // the op map itself is one level
    const { ops } = await readJsonl(jsonl(`${op(deep)}\n`));
    expect(ops).toHaveLength(1);
  });

  it.each([
    ['vectors', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['maps', `${'{:a '.repeat(20_000)}1${'}'.repeat(20_000)}`],
    ['sets', `${'#{'.repeat(20_000)}${'}'.repeat(20_000)}`],
    ['tags', `${'#t '.repeat(20_000)}1`],
    ['discards', `${'#_ '.repeat(20_000)}1 2`],
  ])('EDN %s 20,000 deep: an InputError naming the line', (_, form) => {
    const text = `{:type :invoke, :process 0, :f :write, :value 1}\n{:type :ok, :process 0, :f :write, :value ${form}}\n`;
    expect(() => parseEdnHistory(text, 'h.edn')).toThrow(InputError);
    expect(() => parseEdnHistory(text, 'h.edn')).toThrow(/^h\.edn:2: .*nested more than 1000 deep/);
    expect(() => parseEdn(form)).toThrow(/nested more than 1000 deep/);
  });

  it('a Jepsen log value 20,000 deep is an InputError on its line', () => {
    const text = `INFO jepsen.util - 0\t:invoke\t:write\t${'['.repeat(20_000)}${']'.repeat(20_000)}\n`;
    expect(() => parseJepsenLog(text, 'x.log')).toThrow(/^x\.log:1: expected a value/);
  });
});

describe('integers beyond 2^53 are read exactly or refused', () => {
  it('inexactInteger: exact ones pass (2^60 is a double), the others are named', () => {
    expect(inexactInteger('9007199254740991')).toBeNull();
    expect(inexactInteger(String(2n ** 60n))).toBeNull();
    expect(inexactInteger('-123')).toBeNull();
    expect(inexactInteger('9007199254740993')).toMatch(/the integer 9007199254740993 cannot be read exactly \(beyond 2\^53\); write it as a string/);
    expect(inexactInteger('-12345678901234567890')).toMatch(/cannot be read exactly/);
  });

  it('JSON lines: refused with file and line, on the fast path and the fallback; floats and strings are fine', async () => {
    const err = await jsonlError(`${op('1')}\n${op('12345678901234567890')}\n`);
    expect(err.message).toMatch(/h\d+\.jsonl:2: the integer 12345678901234567890 cannot be read exactly/);
    const fallback = await jsonlError(`${op('["é", 9007199254740993]')}\n`);
    expect(fallback.message).toMatch(/:1: the integer 9007199254740993/);
    const { ops } = await readJsonl(jsonl(`${op('1.2345678901234567e30')}\n${op('"12345678901234567890"')}\n${op(String(2n ** 60n))}\n`));
    expect(ops.map((o) => o.value)).toEqual([1.2345678901234567e30, '12345678901234567890', 2 ** 60]);
  });

  it('EDN and Jepsen logs: refused (with or without N)', () => {
    expect(() => parseEdnHistory('{:type :invoke, :process 0, :f :write, :value 12345678901234567890N}', 'h.edn')).toThrow(
      /h\.edn:1: .*12345678901234567890 cannot be read exactly/,
    );
    expect(() => parseEdnHistory('{:type :invoke, :process 0, :f :write, :value -9007199254740993}', 'h.edn')).toThrow(/cannot be read exactly/);
    expect(() => parseJepsenLog('INFO jepsen.util - 0\t:invoke\t:write\t12345678901234567890\n', 'x.log')).toThrow(/x\.log:1:/);
    expect(parseEdn('[9007199254740991 1152921504606846976N]')).toEqual([9007199254740991, 2 ** 60]);
  });

  it('jsonLimitProblem ignores digits inside strings', () => {
    const b = Buffer.from('{"a":"12345678901234567890","b":[["["]]}');
    expect(jsonLimitProblem(b, 0, b.length)).toBeNull();
  });
});
