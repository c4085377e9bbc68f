import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, truncate } from 'node:fs/promises';
import path from 'node:path';
import type { PersistentState, RaftStorage } from '../raft/storage.js';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { NodeError } from '../errors.js';
import { crc32 } from './crc32.js';
import { decodeAt, encode, type WalRecord } from './records.js';

export class StorageCorruptError extends NodeError {
  constructor(file: string, offset: number, reason: string) {
    super('E_STORAGE_CORRUPT', `${file}: corrupt record at byte ${offset} (${reason}) with valid records after it; refusing to start`, 254);
  }
}

export interface StorageEvents {
  /** recovery dropped an incomplete or damaged last record */
  onTornTail?(file: string, offset: number, droppedBytes: number, reason: string): void;
  /** an fsync completed: how long it took and how many persist() calls it served */
  onFsync?(ms: number, batches: number): void;
}

interface Pending {
  data: Buffer[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Raft's durable state in a data directory: an append-only write-ahead log of
 * checksummed records, fsynced before persist() resolves, with group commit
 * (persists that arrive during an fsync share the next one), and a snapshot file.
 *
 * The records of a group are written with one synchronous write (into the page
 * cache: microseconds) and only the fdatasync goes to libuv's thread pool — one
 * thread hand-off per group instead of two, and no promise machinery per call.
 */
export class FileStorage implements RaftStorage {
  readonly walFile: string;
  readonly snapshotFile: string;
  private fd: number | null = null;
  private queue: Pending[] = [];
  /** an fdatasync is in flight */
  private syncing = false;
  private syncWaiters: (() => void)[] = [];
  /** the WAL is being rewritten: persists queue up (the rewrite covers them) */
  private rewriting = false;
  /** WAL file size: compacting it is worth a rewrite only once it is large */
  private walBytes = 0;
  /** snapshots are saved one at a time, in call order */
  private snapshotChain: Promise<void> = Promise.resolve();
  /** waiting for the queue to be written and synced (snapshot rewrite, close) */
  private idleWaiters: (() => void)[] = [];
  private entries: Entry[] = []; // mirror of the log after the snapshot, to rewrite on compaction
  private hard: HardState = { term: 0, vote: null, commit: 0 };
  private snapshot: Snapshot | null = null;
  private failed: unknown = null;

  constructor(
    readonly dir: string,
    private readonly events: StorageEvents = {},
    /** after a snapshot, the WAL is rewritten without the entries it covers once it exceeds this size */
    private readonly rewriteBytes = 16 << 20,
  ) {
    this.walFile = path.join(dir, 'wal.log');
    this.snapshotFile = path.join(dir, 'snapshot.bin');
  }

  async load(): Promise<PersistentState> {
    await mkdir(this.dir, { recursive: true });
    this.snapshot = await this.readSnapshot();
    const buf = await readFile(this.walFile).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return Buffer.alloc(0);
      throw err;
    });
    let offset = 0;
    const base = this.snapshot?.meta.index ?? 0;
    while (offset < buf.length) {
      const r = decodeAt(buf, offset);
      if (r.kind === 'record') {
        this.replay(r.record, base);
        offset = r.end;
        continue;
      }
      if (r.kind === 'bad' && r.end < buf.length) throw new StorageCorruptError(this.walFile, offset, r.reason);
      // the last record is incomplete or damaged: a write torn by a crash, never acknowledged
      this.events.onTornTail?.(this.walFile, offset, buf.length - offset, r.kind === 'torn' ? 'incomplete record' : r.reason);
      await truncate(this.walFile, offset);
      break;
    }
    this.walBytes = offset;
    this.fd = openSync(this.walFile, 'a');
    return { hardState: { ...this.hard }, snapshot: this.snapshot, entries: this.entries.slice() };
  }

