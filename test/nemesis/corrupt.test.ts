import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyCorruption, listFiles, planCorruption } from '../../nemesis/corrupt.js';
import { mulberry32 } from '../../src/controller/random.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'faultline-corrupt-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('applyCorruption', () => {
  it('flips exactly the planned bits and records each byte before and after; undo restores the file', async () => {
    const dir = tmp();
    const original = randomBytes(1000);
    writeFileSync(path.join(dir, 'wal.log'), original);
    const applied = await applyCorruption(dir, {
      kind: 'bitflip',
      file: 'wal.log',
      flips: [
        { offset: 7, bit: 0 },
        { offset: 7, bit: 5 },
        { offset: 999, bit: 7 },
      ],
    });
    const now = readFileSync(path.join(dir, 'wal.log'));
    const diff = [...now].flatMap((b, i) => (b === original[i] ? [] : [i]));
    expect(diff).toEqual([7, 999]);
    expect(now[7]).toBe(original[7] ^ 0b100001);
    expect(applied.record).toEqual({
      file: 'wal.log',
      kind: 'bitflip',
      sizeBefore: 1000,
      sizeAfter: 1000,
      flips: [
        { offset: 7, bit: 0, before: original[7], after: original[7] ^ 1 },
        { offset: 7, bit: 5, before: original[7] ^ 1, after: original[7] ^ 0b100001 },
        { offset: 999, bit: 7, before: original[999], after: original[999] ^ 0x80 },
      ],
    });
    await applied.undo();
    expect(readFileSync(path.join(dir, 'wal.log')).equals(original)).toBe(true);
  });

  it('truncates and removes a tail, recording the removed bytes exactly; undo puts them back', async () => {
    const dir = tmp();
    const original = randomBytes(10_000);
    writeFileSync(path.join(dir, 'f'), original);
    const tail = await applyCorruption(dir, { kind: 'tail', file: 'f', bytes: 100 });
    expect(tail.record).toMatchObject({
      kind: 'tail',
      sizeBefore: 10_000,
      sizeAfter: 9900,
      offset: 9900,
      removed: { bytes: 100, hex: original.subarray(9900).toString('hex') },
    });
    expect(readFileSync(path.join(dir, 'f')).equals(original.subarray(0, 9900))).toBe(true);
    await tail.undo();
    expect(readFileSync(path.join(dir, 'f')).equals(original)).toBe(true);

    const save = path.join(dir, 'saved');
    const cut = await applyCorruption(dir, { kind: 'truncate', file: 'f', offset: 10 }, { saveTo: save });
    expect(cut.record.sizeAfter).toBe(10);
    expect(cut.record.removed?.hex).toBeUndefined(); // 9990 bytes: too many for the record
    expect(readFileSync(cut.record.removed?.savedTo as string).equals(original.subarray(10))).toBe(true);
    await cut.undo();
    expect(readFileSync(path.join(dir, 'f')).equals(original)).toBe(true);
  });

  it('plans over what listFiles finds, in any subdirectory', async () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'x'), 'abc');
    writeFileSync(path.join(dir, 'empty'), '');
    const files = await listFiles(dir);
    expect(files).toEqual([
      { path: 'empty', size: 0 },
      { path: 'sub/x', size: 3 },
    ]);
    const c = planCorruption(files, mulberry32(3));
    expect(c?.file).toBe('sub/x');
    const applied = await applyCorruption(dir, c!);
    expect(applied.record.file).toBe('sub/x');
  });

  it('refuses a plan past the end of the file', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'f'), 'abc');
    await expect(applyCorruption(dir, { kind: 'bitflip', file: 'f', flips: [{ offset: 3, bit: 0 }] })).rejects.toThrow(RangeError);
  });
});
