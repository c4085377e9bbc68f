/**
 * What the history readers refuse rather than misread. Documented in the README:
 * - values nested deeper than MAX_DEPTH (arrays, maps, EDN collections and tags):
 *   the readers never recurse past it, so a hostile file cannot overflow the stack;
 * - integer literals a double cannot hold exactly (beyond 2^53, e.g. a 64-bit id):
 *   reading them as numbers would silently change them.
 */
export const MAX_DEPTH = 1000;

export const TOO_DEEP = `values nested more than ${MAX_DEPTH} deep are not read`;

/** null if the integer literal `text` (optional minus sign, digits) is read exactly as a number. */
export function inexactInteger(text: string): string | null {
  const digits = text.charCodeAt(0) === 45 ? text.length - 1 : text.length;
  if (digits <= 15) return null; // below 10^15 < 2^53: always exact
  const n = Number(text);
  if (Number.isSafeInteger(n) || (Number.isFinite(n) && BigInt(text) === BigInt(n))) return null;
  return `the integer ${text.length > 40 ? `${text.slice(0, 37)}...` : text} cannot be read exactly (beyond 2^53); write it as a string`;
}

/**
 * One pass over a JSON text (bytes [start, end)) for what JSON.parse would accept
 * but we refuse: nesting deeper than MAX_DEPTH, inexact integers. Returns the
 * problem or null. Strings are skipped (their content is not JSON structure).
 */
export function jsonLimitProblem(b: Uint8Array, start: number, end: number): string | null {
  let depth = 0;
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c === 34) {
      // skip the string, honouring escapes
      i++;
      while (i < end && b[i] !== 34) i += b[i] === 92 ? 2 : 1;
      i++;
    } else if (c === 91 || c === 123) {
      if (++depth > MAX_DEPTH) return TOO_DEEP;
      i++;
    } else if (c === 93 || c === 125) {
      depth--;
      i++;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      const s = i;
      i++;
      while (i < end && b[i] >= 48 && b[i] <= 57) i++;
      const next = b[i];
      if (next === 46 || next === 101 || next === 69) {
        // a fraction or exponent: a double by intent; skip the rest of the number
        while (i < end && ((b[i] >= 48 && b[i] <= 57) || b[i] === 46 || b[i] === 101 || b[i] === 69 || b[i] === 43 || b[i] === 45)) i++;
      } else if (i - s > 15) {
        const problem = inexactInteger(Buffer.from(b.buffer, b.byteOffset + s, i - s).toString('latin1'));
        if (problem !== null) return problem;
      }
    } else i++;
  }
  return null;
}
