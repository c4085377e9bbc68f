import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { b64, decodeValue, encodeValue, int64, prefixEnd, unb64 } from '../../../../src/sut/etcd/codec.js';

describe('etcd gateway encoding', () => {
  it('keys and values are base64 of their UTF-8 bytes, as etcd returned them', () => {
    // from a real etcd 3.4.23 exchange: key "foo", value "bar"
    expect(b64('foo')).toBe('Zm9v');
    expect(unb64('YmFy')).toBe('bar');
    expect(unb64(undefined)).toBe('');
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => unb64(b64(s)) === s));
  });

  it('values are stored as their JSON text, so equal values have equal bytes (a cas compares bytes)', () => {
    expect(encodeValue(12)).toBe(b64('12'));
    expect(encodeValue(12)).toBe(encodeValue(12));
    expect(decodeValue(encodeValue([1, 'a', null]))).toEqual([1, 'a', null]);
    fc.assert(fc.property(fc.jsonValue(), (v) => JSON.stringify(decodeValue(encodeValue(v))) === JSON.stringify(v)));
  });

  it('a prefix range ends at the prefix with its last byte plus one', () => {
    expect(unb64(prefixEnd('s/'))).toBe('s0');
    expect(Buffer.from(prefixEnd('a\xff'), 'base64')).toEqual(Buffer.from([0x61, 0xc3, 0xc0])); // 'ÿ' is c3 bf in UTF-8
    expect(Buffer.from(prefixEnd(''), 'base64')).toEqual(Buffer.from([0]));
    // every key that starts with the prefix sorts below the end, byte-wise
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (p, rest) => {
        const key = Buffer.from(p + rest, 'utf8');
        return Buffer.compare(key, Buffer.from(prefixEnd(p), 'base64')) < 0 && Buffer.compare(key, Buffer.from(p, 'utf8')) >= 0;
      }),
    );
  });

  it('int64s arrive as decimal strings and are left out when zero', () => {
    expect(int64('42')).toBe(42);
    expect(int64(undefined)).toBe(0);
  });
});