  persist(batch: { hardState?: HardState; truncateFrom?: number; entries: Entry[] }): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const data: Buffer[] = [];
    const base = this.snapshot?.meta.index ?? 0;
    const records: WalRecord[] = [];
    if (batch.truncateFrom !== undefined) records.push({ type: 'truncate', from: batch.truncateFrom });
    if (batch.entries.length > 0) records.push({ type: 'entries', entries: batch.entries });
    if (batch.hardState) records.push({ type: 'hard', hard: batch.hardState });
    for (const rec of records) {
      this.replay(rec, base);
      data.push(encode(rec));
    }
    if (data.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ data, resolve, reject });
      if (!this.syncing && !this.rewriting) this.flush();
    });
  }

  /** resolves once every persist issued so far is durable (or failed) */
  private idle(): Promise<void> {
    if (!this.syncing && !this.rewriting && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Saves the snapshot file durably (temp file, fsync, rename, fsync of the
   * directory) while persists go on. The WAL keeps the entries the snapshot now
   * covers — recovery skips them — until it exceeds rewriteBytes; then it is
   * rewritten with only what follows the snapshot, and the persists queued
   * meanwhile (whose records the rewrite holds) resolve with it.
   */
  saveSnapshot(snapshot: Snapshot): Promise<void> {
    const run = this.snapshotChain.then(() => this.writeSnapshot(snapshot));
    this.snapshotChain = run.catch(() => {});
    return run;
  }

  private async writeSnapshot(snapshot: Snapshot): Promise<void> {
    if (this.failed) throw this.failed;
    const meta = Buffer.from(JSON.stringify(snapshot.meta), 'utf8');
    const body = Buffer.concat([Buffer.alloc(4), meta, Buffer.from(snapshot.data)]);
    body.writeUInt32LE(meta.length, 0);
    const head = Buffer.alloc(8);
    head.writeUInt32LE(body.length, 0);
    head.writeUInt32LE(crc32(body), 4);
    await writeDurably(this.snapshotFile, Buffer.concat([head, body]));
    // from here on recovery starts from this snapshot; the mirror and new records are relative to it
    this.snapshot = snapshot;
    this.entries = this.entries.filter((e) => e.index > snapshot.meta.index);
    if (this.walBytes < this.rewriteBytes) return;
    this.rewriting = true;
    await this.syncDone();
    const covered = this.queue;
    this.queue = [];
    try {
      if (this.failed) throw this.failed;
      // the mirror already holds the effect of every queued persist
      const records = [encode({ type: 'hard', hard: this.hard })];
      if (this.entries.length > 0) records.push(encode({ type: 'entries', entries: this.entries }));
      const data = Buffer.concat(records);
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      await writeDurably(this.walFile, data);
      this.fd = openSync(this.walFile, 'a');
      this.walBytes = data.length;
      for (const p of covered) p.resolve();
    } catch (err) {
      this.fail(err, covered);
      throw err;
    } finally {
      this.rewriting = false;
      if (this.queue.length > 0 && !this.failed) this.flush();
      else this.wakeIdle();
    }
  }

  /** resolves when no fdatasync is in flight */
  private syncDone(): Promise<void> {
    if (!this.syncing) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.idle();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private replay(rec: WalRecord, base: number): void {
    if (rec.type === 'hard') this.hard = { ...rec.hard };
    else if (rec.type === 'truncate') this.entries.length = Math.max(0, Math.min(this.entries.length, rec.from - base - 1));
    else
      for (const e of rec.entries) {
        if (e.index <= base) continue;
        this.entries.length = e.index - base - 1;
        this.entries.push(e);
      }
  }

  /** Writes the queued persists as one group and fdatasyncs it; the next group starts when it is done. */
  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    const fd = this.fd;
    try {
      if (fd === null) throw new Error('storage is closed');
      const data = batch.length === 1 && batch[0].data.length === 1 ? batch[0].data[0] : Buffer.concat(batch.flatMap((p) => p.data));
      for (let off = 0; off < data.length; ) off += writeSync(fd, data, off);
      this.walBytes += data.length;
    } catch (err) {
      this.fail(err, batch);
      return;
    }
    this.syncing = true;
    const t = performance.now();
    fdatasync(fd, (err) => {
      this.syncing = false;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
      if (err) return this.fail(err, batch);
      this.events.onFsync?.(performance.now() - t, batch.length);
      for (const p of batch) p.resolve();
      if (this.rewriting) return; // the rewrite resumes flushing
      if (this.queue.length > 0) this.flush();
      else this.wakeIdle();
    });
  }

  private fail(err: unknown, batch: Pending[]): void {
    this.failed = err; // after a failed write or fsync nothing later may be acknowledged
    for (const p of [...batch, ...this.queue]) p.reject(err);
    this.queue = [];
    this.wakeIdle();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async readSnapshot(): Promise<Snapshot | null> {
    let buf: Buffer;
    try {
      buf = await readFile(this.snapshotFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    const len = buf.length >= 8 ? buf.readUInt32LE(0) : -1;
    if (len !== buf.length - 8 || crc32(buf, 8) !== buf.readUInt32LE(4)) {
      // written by rename after fsync, so damage here is not a torn write
      throw new StorageCorruptError(this.snapshotFile, 0, 'snapshot checksum mismatch');
    }
    const metaLen = buf.readUInt32LE(8);
    const meta = JSON.parse(buf.toString('utf8', 12, 12 + metaLen));
    return { meta, data: new Uint8Array(buf.subarray(12 + metaLen)) };
  }
}

/** temp file + fsync + rename + fsync of the directory: the file is old or new, never half (and the event loop never blocks) */
async function writeDurably(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
