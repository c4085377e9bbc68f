import { describe, expect, it } from 'vitest';
import { encode, type WalRecord } from '../../../../systems/exchange/storage/records.js';
import { encodeHeader, WAL_HEADER } from '../../../../systems/exchange/storage/wal-header.js';
import { scanWal } from '../../../../systems/exchange/storage/wal-scan.js';

const rec = (i: number): WalRecord => ({ type: 'entries', entries: [{ index: i, term: 1, kind: 'command', data: `c${i}` }] });

/** a WAL of `n` one-entry records and the offset where each record starts */
function wal(n: number): { buf: Buffer; starts: number[] } {
  const parts = [encodeHeader(0, WAL_HEADER)];
  const starts: number[] = [];
  let off = WAL_HEADER;
  for (let i = 1; i <= n; i++) {
    const r = encode(rec(i));
    starts.push(off);
    off += r.length;
    parts.push(r);
  }
  return { buf: Buffer.concat(parts), starts };
}

const scan = (buf: Buffer, mark: number) => {
  const seen: number[] = [];
  const r = scanWal(buf, mark, (x) => x.type === 'entries' && seen.push(x.entries[0].index));
  return { r, seen };
};

describe('scanWal', () => {
  it('reads every whole record up to the end', () => {
    const { buf } = wal(5);
    expect(scan(buf, buf.length)).toEqual({ r: { ok: true, end: buf.length, torn: null }, seen: [1, 2, 3, 4, 5] });
  });

  it('drops a torn or damaged last record at or past the mark (a write the crash tore)', () => {
    const { buf, starts } = wal(5);
    for (let cut = starts[4] + 1; cut < buf.length; cut++) {
      const { r, seen } = scan(buf.subarray(0, cut), starts[4]);
      expect(r).toEqual({ ok: true, end: starts[4], torn: { offset: starts[4], bytes: cut - starts[4], reason: 'incomplete record' } });
      expect(seen).toEqual([1, 2, 3, 4]);
    }
    const flipped = Buffer.from(buf);
    flipped[buf.length - 2] ^= 0x20;
    expect(scan(flipped, starts[4]).r).toMatchObject({ ok: true, end: starts[4], torn: { reason: 'checksum mismatch' } });
  });

  it('refuses the same damage before the mark: acknowledged records are lost', () => {
    const { buf, starts } = wal(5);
    expect(scan(buf.subarray(0, buf.length - 3), buf.length).r).toMatchObject({
      ok: false,
      offset: starts[4],
      reason: /incomplete record before the durable mark/,
    });
    const flipped = Buffer.from(buf);
    flipped[buf.length - 2] ^= 0x20;
    expect(scan(flipped, buf.length).r).toMatchObject({ ok: false, offset: starts[4], reason: /checksum mismatch before the durable mark/ });
  });

  it('refuses a log cut cleanly at a record boundary before the mark', () => {
    const { buf, starts } = wal(5);
    const { r, seen } = scan(buf.subarray(0, starts[3]), buf.length);
    expect(r).toMatchObject({ ok: false, offset: starts[3], reason: /ends before its durable mark/ });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses a damaged record with records after it, even past the mark', () => {
    const { buf, starts } = wal(5);
    const flipped = Buffer.from(buf);
    flipped[starts[2] + 12] ^= 0x01;
    expect(scan(flipped, WAL_HEADER).r).toMatchObject({ ok: false, offset: starts[2], reason: /checksum mismatch, with more records after it/ });
  });
});
