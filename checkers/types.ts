/** Verdicts merge as false > unknown > true (contracts.md §2). */
export type Valid = true | false | 'unknown';

export function mergeValid(a: Valid, b: Valid): Valid {
  if (a === false || b === false) return false;
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  return true;
}

export type VerdictName = 'valid' | 'invalid' | 'unknown';

/** a verdict in words; anything but true or false (e.g. a results.json field of another shape) is unknown */
export function verdictName(valid: unknown): VerdictName {
  return valid === true ? 'valid' : valid === false ? 'invalid' : 'unknown';
}

export function exitCodeFor(valid: Valid): 0 | 1 | 2 {
  return valid === true ? 0 : valid === false ? 1 : 2;
}

/** Every checker returns at least this; extra fields are checker-specific. */
export interface CheckerResult {
  valid: Valid;
  [field: string]: unknown;
}
