import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultlineInProcess as faultline } from '../../support/cli.js';

/**
 * Every reader (jsonl, edn, jepsen-log, and detection), end to end through the
 * command line's code path: random malformed lines, random nesting depths and
 * random bytes end in exit 254 naming the file, never 255 (a crash) and never a
 * verdict. Each malformation below is bad by construction (the comments say why).
 */
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-malformed-'));
let n = 0;

type Format = 'jsonl' | 'edn' | 'jepsen-log';
const FORMATS: Format[] = ['jsonl', 'edn', 'jepsen-log'];

interface Event {
  type: string;
  process: number;
  f: string;
  value?: unknown;
}

/** a small valid cas-register history */
const BASE: Event[] = [
  { type: 'invoke', process: 0, f: 'write', value: 1 },
  { type: 'invoke', process: 1, f: 'read', value: null },
  { type: 'ok', process: 0, f: 'write', value: 1 },
  { type: 'ok', process: 1, f: 'read', value: 1 },
  { type: 'invoke', process: 2, f: 'cas', value: [1, 2] },
  { type: 'ok', process: 2, f: 'cas', value: [1, 2] },
];

function ednValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return `[${v.map(ednValue).join(' ')}]`;
  return String(v);
}

/** an event as a line of the format; `value` is the value's text in that format, as given */
function render(format: Format, e: { type: string; process: number | string; f: string }, value: string | undefined): string {
  if (format === 'jsonl')
    return `{"type":${JSON.stringify(e.type)},"process":${JSON.stringify(e.process)},"f":${JSON.stringify(e.f)}${value === undefined ? '' : `,"value":${value}`}}`;
  if (format === 'edn') return `{:type :${e.type}, :process ${e.process}, :f :${e.f}${value === undefined ? '' : `, :value ${value}`}}`;
  return `INFO  jepsen.util - ${e.process}\t:${e.type}\t:${e.f}${value === undefined ? '' : `\t${value}`}`;
}

const valueText = (format: Format, v: unknown): string => (format === 'jsonl' ? JSON.stringify(v) : ednValue(v));
const lines = (format: Format): string[] => BASE.map((e) => render(format, e, valueText(format, e.value)));

/** an integer literal beyond 2^53 that no double holds exactly */
const arbInexactInteger = fc
  .bigInt({ min: 2n ** 53n + 1n, max: 10n ** 30n })
  .filter((b) => BigInt(Number(b)) !== b)
  .map(String);

/** how deep to nest: past the readers' limit (1000) */
const arbTooDeep = fc.integer({ min: 1001, max: 30_000 });

