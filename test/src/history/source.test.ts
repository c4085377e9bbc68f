import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readHistory } from '../../../src/history/read.js';
import { historySource, readHead, readText } from '../../../src/history/source.js';
import { InputError } from '../../../src/util/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'faultline-source-'));
const write = (name: string, data: string | Buffer): string => {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
};

const jsonl = `${[
  { type: 'invoke', process: 0, f: 'write', value: 1 },
  { type: 'ok', process: 0, f: 'write', value: 1 },
]
  .map((o) => JSON.stringify(o))
  .join('\n')}\n`;
const edn = '{:type :invoke, :process 0, :f :write, :value 1}\n{:type :ok, :process 0, :f :write, :value 1}\n';

describe('history sources', () => {
  it('reads gzip files directly, known by their magic bytes whatever the name', async () => {
    for (const name of ['h.jsonl.gz', 'h.jsonl']) {
      const r = await readHistory(write(name, gzipSync(jsonl)));
      expect(r).toMatchObject({ format: 'jsonl', skipped: 0 });
      expect(r.ops.map((o) => o.type)).toEqual(['invoke', 'ok']);
    }
    const big = Array.from({ length: 50_000 }, (_, i) => JSON.stringify({ type: i % 2 ? 'ok' : 'invoke', process: 0, f: 'write', value: i >> 1 })).join('\n');
    expect((await readHistory(write('big.jsonl.gz', gzipSync(big)))).ops).toHaveLength(50_000);
    expect((await readHistory(write('h.edn.gz', gzipSync(edn)))).format).toBe('edn');
  });

  it('- is standard input, plain or gzip; errors call it stdin', async () => {
    const plain = await readHistory('-', { stdin: Readable.from([Buffer.from(jsonl.slice(0, 10)), Buffer.from(jsonl.slice(10))]) });
    expect(plain).toMatchObject({ name: 'stdin', format: 'jsonl' });
    expect(plain.ops).toHaveLength(2);
    const zipped = await readHistory('-', { stdin: Readable.from([gzipSync(edn)]) });
    expect(zipped).toMatchObject({ name: 'stdin', format: 'edn' });
    await expect(readHistory('-', { stdin: Readable.from([Buffer.from('{"type":"ok"\n')]) })).rejects.toThrow(/^stdin:1: /);
  });

  it('a damaged gzip file, a directory and a missing file are input errors naming the file (exit 254)', async () => {
    const damaged = gzipSync(jsonl).subarray(0, 20);
    const bad = write('bad.gz', damaged);
    const err = await readHistory(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/bad\.gz: cannot (decompress the gzip history|read)/);
    expect((err as InputError).exitCode).toBe(254);
    await expect(readHistory(dir)).rejects.toMatchObject({ code: 'E_INPUT', exitCode: 254 });
    await expect(readHistory(path.join(dir, 'missing'))).rejects.toThrow(/missing: cannot read the history \(ENOENT\)/);
  });

  it('readHead and readText read from the start each time', async () => {
    const src = historySource(write('t.jsonl.gz', gzipSync(jsonl)));
    expect((await readHead(src, 5)).toString()).toBe(jsonl.slice(0, 5));
    expect(await readText(src)).toBe(jsonl);
  });
});
