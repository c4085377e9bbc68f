import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { NodeError } from '../errors.js';
import type { PersistentState, RaftStorage } from '../raft/storage.js';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { crc32 } from './crc32.js';
import { encode, type WalRecord } from './records.js';
import { decodeHeader, encodeHeader, encodeSlot, slotOffset, WAL_HEADER } from './wal-header.js';
import { scanWal } from './wal-scan.js';

/**
 * The data directory holds damage a crash cannot explain: acknowledged records
 * lost or changed. Starting anyway would let the node vote, or be counted toward a
 * commit, as if it still held what it had acknowledged (a leader missing committed
 * entries could then be elected), and serve what it has: so it refuses.
 */
export class StorageCorruptError extends NodeError {
  constructor(file: string, offset: number, reason: string) {
    super(
      'E_STORAGE_CORRUPT',
      `${file}: byte ${offset}: ${reason}; refusing to start (it could vote or count toward commits as if it still held data it had acknowledged): restore the file, or replace the node`,
      254,
    );
  }
}

/**
 * When persist() resolves, that is when the node may claim the write (a follower's
 * append response, a vote, the leader counting itself):
 * - before-ack (safe): after the records' fdatasync completed;
 * - after-ack (planted bug): once written to the page cache, the fdatasync still running;
 * - never (planted bug): once written; the WAL is never fsynced (nor its durable mark kept).
 */
export type FsyncMode = 'before-ack' | 'after-ack' | 'never';

export interface StorageEvents {
  /** recovery dropped an incomplete or damaged last record past the durable mark: a write torn by a crash */
  onTornTail?(file: string, offset: number, droppedBytes: number, reason: string): void;
  /** an fsync completed: how long it took and how many persist() calls it served */
  onFsync?(ms: number, batches: number): void;
}

export interface FileStorageOptions {
  /** after a snapshot, the WAL is rewritten without the entries it covers once it exceeds this size (default 16 MiB) */
  rewriteBytes?: number;
  fsync?: FsyncMode;
}

