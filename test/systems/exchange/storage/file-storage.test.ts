import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Entry } from '../../../../systems/exchange/raft/types.js';
import { FileStorage, StorageCorruptError } from '../../../../systems/exchange/storage/file-storage.js';
import { decodeHeader, WAL_HEADER } from '../../../../systems/exchange/storage/wal-header.js';
import { repoRoot } from '../../../support/fixtures.js';
import { setMark } from './wal-files.js';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'faultline-wal-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const entry = (index: number, term = 1, data = `cmd${index}`): Entry => ({ index, term, kind: 'command', data });

async function fresh(dir: string): Promise<FileStorage> {
  const s = new FileStorage(dir);
  await s.load();
  return s;
}

describe('FileStorage', () => {
  it('round-trips entries, hard state and truncations across reopen', async () => {
    const dir = tmp();
    const s = await fresh(dir);
    await s.persist({ entries: [entry(1), entry(2), entry(3)], hardState: { term: 1, vote: 'n1', commit: 1 } });
    await s.persist({ truncateFrom: 3, entries: [entry(3, 2, 'new3'), entry(4, 2)], hardState: { term: 2, vote: null, commit: 2 } });
    await s.close();
    const state = await new FileStorage(dir).load();
    expect(state.hardState).toEqual({ term: 2, vote: null, commit: 2 });
    expect(state.entries.map((e) => `${e.index}/${e.term}/${e.data}`)).toEqual(['1/1/cmd1', '2/1/cmd2', '3/2/new3', '4/2/cmd4']);
  });

  it('group-commits concurrent persists and resolves them in order', async () => {
    const s = await fresh(tmp());
    const order: number[] = [];
    let fsyncs = 0;
    const batches: number[] = [];
    const g = new FileStorage(tmp(), { onFsync: (_ms, n) => (fsyncs++, batches.push(n)) });
    await g.load();
    await Promise.all(Array.from({ length: 50 }, (_, i) => g.persist({ entries: [entry(i + 1)] }).then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(fsyncs).toBeLessThan(50); // fewer fsyncs than persists: they were batched
    expect(batches.reduce((a, b) => a + b, 0)).toBe(50);
    await g.close();
    await s.close();
  });

  it('drops a torn tail at every byte offset of a last record the durable mark does not cover, and keeps the rest', async () => {
    const dir = tmp();
    const s = await fresh(dir);
    await s.persist({ entries: [entry(1), entry(2)] });
    const before = statSync(s.walFile).size;
    await s.persist({ entries: [entry(3)] });
    await s.close();
    const whole = readFileSync(s.walFile);
    for (let cut = before; cut < whole.length; cut++) {
      // the crash came before the mark caught up with record 3: it may be a torn write
      writeFileSync(s.walFile, whole.subarray(0, cut));
      setMark(s.walFile, before);
      const torn: number[] = [];
      const state = await new FileStorage(dir, { onTornTail: (_f, off) => torn.push(off) }).load();
      expect(
        state.entries.map((e) => e.index),
        `cut at ${cut}`,
      ).toEqual([1, 2]);
      if (cut > before) expect(torn).toEqual([before]);
      expect(statSync(s.walFile).size).toBe(before); // truncated on disk too
    }
  });

  it('an idle storage fsyncs its durable mark up to everything it acknowledged', async () => {
    const dir = tmp();
    const s = await fresh(dir);
    await s.persist({ entries: [entry(1)] });
    await s.persist({ entries: [entry(2)] });
    await s.close();
    const h = decodeHeader(readFileSync(s.walFile));
    expect(h.ok && h.header.mark).toBe(statSync(s.walFile).size);
  });

  it('truncates a last record past the mark whose checksum is wrong', async () => {
    const dir = tmp();
    const s = await fresh(dir);
    await s.persist({ entries: [entry(1)] });
    const before = statSync(s.walFile).size;
    await s.persist({ entries: [entry(2)] });
    await s.close();
    const buf = readFileSync(s.walFile);
    buf[buf.length - 2] ^= 0x10;
    writeFileSync(s.walFile, buf);
    setMark(s.walFile, before);
    const state = await new FileStorage(dir).load();
    expect(state.entries.map((e) => e.index)).toEqual([1]);
  });

  it('refuses a damaged record that valid records follow', async () => {
    const dir = tmp();
    const s = await fresh(dir);
    await s.persist({ entries: [entry(1)] });
    await s.persist({ entries: [entry(2)] });
    await s.close();
    const buf = readFileSync(s.walFile);
    buf[WAL_HEADER + 12] ^= 0x01; // inside the first record's payload
    writeFileSync(s.walFile, buf);
    setMark(s.walFile, WAL_HEADER); // whatever the mark says
    await expect(new FileStorage(dir).load()).rejects.toThrow(StorageCorruptError);
    await expect(new FileStorage(dir).load()).rejects.toThrow(/wal.log: byte 64: checksum mismatch, with more records after it; refusing to start/);
  });

  it('saves a snapshot, compacts the log and reloads both', async () => {
    const dir = tmp();
    const s = await fresh(dir);
    await s.persist({ entries: [1, 2, 3, 4, 5].map((i) => entry(i)), hardState: { term: 1, vote: 'n2', commit: 4 } });
    await s.saveSnapshot({ meta: { index: 3, term: 1, peers: ['n1', 'n2', 'n3'] }, data: new Uint8Array([7, 8, 9]) });
    await s.persist({ entries: [entry(6)] });
    await s.close();
    const state = await new FileStorage(dir).load();
    expect(state.snapshot?.meta).toEqual({ index: 3, term: 1, peers: ['n1', 'n2', 'n3'] });
    expect([...(state.snapshot?.data ?? [])]).toEqual([7, 8, 9]);
    expect(state.entries.map((e) => e.index)).toEqual([4, 5, 6]);
    expect(state.hardState.commit).toBe(4);
  });

  it('keeps everything acknowledged when the writing process is killed with SIGKILL', async () => {
    const dir = tmp();
    const script = path.join(dir, 'writer.mts');
    writeFileSync(
      script,
      `import { FileStorage } from ${JSON.stringify(path.join(repoRoot, 'systems/exchange/storage/file-storage.ts'))};
const s = new FileStorage(${JSON.stringify(path.join(dir, 'data'))});
await s.load();
for (let i = 1; ; i++) {
  await s.persist({ entries: [{ index: i, term: 1, kind: 'command', data: 'x'.repeat(i % 300) }] });
  process.stdout.write(i + '\\n');
}`,
    );
    const acked = await new Promise<number>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot });
      let last = 0;
      child.stdout?.on('data', (d: string) => {
        const nums = String(d).trim().split('\n').map(Number).filter(Number.isFinite);
        if (nums.length > 0) last = nums[nums.length - 1];
        if (last >= 300) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve(last));
    });
    expect(acked).toBeGreaterThanOrEqual(300);
    const state = await new FileStorage(path.join(dir, 'data')).load();
    expect(state.entries.length).toBeGreaterThanOrEqual(acked);
    state.entries.forEach((e, i) => expect(e.index).toBe(i + 1));
  });
});

