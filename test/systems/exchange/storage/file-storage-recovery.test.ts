import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyCorruption } from '../../../../nemesis/corrupt.js';
import type { Entry } from '../../../../systems/exchange/raft/types.js';
import { FileStorage, StorageCorruptError } from '../../../../systems/exchange/storage/file-storage.js';
import { encode } from '../../../../systems/exchange/storage/records.js';
import { encodeHeader, slotOffset, WAL_HEADER } from '../../../../systems/exchange/storage/wal-header.js';
import { setMark } from './wal-files.js';

/**
 * What the node does with each damage the `corrupt` fault (nemesis/corrupt.ts)
 * can do to its data directory while it is down: refuse to start, naming the file,
 * the byte and why, whenever data it had acknowledged may be gone; drop only a torn
 * tail the durable mark says was never acknowledged.
 */
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'faultline-recovery-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (index: number, term = 1): Entry => ({ index, term, kind: 'command', data: `{"cmd":${index}}` });

/** a data directory with entries 1..n acknowledged (each persist resolved) and a vote, storage closed */
async function acknowledged(
  n: number,
  opts: { snapshotAt?: number; rewriteBytes?: number } = {},
): Promise<{ dir: string; wal: string; snap: string; recordStarts: number[] }> {
  const dir = tmp();
  const s = new FileStorage(dir, {}, { rewriteBytes: opts.rewriteBytes });
  await s.load();
  const recordStarts: number[] = [];
  for (let i = 1; i <= n; i++) {
    recordStarts.push(statSync(s.walFile).size);
    await s.persist({ entries: [entry(i)], hardState: { term: 1, vote: 'n2', commit: i - 1 } });
    if (opts.snapshotAt === i) await s.saveSnapshot({ meta: { index: i, term: 1, peers: ['n1', 'n2', 'n3'] }, data: new Uint8Array([1, 2, 3]) });
  }
  await s.close();
  return { dir, wal: s.walFile, snap: s.snapshotFile, recordStarts };
}

const load = (dir: string) => new FileStorage(dir).load();
const refuses = (dir: string, pattern: RegExp) => expect(load(dir)).rejects.toThrow(pattern);