interface Pending {
  data: Buffer[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Raft's durable state in a data directory: a write-ahead log of checksummed
 * records, fsynced before persist() resolves, with group commit (persists that
 * arrive during an fsync share the next one), and a snapshot file.
 *
 * The records of a group are written with one synchronous write (into the page
 * cache: microseconds) and only the fdatasync goes to libuv's thread pool — one
 * thread hand-off per group instead of two, and no promise machinery per call.
 *
 * The WAL's header (wal-header.ts) keeps a durable mark: the offset the log had
 * been fsynced through, written with the next group (or alone once the node is
 * idle). Recovery (wal-scan.ts) drops a torn last record past the mark — a write
 * the crash interrupted, never acknowledged — and refuses to start on anything
 * else: damage before the mark, a log shorter than its mark, a damaged record with
 * records after it, a gap in the entries, a missing or damaged snapshot the log
 * depends on, a commit index past the end of the log. What it cannot see: records
 * acknowledged in the last group before the crash, which the mark does not cover
 * yet, removed whole or damaged (truncated as a torn write).
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
  /** WAL file size (where the next record goes): compacting it is worth a rewrite only once it is large */
  private walBytes = 0;
  /** the WAL is fsynced through here */
  private durableEnd = WAL_HEADER;
  /** the durable mark on disk (fsynced), and the sequence number of the last mark slot written */
  private markOnDisk = WAL_HEADER;
  private markSeq = 1;
  /** the mark is to be written alone on the next turn of the event loop */
  private catchUpPending = false;
  /** snapshots are saved one at a time, in call order */
  private snapshotChain: Promise<void> = Promise.resolve();
  /** waiting for the queue to be written and synced (snapshot rewrite, close) */
  private idleWaiters: (() => void)[] = [];
  private entries: Entry[] = []; // mirror of the log after the snapshot, to rewrite on compaction
  private hard: HardState = { term: 0, vote: null, commit: 0 };
  private snapshot: Snapshot | null = null;
  private failed: unknown = null;
  private readonly rewriteBytes: number;
  private readonly fsync: FsyncMode;

  constructor(
    readonly dir: string,
    private readonly events: StorageEvents = {},
    opts: FileStorageOptions = {},
  ) {
    this.walFile = path.join(dir, 'wal.log');
    this.snapshotFile = path.join(dir, 'snapshot.bin');
    this.rewriteBytes = opts.rewriteBytes ?? 16 << 20;
    this.fsync = opts.fsync ?? 'before-ack';
  }

  async load(): Promise<PersistentState> {
    await mkdir(this.dir, { recursive: true });
    this.snapshot = await this.readSnapshot();
    let buf: Buffer | null = await readFile(this.walFile).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (buf === null) {
      // the WAL is created whole and durably (its name too) before anything is written to it
      if (this.snapshot) throw new StorageCorruptError(this.walFile, 0, `the WAL is missing beside a snapshot at index ${this.snapshot.meta.index}`);
      buf = encodeHeader(0, WAL_HEADER);
      await writeDurably(this.walFile, buf);
    }
    const h = decodeHeader(buf);
    if (!h.ok) throw new StorageCorruptError(this.walFile, h.offset, h.reason);
    const snapIndex = this.snapshot?.meta.index ?? 0;
    if (h.header.base > snapIndex) {
      throw new StorageCorruptError(
        this.walFile,
        8,
        `the WAL follows a snapshot at index ${h.header.base}, but ${this.snapshot ? `the snapshot holds index ${snapIndex}` : `${this.snapshotFile} is missing`}`,
      );
    }
    const scan = scanWal(buf, h.header.mark, (rec, offset) => this.replay(rec, snapIndex, offset));
    if (!scan.ok) throw new StorageCorruptError(this.walFile, scan.offset, scan.reason);
    const last = snapIndex + this.entries.length;
    if (this.hard.commit > last) {
      throw new StorageCorruptError(
        this.walFile,
        scan.end,
        `the hard state says entries up to ${this.hard.commit} are committed, but the log ends at ${last}: committed entries are lost`,
      );
    }
    const fd = openSync(this.walFile, 'r+'); // records go at offsets: the header is rewritten in place
    try {
      if (scan.torn) {
        this.events.onTornTail?.(this.walFile, scan.torn.offset, scan.torn.bytes, scan.torn.reason);
        ftruncateSync(fd, scan.end);
      }
      // what a killed process left in the page cache is made durable before the mark may cover it
      fdatasyncSync(fd);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
    this.fd = fd;
    this.walBytes = this.durableEnd = scan.end;
    this.markOnDisk = h.header.mark;
    this.markSeq = h.header.seq;
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
    if (!this.syncing && !this.rewriting && !this.catchUpPending && this.queue.length === 0) return Promise.resolve();
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
      const body = Buffer.concat(records);
      const data = Buffer.concat([encodeHeader(snapshot.meta.index, WAL_HEADER + body.length), body]);
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
      await writeDurably(this.walFile, data);
      this.fd = openSync(this.walFile, 'r+');
      this.walBytes = this.durableEnd = this.markOnDisk = data.length;
      this.markSeq = 1;
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

  /** Applies a record to the mirror; during recovery (`at` given) a gap in the entries is damage. */
  private replay(rec: WalRecord, base: number, at?: number): void {
    if (rec.type === 'hard') this.hard = { ...rec.hard };
    else if (rec.type === 'truncate') this.entries.length = Math.max(0, Math.min(this.entries.length, rec.from - base - 1));
    else
      for (const e of rec.entries) {
        if (e.index <= base) continue;
        const pos = e.index - base - 1;
        if (at !== undefined && pos > this.entries.length) {
          throw new StorageCorruptError(
            this.walFile,
            at,
            `entry ${e.index} follows entry ${base + this.entries.length}: entries ${base + this.entries.length + 1}..${e.index - 1} are missing`,
          );
        }
        this.entries.length = pos;
        this.entries.push(e);
      }
  }

  /** writes at `position`, all of it */
  private writeAt(fd: number, data: Buffer, position: number): void {
    for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off, position + off);
  }

  /** the durable mark into the next slot, if the one on disk is behind; returns the mark written (null: none) */
  private writeMark(fd: number): number | null {
    if (this.fsync === 'never' || this.markOnDisk >= this.durableEnd) return null;
    this.markSeq++;
    this.writeAt(fd, encodeSlot(this.markSeq, this.durableEnd), slotOffset(this.markSeq));
    return this.durableEnd;
  }

  /**
   * Writes the queued persists as one group, with the durable mark of the groups
   * before it, and fdatasyncs it; the next group starts when it is done.
   */
  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    const fd = this.fd;
    let end: number;
    let mark: number | null;
    try {
      if (fd === null) throw new Error('storage is closed');
      const data = batch.length === 1 && batch[0].data.length === 1 ? batch[0].data[0] : Buffer.concat(batch.flatMap((p) => p.data));
      this.writeAt(fd, data, this.walBytes);
      end = this.walBytes += data.length;
      mark = this.writeMark(fd);
    } catch (err) {
      this.fail(err, batch);
      return;
    }
    if (this.fsync !== 'before-ack') for (const p of batch) p.resolve(); // the planted bugs: claimed before it is durable
    if (this.fsync === 'never') {
      this.durableEnd = end;
      if (this.queue.length > 0) this.flush();
      else this.wakeIdle();
      return;
    }
    this.syncing = true;
    const t = performance.now();
    fdatasync(fd, (err) => {
      this.syncing = false;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
      if (err) return this.fail(err, this.fsync === 'before-ack' ? batch : []);
      this.durableEnd = end;
      if (mark !== null) this.markOnDisk = mark;
      this.events.onFsync?.(performance.now() - t, batch.length);
      if (this.fsync === 'before-ack') for (const p of batch) p.resolve();
      this.next();
    });
  }

  /** after an fsync: the next group, or the mark alone once idle (so an idle node's mark covers all it acknowledged) */
  private next(): void {
    if (this.rewriting) return; // the rewrite resumes flushing
    if (this.queue.length > 0) return this.flush();
    if (this.fd === null || this.markOnDisk >= this.durableEnd) return this.wakeIdle();
    // not at once: the persists the resolved ones lead to (a client's next write) come first and carry the mark
    this.catchUpPending = true;
    setImmediate(() => {
      this.catchUpPending = false;
      this.catchUp();
    });
  }

  private catchUp(): void {
    if (this.syncing || this.rewriting) return; // whoever holds the file calls next() when done
    if (this.queue.length > 0) return this.flush();
    const fd = this.fd;
    if (fd === null || this.markOnDisk >= this.durableEnd) return this.wakeIdle();
    let mark: number | null;
    try {
      mark = this.writeMark(fd);
    } catch (err) {
      return this.fail(err, []);
    }
    this.syncing = true;
    fdatasync(fd, (err) => {
      this.syncing = false;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w();
      if (err) return this.fail(err, []);
      if (mark !== null) this.markOnDisk = mark;
      this.next();
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
    if (len !== buf.length - 8)
      throw new StorageCorruptError(this.snapshotFile, 0, `the snapshot is ${buf.length} bytes, its header says ${len + 8} (truncated or extended)`);
    // written by rename after fsync, so damage here is not a torn write
    if (crc32(buf, 8) !== buf.readUInt32LE(4)) throw new StorageCorruptError(this.snapshotFile, 4, 'snapshot checksum mismatch');
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
