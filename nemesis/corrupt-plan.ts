/**
 * The `corrupt` fault's planner (pure): which file of a stopped node's data
 * directory to damage, how and where, from the caller's seeded PRNG. The
 * executor (nemesis/corrupt.ts) applies a plan and records it exactly.
 *
 * - `bitflip`: 1..maxFlips single bits flipped at random offsets (bit rot, a misdirected write);
 * - `truncate`: the file cut at a random offset (a lost extent, a file system that lost the end of a file);
 * - `tail`: its last 1..maxTail bytes removed (the end of an acknowledged write lost).
 */
export type CorruptionKind = 'bitflip' | 'truncate' | 'tail';
export const CORRUPTION_KINDS: readonly CorruptionKind[] = ['bitflip', 'truncate', 'tail'];

export interface CorruptOptions {
  kinds: readonly CorruptionKind[];
  /** most bits one bitflip flips (default 3) */
  maxFlips: number;
  /** most bytes a tail removal takes (default 512) */
  maxTail: number;
  /** only files whose path (relative to the data directory) is listed; empty: any */
  files: readonly string[];
}

export const CORRUPT_DEFAULTS: CorruptOptions = { kinds: CORRUPTION_KINDS, maxFlips: 3, maxTail: 512, files: [] };

export interface FileInfo {
  /** relative to the data directory, with / separators */
  path: string;
  size: number;
}

export type Corruption =
  | { kind: 'bitflip'; file: string; flips: { offset: number; bit: number }[] }
  | { kind: 'truncate'; file: string; offset: number }
  | { kind: 'tail'; file: string; bytes: number };

const pick = <T>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)];

/** A corruption of one non-empty file, or null when there is none to damage. */
export function planCorruption(files: readonly FileInfo[], rand: () => number, o: CorruptOptions = CORRUPT_DEFAULTS): Corruption | null {
  const candidates = files
    .filter((f) => f.size > 0 && (o.files.length === 0 || o.files.includes(f.path)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (candidates.length === 0 || o.kinds.length === 0) return null;
  const f = pick(candidates, rand);
  const kind = pick(o.kinds, rand);
  switch (kind) {
    case 'bitflip': {
      const n = 1 + Math.floor(rand() * o.maxFlips);
      const flips: { offset: number; bit: number }[] = [];
      for (let i = 0; i < n; i++) {
        const flip = { offset: Math.floor(rand() * f.size), bit: Math.floor(rand() * 8) };
        // the same bit twice would undo itself: such a draw is skipped
        if (!flips.some((x) => x.offset === flip.offset && x.bit === flip.bit)) flips.push(flip);
      }
      return { kind, file: f.path, flips: flips.sort((a, b) => a.offset - b.offset || a.bit - b.bit) };
    }
    case 'truncate':
      return { kind, file: f.path, offset: Math.floor(rand() * f.size) };
    case 'tail':
      return { kind, file: f.path, bytes: 1 + Math.floor(rand() * Math.min(o.maxTail, f.size)) };
  }
}

/** Validates options from the command line or a campaign; returns an error message or null. */
export function corruptOptionsError(o: CorruptOptions): string | null {
  for (const k of o.kinds) if (!CORRUPTION_KINDS.includes(k)) return `unknown corruption ${JSON.stringify(k)}; expected ${CORRUPTION_KINDS.join(', ')}`;
  if (o.kinds.length === 0) return 'at least one corruption kind is needed';
  if (!Number.isInteger(o.maxFlips) || o.maxFlips < 1) return `maxFlips must be a positive integer; got ${o.maxFlips}`;
  if (!Number.isInteger(o.maxTail) || o.maxTail < 1) return `maxTail must be a positive integer; got ${o.maxTail}`;
  return null;
}