describe('crc32', () => {
  it('matches the table implementation and the IEEE check value', async () => {
    const { crc32, crc32Table } = await import('../../../../systems/exchange/storage/crc32.js');
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
    const buf = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) & 0xff));
    for (const [s, e] of [
      [0, 3000],
      [9, 2000],
      [100, 100],
      [5, 6],
    ])
      expect(crc32(buf, s, e)).toBe(crc32Table(buf, s, e));
  });
});

describe('FileStorage snapshots while persisting', () => {
  it('rewrites a large WAL without the covered entries; persists issued meanwhile resolve and survive', async () => {
    const dir = tmp();
    const s = new FileStorage(dir, {}, { rewriteBytes: 0 }); // rewrite on every snapshot
    await s.load();
    await s.persist({ entries: Array.from({ length: 50 }, (_, i) => entry(i + 1)), hardState: { term: 1, vote: 'n1', commit: 40 } });
    const before = statSync(s.walFile).size;
    const snap = s.saveSnapshot({ meta: { index: 40, term: 1, peers: ['n1'] }, data: new Uint8Array([1]) });
    const during = [
      s.persist({ entries: [entry(51)] }),
      s.persist({ truncateFrom: 51, entries: [entry(51, 2, 'b51'), entry(52, 2)], hardState: { term: 2, vote: null, commit: 50 } }),
    ];
    await Promise.all([snap, ...during]);
    const after = [s.persist({ entries: [entry(53, 2)] })];
    await Promise.all(after);
    await s.close();
    expect(statSync(s.walFile).size).toBeLessThan(before);
    const state = await new FileStorage(dir).load();
    expect(state.snapshot?.meta.index).toBe(40);
    expect(state.entries.map((e) => `${e.index}/${e.term}/${e.data}`)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `${41 + i}/1/cmd${41 + i}`),
      '51/2/b51',
      '52/2/cmd52',
      '53/2/cmd53',
    ]);
    expect(state.hardState).toEqual({ term: 2, vote: null, commit: 50 });
  });

  it('keeps a small WAL as it is: recovery skips the entries a snapshot covers', async () => {
    const dir = tmp();
    const s = await fresh(dir);
    await s.persist({ entries: Array.from({ length: 10 }, (_, i) => entry(i + 1)) });
    const before = statSync(s.walFile).size;
    await Promise.all([s.saveSnapshot({ meta: { index: 4, term: 1, peers: ['n1'] }, data: new Uint8Array([4]) }), s.persist({ entries: [entry(11)] })]);
    await s.saveSnapshot({ meta: { index: 8, term: 1, peers: ['n1'] }, data: new Uint8Array([8]) });
    await s.persist({ truncateFrom: 10, entries: [entry(10, 3, 'x10')] });
    await s.close();
    expect(statSync(s.walFile).size).toBeGreaterThan(before);
    const state = await new FileStorage(dir).load();
    expect(state.snapshot?.meta.index).toBe(8);
    expect([...(state.snapshot?.data ?? [])]).toEqual([8]);
    expect(state.entries.map((e) => `${e.index}/${e.term}`)).toEqual(['9/1', '10/3']);
  });
});
