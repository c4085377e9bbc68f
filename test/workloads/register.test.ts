import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/controller/random.js';
import { take } from '../../workloads/generator.js';
import { REGISTER_DEFAULTS, registerGenerator } from '../../workloads/register.js';

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
});
