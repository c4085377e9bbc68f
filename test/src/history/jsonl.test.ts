import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryWriter, readJsonl, readJsonlOps } from '../../../src/history/jsonl.js';
import { readHistory } from '../../../src/history/read.js';
import type { Op } from '../../../src/history/types.js';
import { InputError } from '../../../src/util/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-jsonl-'));
let n = 0;
function write(text: string): string {
  const file = path.join(dir, `h${n++}.jsonl`);
  writeFileSync(file, text);
  return file;
}

async function inputError(file: string): Promise<InputError> {
  try {
    await readJsonl(file);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('history.jsonl reader', () => {
  it('reads ops, skips blank lines and CRLF, keeps extra fields, reports lines', async () => {
    const file = write(
      [
        '{"index":0,"time":1203000,"type":"invoke","process":0,"f":"write","value":3}',
        '',
        '{"index":1,"time":5100400,"type":"ok","process":0,"f":"write","value":3,"node":"n1"}\r',
        '{"index":2,"time":9500000,"type":"info","process":"nemesis","f":"start-partition","value":{"n1":["n3"]}}',
      ].join('\n'),
    );
    const { ops, lines } = await readJsonl(file);
    expect(lines).toEqual([1, 3, 4]);
    expect(ops[1]).toEqual({ index: 1, time: 5100400, type: 'ok', process: 0, f: 'write', value: 3, node: 'n1' });
    expect(ops[2].value).toEqual({ n1: ['n3'] });
    const streamed: number[] = [];
    for await (const { op, line } of readJsonlOps(file)) streamed.push(op.index * 100 + line);
    expect(streamed).toEqual([1, 103, 204]);
  });

  it('defaults index to the position, time to the index; an absent value stays absent (not null)', async () => {
    const file = write('{"type":"invoke","process":0,"f":"read"}\n{"index":7,"type":"ok","process":0,"f":"read","value":1}\n');
    const { ops } = await readJsonl(file);
    expect(ops[0]).toMatchObject({ index: 0, time: 0 });
    expect(ops[0].value).toBeUndefined();
    expect(ops[1]).toMatchObject({ index: 7, time: 7 });
  });

  it('reads across chunk boundaries and multi-byte characters', async () => {
    const ops: Op[] = [];
    for (let i = 0; i < 60_000; i++) ops.push({ index: i, time: i, type: 'ok', process: i % 7, f: 'add', value: `é✓ ${i} ${'x'.repeat(i % 90)}` });
    const file = write(ops.map((o) => JSON.stringify(o)).join('\n'));
    const read = await readJsonl(file);
    expect(read.ops).toEqual(ops);
    expect(read.lines[59_999]).toBe(60_000);
  });

  it('a truncated last line is an InputError naming its line', async () => {
    const e = await inputError(write('{"type":"invoke","process":0,"f":"read"}\n{"type":"ok","process":0,"f":"re'));
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/:2: expected one JSON op map per line/);
  });

  it.each([
    ['{"type":"started","process":0,"f":"read"}', /expected "type" to be one of invoke, ok, fail, info; got "started"/],
    ['{"type":"ok","process":1.5,"f":"read"}', /expected "process" to be an integer or a string/],
    ['{"type":"ok","process":0,"f":3}', /expected "f" to be a string/],
    ['{"type":"ok","process":0,"f":"read","time":"soon"}', /expected "time" to be a number/],
    ['{"type":"ok","process":0,"f":"read","index":null}', /expected "index" to be a number/],
    ['{"type":"ok","process":0,"f":"read","time":1e999}', /expected "time" to be a number; got Infinity/],
    ['[1,2]', /expected an op map/],
  ])('rejects %s on its line', async (bad, msg) => {
    const e = await inputError(write(`{"type":"invoke","process":0,"f":"read"}\n\n${bad}\n`));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(msg);
  });
});

describe('HistoryWriter', () => {
  it('leaves a readable prefix after every append, and round-trips', async () => {
    const file = path.join(dir, 'written.jsonl');
    const w = HistoryWriter.open(file);
    const ops: Op[] = [
      { index: 0, time: 5, type: 'invoke', process: 0, f: 'cas', value: [1, 2] },
      { index: 1, time: 9, type: 'fail', process: 0, f: 'cas', value: [1, 2], error: 'precondition-failed' },
    ];
    w.append(ops[0]);
    // not closed yet: what is on disk already parses
    expect((await readJsonl(file)).ops).toEqual([ops[0]]);
    w.append(ops[1]);
    w.close();
    expect(w.written).toBe(2);
    expect((await readJsonl(file)).ops).toEqual(ops);
    expect(() => w.append(ops[0])).toThrow(/closed/);
  });

  it('writes EDN that reads back to the same ops', async () => {
    const file = path.join(dir, 'written.edn');
    const w = new HistoryWriter(file, { format: 'edn' });
    const op: Op = { index: 0, time: 1, type: 'info', process: 'nemesis', f: 'start-partition', value: { n1: ['n2', 'n3'] } };
    w.append(op);
    w.close();
    expect(readFileSync(file, 'utf8')).toBe('{:index 0, :time 1, :type :info, :process :nemesis, :f :start-partition, :value {:n1 ["n2" "n3"]}}\n');
    const read = await readHistory(file);
    expect(read.format).toBe('edn');
    expect(read.ops).toEqual([op]);
  });
});
