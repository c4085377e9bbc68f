import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from '../../../../systems/exchange/node/deadlines.js';

describe('DeadlineQueue', () => {
  it('expires unsettled items in arrival order and never answers a settled one', () => {
    let now = 0;
    const expired: string[] = [];
    const q = new DeadlineQueue<string>(
      100,
      (x) => expired.push(x),
      () => now,
    );
    const a = q.add('a');
    now = 10;
    q.add('b');
    now = 20;
    const c = q.add('c');
    expect(q.size).toBe(3);
    expect(q.settle(a)).toBe(true);
    expect(q.settle(a)).toBe(false);
    now = 105;
    q.sweep();
    expect(expired).toEqual([]); // a settled, b not yet due
    now = 111;
    q.sweep();
    expect(expired).toEqual(['b']);
    expect(q.size).toBe(1);
    now = 500;
    q.sweep();
    expect(expired).toEqual(['b', 'c']);
    expect(q.settle(c)).toBe(false); // the late answer loses to the timeout
    expect(q.size).toBe(0);
    q.close();
  });

  it('keeps memory bounded over many settled items', () => {
    let now = 0;
    const q = new DeadlineQueue<number>(
      10,
      () => {},
      () => now,
    );
    for (let i = 0; i < 100_000; i++) {
      q.settle(q.add(i));
      if (i % 1000 === 0) q.sweep();
      now++;
    }
    q.sweep();
    expect(q.size).toBe(0);
    expect((q as unknown as { fifo: unknown[] }).fifo.length).toBeLessThan(3000);
    q.close();
  });
});
