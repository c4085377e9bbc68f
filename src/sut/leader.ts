import type { NodeHealth } from './types.js';

/** Of several nodes' health, the one that says it leads in the highest term (null: none leads). */
export function leaderOf<H extends NodeHealth>(hs: readonly (H | null)[]): H | null {
  let best: H | null = null;
  for (const h of hs) if (h?.role === 'leader' && (!best || h.term > best.term)) best = h;
  return best;
}
