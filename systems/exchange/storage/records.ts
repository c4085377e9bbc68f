import { entriesJson } from '../raft/entry-json.js';
import type { Entry, HardState } from '../raft/types.js';
import { crc32 } from './crc32.js';

/**
 * WAL record framing: [length u32][crc32 u32 of type+payload][type u8][payload JSON].
 * A record is whole or it is not: recovery drops a torn tail and refuses a bad
 * record that valid ones follow.
 */
export const HEADER = 9;

export type WalRecord = { type: 'entries'; entries: Entry[] } | { type: 'hard'; hard: HardState } | { type: 'truncate'; from: number };

const CODES: Record<WalRecord['type'], number> = { entries: 1, hard: 2, truncate: 3 };
const TYPES = ['', 'entries', 'hard', 'truncate'] as const;

export function encode(rec: WalRecord): Buffer {
  const payload = Buffer.from(rec.type === 'entries' ? entriesJson(rec.entries) : JSON.stringify(rec.type === 'hard' ? rec.hard : rec.from), 'utf8');
  const buf = Buffer.allocUnsafe(HEADER + payload.length);
  buf.writeUInt32LE(payload.length + 1, 0);
  buf[8] = CODES[rec.type];
  payload.copy(buf, HEADER);
  buf.writeUInt32LE(crc32(buf, 8, buf.length), 4);
  return buf;
}

export type DecodeResult =
  | { kind: 'record'; record: WalRecord; end: number }
  | { kind: 'torn' } // incomplete: the file ends inside this record
  | { kind: 'bad'; reason: string; end: number }; // complete but damaged

/** Decodes the record at `offset` (which is < buf.length). */
export function decodeAt(buf: Buffer, offset: number): DecodeResult {
  if (buf.length - offset < HEADER) return { kind: 'torn' };
  const len = buf.readUInt32LE(offset);
  const end = offset + 8 + len;
  if (len < 1 || len > 1 << 30) return { kind: 'bad', reason: `impossible record length ${len}`, end: buf.length };
  if (end > buf.length) return { kind: 'torn' };
  if (crc32(buf, offset + 8, end) !== buf.readUInt32LE(offset + 4)) return { kind: 'bad', reason: 'checksum mismatch', end };
  const type = TYPES[buf[offset + 8]];
  if (!type) return { kind: 'bad', reason: `unknown record type ${buf[offset + 8]}`, end };
  let payload: unknown;
  try {
    payload = JSON.parse(buf.toString('utf8', offset + HEADER, end));
  } catch {
    return { kind: 'bad', reason: 'unparsable payload', end };
  }
  const record: WalRecord =
    type === 'entries' ? { type, entries: payload as Entry[] } : type === 'hard' ? { type, hard: payload as HardState } : { type, from: payload as number };
  return { kind: 'record', record, end };
}
