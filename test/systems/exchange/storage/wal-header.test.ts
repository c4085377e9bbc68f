import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader, encodeSlot, slotOffset, WAL_HEADER } from '../../../../systems/exchange/storage/wal-header.js';

describe('WAL header', () => {
  it('round-trips base and mark; the newest valid slot wins', () => {
    fc.assert(
      fc.property(
        fc.nat(1e9),
        fc.integer({ min: WAL_HEADER, max: 2 ** 40 }),
        fc.array(fc.integer({ min: WAL_HEADER, max: 2 ** 40 }), { maxLength: 5 }),
        (base, mark, later) => {
          const h = encodeHeader(base, mark);
          let expected = mark;
          later.forEach((m, i) => {
            encodeSlot(i + 2, m).copy(h, slotOffset(i + 2));
            expected = m;
          });
          expect(decodeHeader(h)).toEqual({ ok: true, header: { base, mark: expected, seq: later.length + 1 } });
        },
      ),
    );
  });

  it('falls back to the other slot when the newest is torn, and refuses when both are damaged', () => {
    const h = encodeHeader(5, 100);
    encodeSlot(2, 300).copy(h, slotOffset(2));
    const torn = Buffer.from(h);
    torn[slotOffset(2) + 6] ^= 0xff; // the slot being written when power failed
    expect(decodeHeader(torn)).toMatchObject({ ok: true, header: { mark: 100, seq: 1 } });
    torn[slotOffset(1) + 1] ^= 0x01;
    expect(decodeHeader(torn)).toMatchObject({ ok: false, reason: /both durable-mark slots/ });
  });

  it('refuses a short file, a bad magic and a damaged base', () => {
    const h = encodeHeader(7, 64);
    expect(decodeHeader(h.subarray(0, 63))).toMatchObject({ ok: false, reason: /shorter than its 64-byte header/ });
    const magic = Buffer.from(h);
    magic[0] ^= 1;
    expect(decodeHeader(magic)).toMatchObject({ ok: false, reason: /bad magic/ });
    const base = Buffer.from(h);
    base[9] ^= 4;
    expect(decodeHeader(base)).toMatchObject({ ok: false, offset: 8, reason: /header checksum/ });
  });
});
