import { describe, expect, it } from 'vitest';
import { driftSpec, offsetSpec, RESET_SPEC } from '../../nemesis/clock.js';

describe('libfaketime specs', () => {
  it('write offsets with an explicit rate of 1, so an earlier drift does not linger', () => {
    expect(offsetSpec(1.5)).toBe('+1.5 x1\n');
    expect(offsetSpec(-10)).toBe('-10 x1\n');
    expect(RESET_SPEC).toBe('+0 x1\n');
  });

  it('cancel the jump libfaketime applies to the time already elapsed when a rate is set', () => {
    // 40 s after the process started, running 10% fast: libfaketime alone would jump 4 s ahead
    expect(driftSpec(1.1, 40_000)).toBe('-4 x1.1\n');
    expect(driftSpec(0.9, 40_000)).toBe('+4 x0.9\n');
  });
});
