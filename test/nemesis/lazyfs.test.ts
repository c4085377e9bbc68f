import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Lazyfs, lazyfsMounts, mount, parseMounts, removeStaleMounts } from '../../nemesis/lazyfs.js';
import { mulberry32 } from '../../src/controller/random.js';
import { repoRoot } from '../support/fixtures.js';
import { FUSE } from '../support/fuse.js';

const dirs: string[] = [];
const mounted: Lazyfs[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'faultline-lazyfs-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const m of mounted.splice(0)) await m.unmount();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** a mount over <tmp>/data backed by <tmp>/backing */
async function layer(opts: Parameters<typeof mount>[2] = {}): Promise<{ fs: Lazyfs; dir: string; backing: string }> {
  const root = tmp();
  const backing = path.join(root, 'backing');
  const dir = path.join(root, 'data');
  const m = await mount(backing, dir, opts);
  mounted.push(m);
  return { fs: m, dir, backing };
}

/** a power cut, then the power back on (what a writer restarted after it sees) */
async function cutOn(m: Lazyfs, o?: Parameters<Lazyfs['cut']>[0]): Promise<Awaited<ReturnType<Lazyfs['cut']>>> {
  const report = await m.cut(o);
  await m.powerOn();
  return report;
}

function writeFile(file: string, data: Buffer, sync: 'fdatasync' | 'fsync' | 'none'): void {
  const fd = fs.openSync(file, 'a');
  fs.writeSync(fd, data);
  if (sync === 'fdatasync') fs.fdatasyncSync(fd);
  if (sync === 'fsync') fs.fsyncSync(fd);
  fs.closeSync(fd);
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

describe('parseMounts', () => {
  it('lists faultline-lazyfs mount points, unescaping /proc/mounts', () => {
    const text = [
      'proc /proc proc rw,nosuid 0 0',
      'faultline-lazyfs /tmp/a\\040b/data fuse.faultline-lazyfs rw,nosuid,nodev,relatime,user_id=0,group_id=0,default_permissions,allow_other 0 0',
      'bindfs /tmp/x fuse.bindfs rw 0 0',
    ].join('\n');
    expect(parseMounts(text)).toEqual(['/tmp/a b/data']);
  });
});

describe.runIf(FUSE)('faultline-lazyfs', () => {
  it('drops a write that was not fsynced, keeps one that was (fsync and fdatasync), and reports what it dropped', async () => {
    const { fs: m, dir, backing } = await layer();
    fsyncDir(dir); // the root exists already; make the creates below durable per file
    writeFile(path.join(dir, 'a'), Buffer.from('synced'), 'fdatasync');
    writeFile(path.join(dir, 'b'), Buffer.from('synced too'), 'fsync');
    fsyncDir(dir);
    writeFile(path.join(dir, 'a'), Buffer.from(' and lost'), 'none');
    writeFile(path.join(dir, 'c'), Buffer.from('never synced'), 'none');
    fsyncDir(dir); // c's name is durable, its data is not
    expect(readFileSync(path.join(dir, 'a'), 'utf8')).toBe('synced and lost');
    expect(fs.statSync(path.join(dir, 'a')).size).toBe(15);
    expect(readFileSync(path.join(backing, 'a'), 'utf8')).toBe('synced'); // the backing store holds only what is durable
    expect(await m.stats()).toMatchObject({ unsyncedFiles: 2, unsyncedBytes: 9 + 12 });

    const report = await cutOn(m);
    expect(report.unsyncedBytes).toBe(21);
    expect(report.files.map((f) => [f.path, f.unsyncedBytes, f.size, f.durableSize]).sort()).toEqual([
      ['/a', 9, 15, 6],
      ['/c', 12, 12, 0],
    ]);
    expect(report.torn).toBeNull();
    expect(readFileSync(path.join(dir, 'a'), 'utf8')).toBe('synced');
    expect(readFileSync(path.join(dir, 'b'), 'utf8')).toBe('synced too');
    expect(readFileSync(path.join(dir, 'c'), 'utf8')).toBe('');
    expect(await m.stats()).toMatchObject({ unsyncedFiles: 0, unsyncedBytes: 0 });
  });

  it('a torn cut keeps a prefix of the last unsynced write at its offset and drops the rest', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable' });
    const file = path.join(dir, 'wal');
    writeFile(file, Buffer.from('0123456789'), 'fdatasync');
    writeFile(file, Buffer.from('abcdefghij'), 'none');
    writeFile(file, Buffer.from('ABCDEFGHIJ'), 'none'); // the last unsynced write
    const report = await cutOn(m, { tear: 0.3 });
    expect(report.torn).toEqual({ path: '/wal', offset: 20, length: 10, kept: 3 });
    // the earlier unsynced write is gone: a hole of zeros, as a disk that wrote the last page first
    expect(readFileSync(file)).toEqual(Buffer.concat([Buffer.from('0123456789'), Buffer.alloc(10), Buffer.from('ABC')]));

    writeFile(file, Buffer.from('xyz'), 'none');
    const again = await cutOn(m, { tear: 0.99 });
    expect(again.torn?.kept).toBe(2); // never the whole write
    expect(readFileSync(file).subarray(23).toString()).toBe('xy');
  });

  it('matches a model of durable and current contents under random writes, truncates and syncs, then after a cut', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable' });
    for (let seed = 1; seed <= 30; seed++) {
      const rand = mulberry32(seed);
      const file = path.join(dir, `f${seed}`);
      const tear = seed % 3 === 0 ? 0.5 : undefined;
      let current = Buffer.alloc(0);
      let durable = Buffer.alloc(0);
      let last: { off: number; len: number } | null = null;
      let truncatedSince = false;
      const fd = fs.openSync(file, 'w+');
      for (let step = 0; step < 60; step++) {
        const r = rand();
        if (r < 0.6) {
          const off = Math.floor(rand() * (current.length + 3000));
          const data = randomBytes(1 + Math.floor(rand() * 5000));
          fs.writeSync(fd, data, 0, data.length, off);
          const next = Buffer.alloc(Math.max(current.length, off + data.length));
          current.copy(next);
          data.copy(next, off);
          current = next;
          last = { off, len: data.length };
          truncatedSince = false;
        } else if (r < 0.75) {
          const size = Math.floor(rand() * (current.length + 2000));
          if (rand() < 0.5) fs.ftruncateSync(fd, size);
          else fs.truncateSync(file, size);
          const next = Buffer.alloc(size);
          current.copy(next, 0, 0, Math.min(size, current.length));
          current = next;
          truncatedSince = true;
        } else if (r < 0.85) {
          fs.fdatasyncSync(fd);
          durable = Buffer.from(current);
          last = null;
        } else {
          expect(readFileSync(file).equals(current), `seed ${seed} step ${step}: read back`).toBe(true);
          expect(fs.fstatSync(fd).size).toBe(current.length);
        }
      }
      fs.closeSync(fd);
      const report = await cutOn(m, tear === undefined ? {} : { tear });
      let expected = durable;
      const t = report.torn;
      if (tear === undefined || last === null) expect(t).toBeNull();
      if (t) {
        // the kernel may split one write(2) into several FUSE writes (at a partly written page):
        // the torn one is the last piece, which ends where the application's write ends
        const end = Math.min(last!.off + last!.len, current.length);
        expect(t.offset).toBeGreaterThanOrEqual(last!.off);
        expect(t.offset + t.length).toBe(end);
        expect(t.kept).toBe(Math.min(t.length - 1, Math.max(1, Math.floor((tear as number) * t.length))));
        const next = Buffer.alloc(Math.max(durable.length, t.offset + t.kept));
        durable.copy(next);
        current.copy(next, t.offset, t.offset, t.offset + t.kept);
        expected = next;
      } else if (tear !== undefined && last !== null && !truncatedSince) {
        // nothing to keep of a 1-byte piece: the write was 1 byte, or its last piece began a page
        expect(last.len === 1 || (last.off + last.len) % 4096 === 1).toBe(true);
      }
      expect(readFileSync(file).equals(expected), `seed ${seed}: after the cut`).toBe(true);
    }
  });

  it('keeps concurrent writers apart: synced files survive whole, unsynced ones are dropped whole', async () => {
    const { fs: m, dir } = await layer();
    const files = Array.from({ length: 16 }, (_, i) => path.join(dir, `w${i}`));
    const chunks = files.map(() => Array.from({ length: 40 }, () => randomBytes(700)));
    await Promise.all(
      files.map(async (f, i) => {
        const h = await fs.promises.open(f, 'a');
        for (const c of chunks[i]) await h.write(c);
        if (i % 2 === 0) await h.datasync();
        await h.close();
      }),
    );
    fsyncDir(dir);
    const report = await cutOn(m);
    expect(report.files.length).toBe(8);
    expect(report.unsyncedBytes).toBe(8 * 40 * 700);
    files.forEach((f, i) => expect(readFileSync(f).equals(i % 2 === 0 ? Buffer.concat(chunks[i]) : Buffer.alloc(0)), f).toBe(true));
  });

  it('handles a large file: 48 MiB written back intact on fsync, and another 48 MiB dropped by the cut', async () => {
    const { fs: m, dir, backing } = await layer({ metadata: 'durable' });
    const file = path.join(dir, 'big');
    const data = randomBytes(48 << 20);
    const fd = fs.openSync(file, 'w');
    for (let off = 0; off < data.length; off += 1 << 20) fs.writeSync(fd, data, off, 1 << 20, off);
    fs.fsyncSync(fd);
    for (let off = 0; off < data.length; off += 1 << 20) fs.writeSync(fd, data, off, 1 << 20, data.length + off);
    fs.closeSync(fd);
    expect(fs.statSync(file).size).toBe(2 * data.length);
    expect(fs.statSync(path.join(backing, 'big')).size).toBe(data.length);
    const report = await cutOn(m);
    expect(report.unsyncedBytes).toBe(data.length);
    expect(readFileSync(file).equals(data)).toBe(true);
  });

  it('writes back past maxDirtyBytes, as the kernel would, and says so', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable', maxDirtyBytes: 1 << 20 });
    writeFile(path.join(dir, 'f'), randomBytes(3 << 19), 'none'); // 1.5 MiB
    expect((await m.stats()).writebacks).toBeGreaterThan(0);
    const report = await cutOn(m);
    expect(fs.statSync(path.join(dir, 'f')).size).toBe((3 << 19) - report.unsyncedBytes);
  });

  it('metadata=lazy: a create, rename or unlink is undone by a cut unless its directory was fsynced', async () => {
    const { fs: m, dir } = await layer();
    // durable: created, written, fsynced, directory fsynced
    writeFile(path.join(dir, 'kept'), Buffer.from('k'), 'fsync');
    writeFile(path.join(dir, 'snap'), Buffer.from('old'), 'fsync');
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.mkdirSync(path.join(dir, 'empty'));
    fsyncDir(dir);
    writeFile(path.join(dir, 'sub', 'inner'), Buffer.from('i'), 'fsync');
    fsyncDir(path.join(dir, 'sub'));
    // not durable from here on: data fsynced, the root directory never again
    writeFile(path.join(dir, 'orphan'), Buffer.from('o'), 'fsync');
    writeFile(path.join(dir, 'snap.tmp'), Buffer.from('new'), 'fsync'); // write-to-temp + rename over an existing file
    fs.renameSync(path.join(dir, 'snap.tmp'), path.join(dir, 'snap'));
    fs.unlinkSync(path.join(dir, 'kept'));
    fs.rmdirSync(path.join(dir, 'empty'));
    expect(fs.readdirSync(dir).sort()).toEqual(['orphan', 'snap', 'sub']);
    expect(readFileSync(path.join(dir, 'snap'), 'utf8')).toBe('new');

    const report = await cutOn(m);
    expect(report.namespace.map((o) => `${o.op} ${o.path}${o.to ? ` ${o.to}` : ''}`)).toEqual([
      'rmdir /empty',
      'unlink /kept',
      'rename /snap.tmp /snap',
      'create /snap.tmp',
      'create /orphan',
    ]);
    expect(report.namespace.every((o) => o.error === undefined)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['empty', 'kept', 'snap', 'sub']);
    expect(readFileSync(path.join(dir, 'snap'), 'utf8')).toBe('old');
    expect(readFileSync(path.join(dir, 'kept'), 'utf8')).toBe('k');
    expect(readFileSync(path.join(dir, 'sub', 'inner'), 'utf8')).toBe('i');
  }, 30_000);

  it('metadata=lazy: the same rename is kept once the directory is fsynced; the replaced file is gone', async () => {
    const { fs: m, dir } = await layer();
    writeFile(path.join(dir, 'snap'), Buffer.from('old'), 'fsync');
    writeFile(path.join(dir, 'snap.tmp'), Buffer.from('new'), 'fsync');
    fs.renameSync(path.join(dir, 'snap.tmp'), path.join(dir, 'snap'));
    fsyncDir(dir);
    expect((await m.stats()).pendingNamespace).toBe(0);
    const report = await cutOn(m);
    expect(report.namespace).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['snap']);
    expect(readFileSync(path.join(dir, 'snap'), 'utf8')).toBe('new');
  });

  it('metadata=lazy: a change older than the writeback age is kept without the fsync, as a journal commit would; a newer one is undone', async () => {
    const { fs: m, dir } = await layer({ metadataWritebackMs: 400 });
    fs.mkdirSync(path.join(dir, 'old'));
    writeFile(path.join(dir, 'old', 'f'), Buffer.from('o'), 'fsync');
    await new Promise((r) => setTimeout(r, 600));
    expect((await m.stats()).pendingNamespace).toBe(0); // committed by age
    writeFile(path.join(dir, 'new'), Buffer.from('n'), 'fsync');
    const report = await cutOn(m);
    expect(report.namespace.map((o) => `${o.op} ${o.path}`)).toEqual(['create /new']);
    expect(fs.readdirSync(dir)).toEqual(['old']);
    expect(readFileSync(path.join(dir, 'old', 'f'), 'utf8')).toBe('o');
  });

  it('metadata=durable: namespace changes survive a cut (LazyFS), data still does not', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable' });
    writeFile(path.join(dir, 'x'), Buffer.from('data'), 'none');
    fs.mkdirSync(path.join(dir, 'd'));
    const report = await cutOn(m);
    expect(report.namespace).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(['d', 'x']);
    expect(readFileSync(path.join(dir, 'x'), 'utf8')).toBe('');
  });

  it('an O_DSYNC handle makes each write durable as it returns', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable' });
    const fd = fs.openSync(path.join(dir, 's'), fs.constants.O_CREAT | fs.constants.O_WRONLY | fs.constants.O_DSYNC);
    fs.writeSync(fd, 'durable');
    fs.closeSync(fd);
    await cutOn(m);
    expect(readFileSync(path.join(dir, 's'), 'utf8')).toBe('durable');
  });

  it('mounts over its own backing directory; after unmount the durable files are where they were', async () => {
    const root = tmp();
    const dir = path.join(root, 'data');
    fs.mkdirSync(dir);
    writeFileSync(path.join(dir, 'before'), 'was here');
    const m = await mount(dir, dir);
    mounted.push(m);
    expect(readFileSync(path.join(dir, 'before'), 'utf8')).toBe('was here');
    writeFile(path.join(dir, 'new'), Buffer.from('written'), 'none');
    expect(fs.readdirSync(dir).sort()).toEqual(['before', 'new']); // the trash directory is hidden
    await m.unmount(); // a clean unmount writes back what is unsynced: no power was lost
    expect(lazyfsMounts()).not.toContain(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['before', 'new']);
    expect(readFileSync(path.join(dir, 'new'), 'utf8')).toBe('written');
  });

  it('after a cut every operation fails with EIO until the power is back on', async () => {
    const { fs: m, dir } = await layer();
    const file = path.join(dir, 'f');
    writeFile(file, Buffer.from('kept'), 'fsync');
    fsyncDir(dir);
    const fd = fs.openSync(file, 'a');
    fs.writeSync(fd, 'lost');
    await m.cut();
    expect((await m.stats()).powered).toBe(false);
    expect(() => fs.writeSync(fd, 'after the cut')).toThrow(/EIO/);
    expect(() => fs.fdatasyncSync(fd)).toThrow(/EIO/);
    expect(() => readFileSync(file)).toThrow(/EIO/);
    expect(() => fs.mkdirSync(path.join(dir, 'd'))).toThrow(/EIO/);
    fs.closeSync(fd); // closing still works: a dying process closes everything
    await m.powerOn();
    expect(readFileSync(file, 'utf8')).toBe('kept');
    expect(fs.readdirSync(dir)).toEqual(['f']);
  });

  it('an fsync in progress at the cut is undone and fails; one that completed is kept (checked on every interleaving seen)', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable' });
    const outcomes = { undone: 0, before: 0, after: 0 };
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, `big${i}`);
      const data = randomBytes(24 << 20);
      writeFile(file, Buffer.from('base'), 'fsync');
      const h = await fs.promises.open(file, 'a');
      await h.write(data);
      const sync = h.datasync().then(
        () => 'ok',
        (e: NodeJS.ErrnoException) => e.code,
      );
      await new Promise((r) => setTimeout(r, 2)); // the fsync is on its way or under way
      const report = await m.cut();
      const result = await sync;
      await h.close();
      await m.powerOn();
      const now = readFileSync(file);
      if (result === 'ok') {
        // it completed before the power failed: all of it is durable
        expect(now.length).toBe(4 + data.length);
        outcomes.after++;
      } else {
        expect(result).toBe('EIO');
        expect(now.toString()).toBe('base'); // nothing of it survived
        if (report.syncsInterrupted > 0) {
          expect(report.interrupted).toEqual([{ path: `/big${i}`, bytes: data.length }]);
          outcomes.undone++;
        } else outcomes.before++;
      }
    }
    // a 24 MiB fsync takes long enough that the cut lands inside it on this machine
    expect(outcomes.undone, JSON.stringify(outcomes)).toBeGreaterThan(0);
  });

  it('at-sync: the cut lands as an fsync of unsynced data is about to return; that fsync fails and its data is gone', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable', syncDelayMs: 20 });
    const file = path.join(dir, 'wal');
    writeFile(file, Buffer.from('base'), 'fsync');
    const cut = m.cut({ atSyncMs: 10_000 }); // armed: nothing is cut until an fsync comes (the helper answers nothing else meanwhile)
    await new Promise((r) => setTimeout(r, 100));
    const h = await fs.promises.open(file, 'a');
    await h.write(Buffer.from('acked-before-fsync')); // the power is still on
    writeFile(path.join(dir, 'other'), Buffer.from('unsynced'), 'none'); // a write is no fsync: it does not fire the cut
    const sync = await h.datasync().then(
      () => 'ok',
      (e: NodeJS.ErrnoException) => e.code,
    );
    const report = await cut;
    await h.close();
    await m.powerOn();
    expect(sync).toBe('EIO');
    expect(report.atSync).toBe(true);
    expect(report.waitedMs).toBeGreaterThanOrEqual(100);
    expect(report.interrupted).toEqual([{ path: '/wal', bytes: 'acked-before-fsync'.length }]);
    expect(readFileSync(file, 'utf8')).toBe('base');
  });

  it('at-sync: with no fsync within the wait, it cuts anyway and says so; a bad wait is refused', async () => {
    const { fs: m, dir } = await layer({ metadata: 'durable' });
    const file = path.join(dir, 'f');
    writeFile(file, Buffer.from('kept'), 'fsync');
    writeFile(file, Buffer.from('-lost'), 'none');
    const report = await cutOn(m, { atSyncMs: 150, tear: 0.5 });
    expect(report.atSync).toBe(false);
    expect(report.waitedMs).toBeGreaterThanOrEqual(140);
    expect(report.unsyncedBytes).toBe(5);
    expect(report.torn?.kept).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('kept-l');
    await expect(m.cut({ atSyncMs: 1.5 })).rejects.toThrow(RangeError);
    expect((await m.stats()).powered).toBe(true);
  });

  it('rejects a tear outside (0, 1)', async () => {
    const { fs: m } = await layer();
    await expect(m.cut({ tear: 1 })).rejects.toThrow(RangeError);
  });
});

