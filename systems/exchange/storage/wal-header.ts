import { crc32 } from './crc32.js';

/**
 * The WAL's first 64 bytes: what recovery needs to tell a write torn by a crash
 * (never acknowledged: dropped) from acknowledged data lost or damaged later (the
 * node must not start as if it still had it).
 *
 *   [0,8)   magic "FLWAL" 2 0 0
 *   [8,16)  base: the snapshot index the WAL's entries follow (0: from the start), f64
 *   [16,20) crc32 of [0,16)
 *   [24,40) mark slot 0: seq u32, mark f64, crc32 of those 12 bytes
 *   [40,56) mark slot 1
 *   [64,..) records
 *
 * The mark is the byte offset the WAL had been fsynced through when the slot was
 * written: it rides with the next group of records (slot seq % 2, alternating, so
 * a torn slot write leaves the other intact) and is fsynced with it, or alone when
 * the node goes idle. So a record that begins before the mark was acknowledged
 * (its fsync completed), and one at or past it may be a write the crash tore. The
 * base and the magic are written once, when the file is created or rewritten
 * (temp file, fsync, rename).
 */
export const WAL_HEADER = 64;
const MAGIC = Buffer.from([0x46, 0x4c, 0x57, 0x41, 0x4c, 2, 0, 0]);
const SLOT0 = 24;
const SLOT = 16;

export interface WalHeader {
  base: number;
  /** the durable mark of the newest valid slot */
  mark: number;
  seq: number;
}

export const slotOffset = (seq: number): number => SLOT0 + SLOT * (seq % 2);

export function encodeSlot(seq: number, mark: number): Buffer {
  const b = Buffer.alloc(SLOT);
  b.writeUInt32LE(seq >>> 0, 0);
  b.writeDoubleLE(mark, 4);
  b.writeUInt32LE(crc32(b, 0, 12), 12);
  return b;
}

/** A new header: both slots say the file is durable through `mark` (a file written whole and fsynced). */
export function encodeHeader(base: number, mark: number): Buffer {
  const b = Buffer.alloc(WAL_HEADER);
  MAGIC.copy(b, 0);
  b.writeDoubleLE(base, 8);
  b.writeUInt32LE(crc32(b, 0, 16), 16);
  encodeSlot(0, mark).copy(b, slotOffset(0));
  encodeSlot(1, mark).copy(b, slotOffset(1));
  return b;
}

export type HeaderResult = { ok: true; header: WalHeader } | { ok: false; offset: number; reason: string };

export function decodeHeader(buf: Buffer): HeaderResult {
  if (buf.length < WAL_HEADER)
    return { ok: false, offset: 0, reason: `the file is ${buf.length} bytes, shorter than its ${WAL_HEADER}-byte header (truncated)` };
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return { ok: false, offset: 0, reason: 'bad magic: not a faultline WAL, or its header is damaged' };
  if (crc32(buf, 0, 16) !== buf.readUInt32LE(16)) return { ok: false, offset: 8, reason: 'header checksum mismatch' };
  let best: { seq: number; mark: number } | null = null;
  for (const off of [slotOffset(0), slotOffset(1)]) {
    if (crc32(buf, off, off + 12) !== buf.readUInt32LE(off + 12)) continue;
    const seq = buf.readUInt32LE(off);
    const mark = buf.readDoubleLE(off + 4);
    if (!Number.isSafeInteger(mark) || mark < WAL_HEADER) continue;
    if (best === null || seq > best.seq) best = { seq, mark };
  }
  // one slot is written at a time: a crash tears at most one, so both bad is damage
  if (best === null) return { ok: false, offset: slotOffset(0), reason: 'both durable-mark slots are damaged' };
  const base = buf.readDoubleLE(8);
  if (!Number.isSafeInteger(base) || base < 0) return { ok: false, offset: 8, reason: `impossible base index ${base}` };
  return { ok: true, header: { base, mark: best.mark, seq: best.seq } };
}
