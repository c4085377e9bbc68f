import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { EnvironmentError } from '../src/util/errors.js';
import { nativeBinary } from './native.js';

/**
 * The power-cut mechanism: a FUSE layer (nemesis/native/lazyfs.c) mounted over a
 * directory that keeps written-but-unsynced data apart and drops it on a cut, for
 * any program writing there (ours or not), with no help from it and no privilege
 * in its container.
 *
 *   const fs = await mount(backing, mountpoint);   // before the writer starts
 *   const report = await cut(fs, { tear: 0.5 });    // the power fails: what was lost; all I/O fails from now on
 *   ... kill -9 the writer ...
 *   await powerOn(fs);
 *   ... restart the writer on the same mountpoint ...
 *   await unmount(fs);
 *
 * The cut comes before the kill, as in a real outage: killing first would let every
 * fsync already in flight complete (the kernel does not let a process die with a
 * FUSE request outstanding) and hide a program that acknowledges before its fsync
 * completes. The cut is atomic: every write, fsync and namespace change happened
 * wholly before it, or fails with EIO; an fsync still in progress is undone and
 * fails.
 *
 * The helper process lives as long as the mount and dies with this process (its
 * stdin closes, and the kernel signals it when its parent dies): a dead controller
 * leaves no mount behind. A container sees the mount when it is started after the
 * mount is made (Docker binds what is mounted at the host path when the container
 * starts, including a restart).
 */
export type MetadataModel = 'lazy' | 'durable';

export interface LazyfsOptions {
  /**
   * lazy (default, POSIX): a create, rename, link or unlink is durable once the
   * directory holding it has been fsynced, and a cut undoes it until then;
   * durable: at once, as LazyFS does.
   */
  metadata?: MetadataModel;
  /**
   * lazy metadata: a change older than this many ms is durable without a directory fsync, as
   * a journaling file system commits metadata every few seconds (ext4: 5 s). Default 5000; 0:
   * only the fsync (a change made at start-up stays undoable for ever, which no real disk does).
   */
  metadataWritebackMs?: number;
  /** unsynced bytes held before the file being written is written back, as the kernel does under memory pressure (default 512 MiB) */
  maxDirtyBytes?: number;
  /** a slow disk: every fsync takes at least this long, and a cut meanwhile undoes it (default 0) */
  syncDelayMs?: number;
}

export interface CutOptions {
  /** keep this fraction (0 < tear < 1) of the last unsynced write, at its offset: a torn write; absent: drop it too */
  tear?: number;
  /**
   * wait up to this many ms for the next fsync of unsynced data to be about to return,
   * and cut there (then anyway): where an acknowledgement sent before the fsync
   * completes covers the most that is not durable
   */
  atSyncMs?: number;
}

export interface CutFile {
  /** path inside the mount (or the helper's trash for a file unlinked meanwhile) */
  path: string;
  unsyncedBytes: number;
  /** size the writer saw, and the size the file is back to */
  size: number;
  durableSize: number;
}

export interface CutReport {
  files: CutFile[];
  unsyncedBytes: number;
  unsyncedFiles: number;
  /** fsyncs in progress at the cut, undone (they fail with EIO): how many, and the bytes each was making durable */
  syncsInterrupted: number;
  interrupted: { path: string; bytes: number }[];
  /** the last unsynced write, of which `kept` bytes survived */
  torn: { path: string; offset: number; length: number; kept: number; error?: string } | null;
  /** with atSyncMs: whether an fsync was about to return at the cut, and how long the cut waited for one */
  atSync?: boolean;
  waitedMs?: number;
  /** namespace changes undone, newest first */
  namespace: { op: 'create' | 'unlink' | 'rmdir' | 'rename'; path: string; to?: string; error?: string }[];
}

export interface LazyfsStats {
  unsyncedFiles: number;
  unsyncedBytes: number;
  pendingNamespace: number;
  writebacks: number;
  /** false from a cut until powerOn() */
  powered: boolean;
}

export const FSTYPE = 'fuse.faultline-lazyfs';
const MOUNT_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 10_000;
const run = promisify(execFile);

const live = new Set<Lazyfs>();
let exitHook = false;

export class Lazyfs {
  private readonly waiting: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  private readonly stderr: string[] = [];
  private exited: Promise<number | null>;
  private gone = false;

