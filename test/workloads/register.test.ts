import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/controller/random.js';
import { PENDING, take } from '../../workloads/generator.js';
import { finalReads, REGISTER_DEFAULTS, registerGenerator, registerWorkload } from '../../workloads/register.js';

describe('register generator', () => {
  const ops = take(registerGenerator(), 3000, mulberry32(3));

  it('writes and cas-es unique values, and a cas expects one of the last values written to its key', () => {
    const written = new Map<string, number[]>();
    const seen = new Set<number>();
    let cas = 0;
    for (const op of ops) {
      const [key, v] = op.value as [string, unknown];
      if (op.f === 'read') continue;
      const value = op.f === 'write' ? (v as number) : (v as [number, number])[1];
      expect(seen.has(value)).toBe(false);
      seen.add(value);
      if (op.f === 'cas') {
        cas++;
        expect((written.get(key) ?? []).slice(-3)).toContain((v as [number, number])[0]);
      }
      written.set(key, [...(written.get(key) ?? []), value]);
    }
    expect(cas).toBeGreaterThan(300);
  });

  it('moves on to fresh keys after opsPerKey ops per key', () => {
    const keys = new Set(ops.map((op) => (op.value as [string])[0]));
    expect(keys.size).toBe(Math.ceil(3000 / (REGISTER_DEFAULTS.opsPerKey * REGISTER_DEFAULTS.keys)) * REGISTER_DEFAULTS.keys);
  });

  it('reads every key the load used once more in the final phase, on any thread, trying a read that did not end ok again', () => {
    const w = registerWorkload();
    const used = new Set(take(w.generator(), 1000, mulberry32(4)).map((op) => (op.value as [string])[0]));
    const final = w.final?.();
    expect(final).toBeDefined();
    const g = final as NonNullable<typeof final>;
    const read: string[] = [];
    let failedOnce = false;
    for (let i = 0; i < 100; i++) {
      const thread = i % 3;
      const op = g.next({ time: 0, thread, process: thread, rand: Math.random });
      if (op === null) break;
      if (op === PENDING) continue;
      const key = (op.value as [string])[0];
      expect(op.f).toBe('read');
      const fail = !failedOnce && key === 'r1-0';
      if (fail) failedOnce = true;
      else read.push(key);
      g.update?.({ thread, type: fail ? 'info' : 'ok', f: 'read' });
    }
    expect(failedOnce).toBe(true);
    expect(read.sort()).toEqual([...used].sort());
  });

  it('gives up on a key after its tries', () => {
    const g = finalReads(['a'], 2);
    for (let i = 0; i < 2; i++) {
      expect(g.next({ time: 0, thread: 0, process: 0, rand: Math.random })).toEqual({ f: 'read', value: ['a', null] });
      g.update?.({ thread: 0, type: 'fail', f: 'read' });
    }
    expect(g.next({ time: 0, thread: 0, process: 0, rand: Math.random })).toBeNull();
  });
});
