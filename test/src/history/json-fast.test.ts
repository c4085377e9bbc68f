import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FALLBACK, parseJsonBytes, parseOpBytes } from '../../../src/history/json-fast.js';
import { opArb } from '../../support/op-arbitrary.js';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/** What the reader does: the fast path, else JSON.parse. */
function read(parse: typeof parseJsonBytes, text: string): unknown {
  const b = bytes(text);
  const v = parse(b, 0, b.length);
  return v === FALLBACK ? JSON.parse(text) : v;
}

function sameAsJsonParse(parse: typeof parseJsonBytes, text: string): void {
  let expected: unknown;
  try {
    expected = JSON.parse(text);
  } catch {
    // invalid JSON: the fast path must not accept it
    const b = bytes(text);
    expect(parse(b, 0, b.length)).toBe(FALLBACK);
    return;
  }
  expect(read(parse, text)).toStrictEqual(expected);
}

describe('fast JSON line reader', () => {
  it('property: equals JSON.parse on any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        sameAsJsonParse(parseJsonBytes, JSON.stringify(v));
        sameAsJsonParse(parseOpBytes, JSON.stringify(v));
      }),
      { numRuns: 500 },
    );
  });

  it('property: equals JSON.parse on op lines, with or without blanks', () => {
    fc.assert(
      fc.property(opArb, fc.boolean(), (op, spaced) => {
        const text = JSON.stringify(op, null, spaced ? 1 : undefined);
        sameAsJsonParse(parseOpBytes, text);
        sameAsJsonParse(parseJsonBytes, text);
      }),
      { numRuns: 500 },
    );
  });

  it('property: truncated or corrupted lines are never accepted differently from JSON.parse', () => {
    const line = JSON.stringify({ index: 1, time: 2, type: 'ok', process: 3, f: 'cas', value: ['k', [1, 2]], error: 'x' });
    fc.assert(
      fc.property(
        fc.nat({ max: line.length }),
        fc.nat({ max: line.length - 1 }),
        fc.constantFrom('', ',', '}', ']', '"', 'x', ' ', '-', '0', '.'),
        (cut, at, ch) => {
          sameAsJsonParse(parseOpBytes, line.slice(0, cut));
          sameAsJsonParse(parseOpBytes, line.slice(0, at) + ch + line.slice(at + 1));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    '-0',
    '1e400',
    '0.1',
    '-12.5e-3',
    '12345678901234567890',
    '01',
    '-',
    '1.',
    '.5',
    '{"__proto__":1}',
    '{"a":1,"a":2}',
    '"é"',
    '"a\\nb"',
    'nul',
    'truex',
  ])('agrees with JSON.parse on %s', (text) => {
    sameAsJsonParse(parseJsonBytes, text);
    sameAsJsonParse(parseOpBytes, `{"index":0,"time":0,"type":"ok","process":0,"f":"x","value":${text}}`);
  });

  it('interns short strings: the same bytes give the same string', () => {
    const a = read(parseOpBytes, '{"index":0,"time":0,"type":"invoke","process":0,"f":"read","value":null}') as Record<string, unknown>;
    const b = read(parseOpBytes, '{"index":1,"time":1,"type":"invoke","process":0,"f":"ready","value":null}') as Record<string, unknown>;
    expect(a.type).toBe('invoke');
    expect(b.f).toBe('ready');
    expect(a.f).toBe('read');
  });
});