describe('FileStorage recovery from a corrupted data directory', () => {
  it('a bit flipped in an acknowledged record: refuses, naming the file and byte', async () => {
    const { dir, recordStarts } = await acknowledged(10);
    const at = recordStarts[4] + 20;
    await applyCorruption(dir, { kind: 'bitflip', file: 'wal.log', flips: [{ offset: at, bit: 3 }] });
    await expect(load(dir)).rejects.toThrow(StorageCorruptError);
    await refuses(dir, new RegExp(`wal.log: byte ${recordStarts[4]}: checksum mismatch, with more records after it; refusing to start`));
  });

  it('a bit flipped in the last acknowledged record (the mark covers it): refuses', async () => {
    const { dir, wal } = await acknowledged(5);
    const last = statSync(wal).size - encode({ type: 'hard', hard: { term: 1, vote: 'n2', commit: 4 } }).length; // the last group ends with its hard state
    await applyCorruption(dir, { kind: 'bitflip', file: 'wal.log', flips: [{ offset: statSync(wal).size - 3, bit: 0 }] });
    await refuses(dir, new RegExp(`byte ${last}: checksum mismatch before the durable mark`));
  });

  it('the term and vote record damaged: refuses (a node that forgot its vote could vote twice in a term)', async () => {
    const dir = tmp();
    const s = new FileStorage(dir);
    await s.load();
    await s.persist({ entries: [entry(1)] });
    const at = statSync(s.walFile).size;
    await s.persist({ entries: [], hardState: { term: 7, vote: 'n3', commit: 1 } });
    await s.close();
    await applyCorruption(dir, { kind: 'bitflip', file: 'wal.log', flips: [{ offset: at + 12, bit: 1 }] });
    await refuses(dir, new RegExp(`byte ${at}: checksum mismatch before the durable mark`));
  });

  it('the tail of the log removed (acknowledged records, mid-record): refuses', async () => {
    for (const bytes of [1, 7, 30, 200]) {
      const { dir } = await acknowledged(8);
      await applyCorruption(dir, { kind: 'tail', file: 'wal.log', bytes });
      await refuses(dir, /(incomplete record|impossible record length \d+|checksum mismatch) before the durable mark|ends before its durable mark/);
    }
  });

  it('the log truncated in the middle, even exactly at a record boundary: refuses', async () => {
    const { dir, recordStarts } = await acknowledged(10);
    await applyCorruption(dir, { kind: 'truncate', file: 'wal.log', offset: recordStarts[6] });
    await refuses(dir, new RegExp(`byte ${recordStarts[6]}: the log ends before its durable mark`));
    const again = await acknowledged(10);
    await applyCorruption(again.dir, { kind: 'truncate', file: 'wal.log', offset: again.recordStarts[3] + 5 });
    await refuses(again.dir, /incomplete record before the durable mark/);
  });

  it('the log truncated into its header, or its header damaged: refuses; one damaged mark slot is survivable', async () => {
    const a = await acknowledged(3);
    await applyCorruption(a.dir, { kind: 'truncate', file: 'wal.log', offset: 20 });
    await refuses(a.dir, /byte 0: the file is 20 bytes, shorter than its 64-byte header/);
    const b = await acknowledged(3);
    await applyCorruption(b.dir, { kind: 'bitflip', file: 'wal.log', flips: [{ offset: 2, bit: 0 }] });
    await refuses(b.dir, /bad magic/);
    const c = await acknowledged(3);
    const buf = readFileSync(c.wal);
    const seq = buf.readUInt32LE(slotOffset(0)) > buf.readUInt32LE(slotOffset(1)) ? 0 : 1; // the newest slot
    await applyCorruption(c.dir, { kind: 'bitflip', file: 'wal.log', flips: [{ offset: slotOffset(seq) + 5, bit: 2 }] });
    expect((await load(c.dir)).entries.map((e) => e.index)).toEqual([1, 2, 3]); // the other slot's older mark
    await applyCorruption(c.dir, { kind: 'bitflip', file: 'wal.log', flips: [{ offset: slotOffset(seq + 1) + 5, bit: 2 }] });
    await refuses(c.dir, /both durable-mark slots are damaged/);
  });

  it('a torn tail past the mark (the last group, written when the node crashed): dropped, the rest kept', async () => {
    const { dir, wal, recordStarts } = await acknowledged(6);
    setMark(wal, recordStarts[5]); // the mark had not caught up with the last group yet
    await applyCorruption(dir, { kind: 'tail', file: 'wal.log', bytes: statSync(wal).size - recordStarts[5] - 3 });
    const state = await load(dir);
    expect(state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    expect(statSync(wal).size).toBe(recordStarts[5]);
  });

  it('the snapshot damaged, truncated or removed while the log depends on it: refuses', async () => {
    const opts = { snapshotAt: 6, rewriteBytes: 0 }; // the WAL is rewritten from the snapshot on: it starts at entry 7
    const a = await acknowledged(9, opts);
    await applyCorruption(a.dir, { kind: 'bitflip', file: 'snapshot.bin', flips: [{ offset: 14, bit: 6 }] });
    await refuses(a.dir, /snapshot.bin: byte 4: snapshot checksum mismatch/);
    const b = await acknowledged(9, opts);
    await applyCorruption(b.dir, { kind: 'tail', file: 'snapshot.bin', bytes: 2 });
    await refuses(b.dir, /snapshot.bin: byte 0: the snapshot is \d+ bytes, its header says \d+/);
    const c = await acknowledged(9, opts);
    unlinkSync(c.snap);
    await refuses(c.dir, /the WAL follows a snapshot at index 6, but .*snapshot.bin is missing/);
  });

  it('the snapshot removed while the log still holds every entry: recovers from the log alone', async () => {
    const { dir, snap } = await acknowledged(9, { snapshotAt: 6 }); // a small WAL is not rewritten
    unlinkSync(snap);
    const state = await load(dir);
    expect(state.snapshot).toBeNull();
    expect(state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('the WAL removed beside a snapshot: refuses', async () => {
    const { dir, wal } = await acknowledged(4, { snapshotAt: 2 });
    unlinkSync(wal);
    await refuses(dir, /wal.log: byte 0: the WAL is missing beside a snapshot at index 2/);
    expect(existsSync(wal)).toBe(false); // and it made no empty one
  });

  it('entries with a gap, or a commit index past the end of the log: refuses', async () => {
    const gap = tmp();
    const body = Buffer.concat([encode({ type: 'entries', entries: [entry(1), entry(2)] }), encode({ type: 'entries', entries: [entry(5)] })]);
    writeFileSync(path.join(gap, 'wal.log'), Buffer.concat([encodeHeader(0, WAL_HEADER + body.length), body]));
    await refuses(gap, /entry 5 follows entry 2: entries 3..4 are missing/);
    const commit = tmp();
    const b2 = Buffer.concat([encode({ type: 'entries', entries: [entry(1), entry(2)] }), encode({ type: 'hard', hard: { term: 1, vote: null, commit: 4 } })]);
    writeFileSync(path.join(commit, 'wal.log'), Buffer.concat([encodeHeader(0, WAL_HEADER + b2.length), b2]));
    await refuses(commit, /entries up to 4 are committed, but the log ends at 2/);
  });

  it('a fresh data directory gets a WAL with a header at once', async () => {
    const dir = tmp();
    const s = new FileStorage(dir);
    expect((await s.load()).entries).toEqual([]);
    await s.close();
    expect(readFileSync(path.join(dir, 'wal.log')).equals(encodeHeader(0, WAL_HEADER))).toBe(true);
  });
});

describe('FileStorage fsync modes (two are planted bugs)', () => {
  async function events(mode: 'before-ack' | 'after-ack' | 'never'): Promise<string[]> {
    const log: string[] = [];
    const s = new FileStorage(tmp(), { onFsync: () => log.push('fsync') }, { fsync: mode });
    await s.load();
    await s.persist({ entries: [entry(1)] }).then(() => log.push('ack'));
    await s.close();
    return log;
  }

  it('before-ack claims a write once fsynced; after-ack before; never without any fsync', async () => {
    expect(await events('before-ack')).toEqual(['fsync', 'ack']);
    expect(await events('after-ack')).toEqual(['ack', 'fsync']);
    expect(await events('never')).toEqual(['ack']);
  });
});
