import { decodeAt, type WalRecord } from './records.js';
import { WAL_HEADER } from './wal-header.js';

/**
 * Recovery's reading of the WAL's records (pure): which records are whole, where
 * the log ends, and whether what is missing or damaged may be a write torn by a
 * crash (dropped, as never acknowledged) or must be acknowledged data lost (the
 * node refuses to start).
 *
 * - a record damaged with bytes after it: damage, whatever the mark says;
 * - the last record torn or damaged, at or past the durable mark: a torn write,
 *   truncated away;
 * - the same before the mark, or the file ending before the mark: acknowledged
 *   records lost.
 */
export type ScanResult =
  | { ok: true; end: number; torn: { offset: number; bytes: number; reason: string } | null }
  | { ok: false; offset: number; reason: string };

export function scanWal(buf: Buffer, mark: number, onRecord: (r: WalRecord, offset: number) => void): ScanResult {
  let offset = WAL_HEADER;
  while (offset < buf.length) {
    const r = decodeAt(buf, offset);
    if (r.kind === 'record') {
      onRecord(r.record, offset);
      offset = r.end;
      continue;
    }
    const reason = r.kind === 'torn' ? 'incomplete record' : r.reason;
    if (r.kind === 'bad' && r.end < buf.length) return { ok: false, offset, reason: `${reason}, with more records after it` };
    if (offset < mark)
      return { ok: false, offset, reason: `${reason} before the durable mark at byte ${mark}: records the node had acknowledged are damaged or lost` };
    return { ok: true, end: offset, torn: { offset, bytes: buf.length - offset, reason } };
  }
  if (buf.length < mark)
    return {
      ok: false,
      offset: buf.length,
      reason: `the log ends before its durable mark at byte ${mark}: records the node had acknowledged are lost (truncated)`,
    };
  return { ok: true, end: buf.length, torn: null };
}
