import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CORRUPT_DEFAULTS, type CorruptOptions, corruptOptionsError, type FileInfo, planCorruption } from '../../nemesis/corrupt-plan.js';
import { mulberry32 } from '../../src/controller/random.js';

const files = fc.uniqueArray(fc.record({ path: fc.stringMatching(/^[a-z]{1,6}(\/[a-z]{1,4})?$/), size: fc.integer({ min: 0, max: 1 << 20 }) }), {
  maxLength: 6,
  selector: (f) => f.path,
});

describe('planCorruption', () => {
  it('is a pure function of the files and the seed', () => {
    fc.assert(
      fc.property(files, fc.integer(), (fs, seed) => {
        expect(planCorruption(fs, mulberry32(seed))).toEqual(planCorruption([...fs].reverse(), mulberry32(seed)));
      }),
    );
  });

  it('damages a non-empty file within its bounds, never flipping one bit twice', () => {
    fc.assert(
      fc.property(files, fc.integer(), (fs, seed) => {
        const c = planCorruption(fs, mulberry32(seed));
        const nonEmpty = fs.filter((f) => f.size > 0);
        if (nonEmpty.length === 0) {
          expect(c).toBeNull();
          return;
        }
        expect(c).not.toBeNull();
        const size = nonEmpty.find((f) => f.path === c!.file)?.size ?? 0;
        expect(size).toBeGreaterThan(0);
        if (c!.kind === 'bitflip') {
          expect(c!.flips.length).toBeGreaterThanOrEqual(1);
          expect(c!.flips.length).toBeLessThanOrEqual(CORRUPT_DEFAULTS.maxFlips);
          expect(new Set(c!.flips.map((f) => `${f.offset}/${f.bit}`)).size).toBe(c!.flips.length);
          for (const f of c!.flips) {
            expect(f.offset).toBeLessThan(size);
            expect(f.bit).toBeGreaterThanOrEqual(0);
            expect(f.bit).toBeLessThan(8);
          }
        } else if (c!.kind === 'truncate') {
          expect(c!.offset).toBeGreaterThanOrEqual(0);
          expect(c!.offset).toBeLessThan(size);
        } else {
          expect(c!.bytes).toBeGreaterThanOrEqual(1);
          expect(c!.bytes).toBeLessThanOrEqual(Math.min(size, CORRUPT_DEFAULTS.maxTail));
        }
      }),
    );
  });

  it('uses only the chosen kinds and files, and draws every kind and file over many seeds', () => {
    const fs: FileInfo[] = [
      { path: 'wal.log', size: 5000 },
      { path: 'snapshot.bin', size: 900 },
      { path: 'empty', size: 0 },
    ];
    const seen = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const c = planCorruption(fs, mulberry32(seed));
      seen.add(`${c?.kind}:${c?.file}`);
    }
    expect([...seen].sort()).toEqual([
      'bitflip:snapshot.bin',
      'bitflip:wal.log',
      'tail:snapshot.bin',
      'tail:wal.log',
      'truncate:snapshot.bin',
      'truncate:wal.log',
    ]);
    const only: CorruptOptions = { ...CORRUPT_DEFAULTS, kinds: ['tail'], files: ['wal.log'] };
    for (let seed = 0; seed < 50; seed++) expect(planCorruption(fs, mulberry32(seed), only)).toMatchObject({ kind: 'tail', file: 'wal.log' });
    expect(planCorruption(fs, mulberry32(1), { ...CORRUPT_DEFAULTS, files: ['empty'] })).toBeNull();
  });

  it('validates its options', () => {
    expect(corruptOptionsError(CORRUPT_DEFAULTS)).toBeNull();
    expect(corruptOptionsError({ ...CORRUPT_DEFAULTS, kinds: ['melt' as never] })).toMatch(/unknown corruption "melt"/);
    expect(corruptOptionsError({ ...CORRUPT_DEFAULTS, kinds: [] })).toMatch(/at least one/);
    expect(corruptOptionsError({ ...CORRUPT_DEFAULTS, maxTail: 0 })).toMatch(/maxTail/);
  });
});
