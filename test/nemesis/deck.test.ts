import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deck } from '../../nemesis/deck.js';
import { mulberry32 } from '../../src/controller/random.js';

describe('a deck of weighted choices', () => {
  it('deals every card of a deck once before any card of the next', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }), (seed, counts) => {
        const rand = mulberry32(seed);
        const d = deck(counts.map((n, i) => [i, n] as const));
        const size = counts.reduce((a, b) => a + b, 0);
        if (size === 0) {
          expect(d.deal(rand)).toBeUndefined();
          return;
        }
        for (let round = 0; round < 3; round++) {
          const dealt = Array.from({ length: size }, () => d.deal(rand) as number);
          counts.forEach((n, i) => expect(dealt.filter((x) => x === i)).toHaveLength(n));
        }
      }),
    );
  });

  it('skips excluded cards and deals them first once they are allowed again', () => {
    const rand = mulberry32(3);
    const d = deck([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ] as const);
    const first = d.deal(rand, (c) => c === 'a');
    expect(first).not.toBe('a');
    const second = d.deal(rand, (c) => c === 'a');
    expect(second).not.toBe('a');
    expect(d.deal(rand)).toBe('a'); // the last card of the first deck
  });

  it('refills when only excluded cards are left, and says so when nothing can be dealt', () => {
    const rand = mulberry32(5);
    const d = deck([
      ['a', 1],
      ['b', 2],
    ] as const);
    const dealt = Array.from({ length: 6 }, () => d.deal(rand, (c) => c === 'a'));
    expect(dealt).toEqual(['b', 'b', 'b', 'b', 'b', 'b']);
    expect(d.deal(rand, () => true)).toBeUndefined();
  });

  it('spreads choices over a run far more evenly than independent draws', () => {
    // 25 draws with 1 card in 8: independent draws miss it in about 3.5% of runs; the deck almost never
    let deckMissed = 0;
    let drawMissed = 0;
    for (let seed = 0; seed < 2000; seed++) {
      const rand = mulberry32(seed);
      const d = deck([
        ['rare', 1],
        ['common', 7],
      ] as const);
      if (!Array.from({ length: 25 }, () => d.deal(rand)).includes('rare')) deckMissed++;
      if (!Array.from({ length: 25 }, () => rand() < 1 / 8).includes(true)) drawMissed++;
    }
    expect(deckMissed).toBe(0);
    expect(drawMissed).toBeGreaterThan(20);
  });

  it('refuses a card count that is not a whole number', () => {
    expect(() => deck([['a', 0.5]])).toThrow(/whole number/);
  });
});