describe.runIf(FUSE)('faultline-lazyfs teardown leaves nothing in /proc/mounts', () => {
  /** a controller-like process that mounts, prints READY and waits */
  function controller(mountpoint: string, onSignal: 'unmount' | 'none'): ReturnType<typeof spawn> {
    const script = path.join(tmp(), 'ctl.mts');
    writeFileSync(
      script,
      `import { mount } from ${JSON.stringify(path.join(repoRoot, 'nemesis/lazyfs.ts'))};
const m = await mount(${JSON.stringify(`${mountpoint}.backing`)}, ${JSON.stringify(mountpoint)});
${onSignal === 'unmount' ? "for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => void m.unmount().then(() => process.exit(130)));" : ''}
console.log('READY');
setInterval(() => {}, 1000);`,
    );
    return spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  }

  async function ready(child: ReturnType<typeof spawn>): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d) => String(d).includes('READY') && resolve());
      child.once('exit', (code) => reject(new Error(`controller exited ${code}`)));
    });
  }

  async function gone(mountpoint: string): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (!lazyfsMounts().includes(mountpoint)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  for (const [how, signal, handler] of [
    ['SIGINT, unmounting in its handler', 'SIGINT', 'unmount'],
    ['SIGTERM, unmounting in its handler', 'SIGTERM', 'unmount'],
    ['SIGTERM with no handler (the helper sees its stdin close)', 'SIGTERM', 'none'],
    ['SIGKILL (the helper is signalled by the kernel when its parent dies)', 'SIGKILL', 'none'],
  ] as const) {
    it(`a controller ended by ${how}`, async () => {
      const mp = path.join(tmp(), 'data');
      const child = controller(mp, handler);
      await ready(child);
      expect(lazyfsMounts()).toContain(mp);
      child.kill(signal);
      expect(await gone(mp)).toBe(true);
    });
  }

  it('a SIGKILLed helper leaves a dead mount that unmount() and removeStaleMounts() detach', async () => {
    const { fs: m, dir } = await layer();
    process.kill(m.pid, 'SIGKILL');
    for (let i = 0; i < 50 && fs.existsSync(`/proc/${m.pid}`); i++) await new Promise((r) => setTimeout(r, 20));
    expect(lazyfsMounts()).toContain(dir);
    expect(await removeStaleMounts()).toContain(dir);
    expect(lazyfsMounts()).not.toContain(dir);
    await m.unmount(); // idempotent
  });
});