  private constructor(
    readonly backing: string,
    readonly mountpoint: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr.on('data', (d) => this.stderr.push(String(d)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w.resolve(JSON.parse(line));
      } catch {
        w.reject(new EnvironmentError('E_LAZYFS', `faultline-lazyfs on ${mountpoint} answered ${JSON.stringify(line)}`));
      }
    });
    void this.exited.then((code) => {
      this.gone = true;
      live.delete(this);
      for (const w of this.waiting.splice(0))
        w.reject(new EnvironmentError('E_LAZYFS', `faultline-lazyfs on ${mountpoint} exited (${code}): ${this.stderr.join('').trim()}`));
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Mounts the layer over `mountpoint` (created if missing), backed by `backing` (which may be the same directory). */
  static async mount(backing: string, mountpoint: string, opts: LazyfsOptions = {}): Promise<Lazyfs> {
    const binary = nativeBinary('lazyfs');
    mkdirSync(backing, { recursive: true });
    mkdirSync(mountpoint, { recursive: true });
    const args = [path.resolve(backing), path.resolve(mountpoint), '--metadata', opts.metadata ?? 'lazy'];
    if (opts.metadataWritebackMs !== undefined) args.push('--metadata-writeback-ms', String(opts.metadataWritebackMs));
    if (opts.maxDirtyBytes !== undefined) args.push('--max-dirty', String(opts.maxDirtyBytes));
    if (opts.syncDelayMs !== undefined) args.push('--sync-delay-ms', String(opts.syncDelayMs));
    // its own process group: a terminal's Ctrl-C reaches the controller, which unmounts in its teardown
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const fs = new Lazyfs(path.resolve(backing), path.resolve(mountpoint), child);
    live.add(fs);
    if (!exitHook) {
      exitHook = true;
      // a last resort on any exit: the helpers unmount on SIGTERM (and on their stdin closing)
      process.once('exit', () => {
        for (const f of live) f.child.kill('SIGTERM');
      });
    }
    const timer = setTimeout(() => child.kill('SIGTERM'), MOUNT_TIMEOUT_MS);
    try {
      const first = await fs.next();
      if (first.mounted !== true) throw new EnvironmentError('E_LAZYFS', `faultline-lazyfs did not mount ${mountpoint}: ${JSON.stringify(first)}`);
    } catch (err) {
      await fs.unmount().catch(() => {});
      throw new EnvironmentError('E_LAZYFS', `cannot mount faultline-lazyfs on ${mountpoint}: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    return fs;
  }

  private next(): Promise<Record<string, unknown>> {
    if (this.gone) return Promise.reject(new EnvironmentError('E_LAZYFS', `faultline-lazyfs on ${this.mountpoint} is not running`));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private async command(line: string): Promise<Record<string, unknown>> {
    const answer = this.next();
    this.child.stdin.write(`${line}\n`);
    const r = await answer;
    if (typeof r.error === 'string') throw new EnvironmentError('E_LAZYFS', `faultline-lazyfs on ${this.mountpoint}: ${line}: ${r.error}`);
    return r;
  }

  /**
   * A power cut: every write not fsynced is dropped, every fsync in progress undone,
   * every namespace change whose directory was not fsynced undone; then every
   * operation fails with EIO until powerOn(). Kill the writers next, then power on,
   * then restart them.
   */
  async cut(o: CutOptions = {}): Promise<CutReport> {
    if (o.tear !== undefined && !(o.tear > 0 && o.tear < 1)) throw new RangeError(`tear must be in (0, 1); got ${o.tear}`);
    if (o.atSyncMs !== undefined && !(Number.isInteger(o.atSyncMs) && o.atSyncMs >= 0))
      throw new RangeError(`atSyncMs must be a whole number of ms; got ${o.atSyncMs}`);
    const args = [...(o.tear === undefined ? [] : [`tear=${o.tear}`]), ...(o.atSyncMs === undefined ? [] : [`at-sync=${o.atSyncMs}`])];
    const r = await this.command(['cut', ...args].join(' '));
    const { cut: _, ...report } = r;
    return report as unknown as CutReport;
  }

  /** power back on after a cut (the writers are dead: restart them after this) */
  async powerOn(): Promise<void> {
    await this.command('on');
  }

  async stats(): Promise<LazyfsStats> {
    return (await this.command('stats')) as unknown as LazyfsStats;
  }

  /** makes everything durable now (a checkpoint) */
  async sync(): Promise<{ files: number; bytes: number; errors: number }> {
    const { files, bytes, errors } = await this.command('sync');
    return { files, bytes, errors } as { files: number; bytes: number; errors: number };
  }

  /**
   * Writes back what is unsynced (an unmount is no power cut), unmounts and ends
   * the helper. Idempotent. Throws if the mount is still listed in /proc/mounts.
   */
  async unmount(): Promise<void> {
    if (!this.gone) {
      this.child.stdin.end(); // end of stdin: the helper leaves its loop and unmounts
      const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    if (lazyfsMounts().includes(this.mountpoint)) {
      await run('umount', ['-l', this.mountpoint]).catch(() => {}); // a killed helper leaves its mount: detach it
      if (lazyfsMounts().includes(this.mountpoint)) throw new EnvironmentError('E_LAZYFS', `${this.mountpoint} is still mounted after unmount`);
    }
  }
}

export const mount = (backing: string, mountpoint: string, opts?: LazyfsOptions): Promise<Lazyfs> => Lazyfs.mount(backing, mountpoint, opts);
export const cut = (fs: Lazyfs, o?: CutOptions): Promise<CutReport> => fs.cut(o);
export const powerOn = (fs: Lazyfs): Promise<void> => fs.powerOn();
export const unmount = (fs: Lazyfs): Promise<void> => fs.unmount();

/** /proc/mounts octal escapes (\040 for a space) */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** mount points of faultline-lazyfs file systems in a /proc/mounts text */
export function parseMounts(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length >= 3 && f[2] === FSTYPE) out.push(unescape(f[1]));
  }
  return out;
}

export const lazyfsMounts = (): string[] => parseMounts(readFileSync('/proc/mounts', 'utf8'));

/**
 * Detaches faultline-lazyfs mounts whose helper is gone (the mount answers
 * ENOTCONN): what a SIGKILLed helper leaves. Live mounts of other runs stay.
 */
export async function removeStaleMounts(): Promise<string[]> {
  const removed: string[] = [];
  for (const m of lazyfsMounts()) {
    const err = await stat(m).then(
      () => null,
      (e: NodeJS.ErrnoException) => e.code,
    );
    if (err === 'ENOTCONN') {
      await run('umount', ['-l', m]).catch(() => {});
      removed.push(m);
    }
  }
  return removed;
}
