import { createHash } from 'node:crypto';
import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Corruption, FileInfo } from './corrupt-plan.js';

export * from './corrupt-plan.js';

/**
 * The `corrupt` fault's executor: applies a planned corruption (nemesis/corrupt-plan.ts)
 * to a file of a data directory whose node is down, and records exactly what
 * changed. The caller stops the node first (the file must not be open for writing).
 */
export interface CorruptionRecord {
  file: string;
  kind: Corruption['kind'];
  sizeBefore: number;
  sizeAfter: number;
  /** bitflip: each flipped bit, with its byte before and after */
  flips?: { offset: number; bit: number; before: number; after: number }[];
  /** truncate, tail: the file ends here now */
  offset?: number;
  /** truncate, tail: what was removed (hex when at most 4 KiB; else its hash and, with saveTo, a copy) */
  removed?: { bytes: number; sha256: string; hex?: string; savedTo?: string };
}

export interface AppliedCorruption {
  record: CorruptionRecord;
  /** puts the original bytes back (a repaired disk) */
  undo(): Promise<void>;
}

const HEX_LIMIT = 4096;

/** Regular files under `dir`, relative paths with / separators, sorted. */
export async function listFiles(dir: string): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push({ path: r, size: (await stat(path.join(dir, r))).size });
    }
  };
  await walk('');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Applies `c` to `dir` (durably: the file is fsynced) and returns its exact record. `saveTo`: a directory for copies of large removed parts. */
export async function applyCorruption(dir: string, c: Corruption, opts: { saveTo?: string } = {}): Promise<AppliedCorruption> {
  const file = path.join(dir, c.file);
  const fh = await open(file, 'r+');
  try {
    const sizeBefore = (await fh.stat()).size;
    if (c.kind === 'bitflip') {
      const flips: NonNullable<CorruptionRecord['flips']> = [];
      const byte = Buffer.alloc(1);
      for (const { offset, bit } of c.flips) {
        if (offset >= sizeBefore) throw new RangeError(`${file}: bit flip at ${offset} is past the end (${sizeBefore} bytes)`);
        await fh.read(byte, 0, 1, offset);
        const before = byte[0];
        byte[0] ^= 1 << bit;
        await fh.write(byte, 0, 1, offset);
        flips.push({ offset, bit, before, after: byte[0] });
      }
      await fh.sync();
      const record: CorruptionRecord = { file: c.file, kind: c.kind, sizeBefore, sizeAfter: sizeBefore, flips };
      return {
        record,
        undo: async () => {
          const h = await open(file, 'r+');
          try {
            // flips of one byte were applied in order: restore in reverse
            for (const f of [...flips].reverse()) await h.write(Buffer.of(f.before), 0, 1, f.offset);
            await h.sync();
          } finally {
            await h.close();
          }
        },
      };
    }
    const offset = c.kind === 'truncate' ? c.offset : Math.max(0, sizeBefore - c.bytes);
    if (offset > sizeBefore) throw new RangeError(`${file}: truncation at ${offset} is past the end (${sizeBefore} bytes)`);
    const removed = Buffer.alloc(sizeBefore - offset);
    if (removed.length > 0) await fh.read(removed, 0, removed.length, offset);
    await fh.truncate(offset);
    await fh.sync();
    const info: NonNullable<CorruptionRecord['removed']> = { bytes: removed.length, sha256: createHash('sha256').update(removed).digest('hex') };
    if (removed.length <= HEX_LIMIT) info.hex = removed.toString('hex');
    else if (opts.saveTo) {
      await mkdir(opts.saveTo, { recursive: true });
      info.savedTo = path.join(opts.saveTo, `${c.file.replace(/\//g, '_')}.${offset}.removed`);
      await writeFile(info.savedTo, removed);
    }
    return {
      record: { file: c.file, kind: c.kind, sizeBefore, sizeAfter: offset, offset, removed: info },
      undo: async () => {
        const h = await open(file, 'r+');
        try {
          await h.truncate(offset);
          await h.write(removed, 0, removed.length, offset);
          await h.sync();
        } finally {
          await h.close();
        }
      },
    };
  } finally {
    await fh.close();
  }
}