/** text with something in it but no newline, and nothing that EDN skips or that discards what follows (; #) */
const arbGarbage = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 40 })
  .map((s) => s.replace(/[\n;#]/g, 'x'))
  .filter((s) => /[^\s,\uFEFF]/.test(s) && !/jepsen\.util/.test(s));

/**
 * A malformed line for a format, as a function of a valid line (for truncation). The
 * history is the base history with this line put in (replace = true: in place of the
 * line at that index).
 */
type Malformation = { line: (format: Format, valid: string) => string; replace: boolean; model?: string[] };

const arbMalformation: fc.Arbitrary<Malformation> = fc.oneof(
  // cut short: a JSON or EDN map never closes (everything after it is balanced); a
  // Jepsen op line loses its f (cut before the f's colon is no op line: see below)
  fc.double({ min: 0, max: 1, noNaN: true }).map((x) => ({
    replace: true,
    line: (format, valid) => {
      if (format === 'jepsen-log') return valid.slice(0, valid.indexOf('\t:', valid.indexOf(':') + 1) + 1); // "... - 0\t:invoke\t"
      return valid.slice(0, 1 + Math.floor(x * (valid.length - 2)));
    },
  })),
  // garbage: not an op map (JSONL, EDN); for a Jepsen log an extra skipped line is
  // not an error, so the garbage comes as the majority (below, with `many`)
  arbGarbage.map((g) => ({ replace: false, line: (format) => (format === 'jepsen-log' ? `${g}\n${g}\n${g}\n${g}\n${g}\n${g}\n${g}` : g) })),
  // an unknown type, a fractional or list process, a numeric f
  fc
    .constantFrom(
      (format: Format) => render(format, { type: 'done', process: 0, f: 'read' }, 'nil'.replace('nil', format === 'jsonl' ? 'null' : 'nil')),
      (format: Format) =>
        format === 'jepsen-log' ? 'INFO  jepsen.util - 0\t:started\t:read\tnil' : render(format, { type: 'ok', process: 1.5, f: 'read' }, '1'),
      (format: Format) =>
        format === 'jsonl'
          ? '{"type":"ok","process":[1],"f":"read","value":1}'
          : format === 'edn'
            ? '{:type :ok, :process 1, :f 3, :value 1}'
            : 'INFO  jepsen.util - 0\t:ok\t:read\t{oops',
    )
    .map((make) => ({ replace: false, line: (format) => make(format) })),
  // the models' shapes: a cas that is not [from, to]; an ok read without its value
  fc.oneof(fc.integer(), fc.constant('[1 2 3]'), fc.constant('nil')).map((v) => ({
    replace: true,
    line: (format) =>
      render(
        format,
        { type: 'invoke', process: 0, f: 'cas' },
        v === '[1 2 3]' ? (format === 'jsonl' ? '[1,2,3]' : v) : v === 'nil' ? (format === 'jsonl' ? 'null' : 'nil') : String(v),
      ),
  })),
  fc.constant({ replace: true, line: (format: Format) => render(format, { type: 'ok', process: 1, f: 'read' }, undefined) }),
  // a value nested past the limit, or an integer no double holds
  fc.tuple(arbTooDeep, fc.constantFrom('[', '{')).map(([d, open]) => ({
    replace: true,
    line: (format) => {
      const deep =
        open === '[' || format === 'jepsen-log'
          ? `${'['.repeat(d)}${']'.repeat(d)}`
          : format === 'jsonl'
            ? `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`
            : `${'{:a '.repeat(d)}1${'}'.repeat(d)}`;
      return render(format, { type: 'invoke', process: 0, f: 'write' }, deep);
    },
  })),
  arbInexactInteger.map((big) => ({ replace: true, line: (format) => render(format, { type: 'invoke', process: 0, f: 'write' }, big) })),
  // a completion no invocation opened (process 9 never invoked)
  fc.constant({ replace: false, line: (format: Format) => render(format, { type: 'ok', process: 9, f: 'read' }, '1') }),
  // a set model read that is not a list
  fc.constant({ replace: true, model: ['--model', 'set'], line: (format: Format) => render(format, { type: 'invoke', process: 0, f: 'add' }, '1') }),
);

function write(text: string | Uint8Array): string {
  const file = path.join(dir, `h${n++}`);
  writeFileSync(file, text);
  return file;
}

/** the check must refuse: exit 254, the file named on stderr, nothing on stdout (no verdict) */
function expectRefused(r: { code: number; stdout: string; stderr: string }, file: string): void {
  expect(r.stderr).not.toMatch(/internal error/);
  expect(r.code).toBe(254);
  expect(r.stdout).toBe('');
  expect(r.stderr.startsWith(`faultline: ${file}`)).toBe(true);
}

describe('malformed input through every reader: exit 254, never 255, never a verdict', () => {
  it('property: a malformed line anywhere in a valid history', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FORMATS), arbMalformation, fc.nat({ max: BASE.length - 1 }), fc.boolean(), async (format, bad, at, named) => {
        const text = lines(format);
        if (bad.model && format === 'jsonl') {
          // the set model: turn the base into a set history whose read returns a number
          text.splice(0, text.length, render(format, { type: 'invoke', process: 0, f: 'add' }, '1'), render(format, { type: 'ok', process: 0, f: 'add' }, '1'));
          text.push(render(format, { type: 'invoke', process: 1, f: 'read' }, 'null'), render(format, { type: 'ok', process: 1, f: 'read' }, '1'));
        } else if (bad.model) {
          text.splice(0, text.length, render(format, { type: 'invoke', process: 0, f: 'add' }, '1'), render(format, { type: 'ok', process: 0, f: 'add' }, '1'));
          text.push(render(format, { type: 'invoke', process: 1, f: 'read' }, 'nil'), render(format, { type: 'ok', process: 1, f: 'read' }, '1'));
        } else {
          const line = bad.line(format, text[at]);
          if (bad.replace) text[at] = line;
          else text.splice(at, 0, line);
        }
        const file = write(`${text.join('\n')}\n`);
        const r = await faultline(['check', file, ...(named ? ['--format', format] : []), ...(bad.model ?? [])]);
        expectRefused(r, file);
      }),
      { numRuns: 400 },
    );
  });

  it('property: lines nested to any depth (a collection is not an op map)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Format>('jsonl', 'edn'),
        fc.integer({ min: 1, max: 30_000 }),
        fc.constantFrom('[', '{', '#{', '#t ', '#_ '),
        fc.nat({ max: BASE.length }),
        async (format, depth, open, at) => {
          if (format === 'jsonl' && open !== '[' && open !== '{') open = '[';
          // `#_` discards what follows: only past the limit, where it is refused
          if (open === '#_ ') depth = Math.max(depth, 1001);
          const close = open === '[' ? ']' : open === '#t ' || open === '#_ ' ? '' : '}';
          const inner = open === '{' ? (format === 'jsonl' ? '{"a":' : '{:a ') : open;
          const line = `${inner.repeat(depth)}${open === '{' ? '1' : open === '#t ' || open === '#_ ' ? '1 2' : ''}${close.repeat(depth)}`;
          const text = lines(format);
          text.splice(at, 0, line);
          const file = write(`${text.join('\n')}\n`);
          expectRefused(await faultline(['check', file, '--format', format]), file);
          expectRefused(await faultline(['check', file]), file);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('property: random bytes, in every format and detected: 254, or 2 when they hold nothing to check', async () => {
    let refused = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 400 }), fc.constantFrom<Format | null>(null, ...FORMATS), async (bytes, format) => {
        const file = write(bytes);
        const r = await faultline(['check', file, ...(format ? ['--format', format] : [])]);
        runs++;
        expect(r.stderr).not.toMatch(/internal error/);
        expect([2, 254]).toContain(r.code);
        if (r.code === 2) {
          // blank, or only comments: a history with nothing in it (issue 8: unknown, never valid)
          expect(r.stdout).toMatch(/verdict\s+unknown \(nothing to check\)/);
        } else {
          refused++;
          expect(r.stdout).toBe('');
          expect(r.stderr.startsWith(`faultline: ${file}`)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(refused / runs).toBeGreaterThan(0.9);
  });
});
