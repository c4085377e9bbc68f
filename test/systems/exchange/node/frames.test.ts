import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, FrameError, MAX_FRAME } from '../../../../systems/exchange/node/frames.js';

describe('frames', () => {
  it('decodes any split of a stream of frames and acks into the same messages', () => {
    const message = fc.record({ type: fc.constantFrom('append', 'vote'), term: fc.nat(), text: fc.string({ unit: 'grapheme', maxLength: 40 }) });
    fc.assert(
      fc.property(fc.array(fc.option(message, { nil: undefined }), { maxLength: 20 }), fc.array(fc.nat({ max: 64 }), { maxLength: 30 }), (items, cuts) => {
        // undefined stands for an ack frame (length 0), which the decoder skips
        const stream = Buffer.concat(items.map((m) => (m === undefined ? Buffer.alloc(4) : encodeFrame(m))));
        const got: unknown[] = [];
        const d = new FrameDecoder((m) => got.push(m));
        let off = 0;
        for (const c of cuts) {
          if (off >= stream.length) break;
          d.push(stream.subarray(off, Math.min(stream.length, off + c + 1)));
          off += c + 1;
        }
        if (off < stream.length) d.push(stream.subarray(off));
        expect(got).toEqual(items.filter((m) => m !== undefined));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a 1 MB frame arriving in 64 KB chunks', () => {
    const big = { type: 'snapshot', data: 'x'.repeat(1 << 20) };
    const frame = encodeFrame(big);
    const got: unknown[] = [];
    const d = new FrameDecoder((m) => got.push(m));
    for (let off = 0; off < frame.length; off += 65536) d.push(frame.subarray(off, off + 65536));
    expect(got).toEqual([big]);
  });

  it('refuses oversized and non-JSON frames', () => {
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(MAX_FRAME + 1, 0);
    expect(() => new FrameDecoder(() => {}).push(huge)).toThrow(FrameError);
    const bad = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{x}')]);
    expect(() => new FrameDecoder(() => {}).push(bad)).toThrow(/not JSON/);
  });
});

describe('append frames', () => {
  it('encode entries through the shared entry text to the same message', async () => {
    const { entriesJson } = await import('../../../../systems/exchange/raft/entry-json.js');
    const entries = [
      { index: 7, term: 2, kind: 'command' as const, data: '{"clientId":"c","seq":1,"command":{"type":"kv.write","key":"k\\"é","value":1}}' },
      { index: 8, term: 2, kind: 'noop' as const, data: '' },
    ];
    const m = { type: 'append', from: 'n1', to: 'n2', term: 2, prevIndex: 6, prevTerm: 1, entries, commit: 5, ctx: 3 };
    const got: unknown[] = [];
    new FrameDecoder((x) => got.push(x)).push(encodeFrame(m));
    new FrameDecoder((x) => got.push(x)).push(encodeFrame(m)); // the cached text, second time
    expect(got).toEqual([m, m]);
    expect(entriesJson(entries)).toBe(JSON.stringify(entries));
    expect(entriesJson([])).toBe('[]');
  });
});
