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
  /**
   * when invalid: the history time (ns since the test started) of the first anomalous
   * op the checker reports, at its completion (its invocation if it never completed)
   */
  firstAnomalyNs?: number;
  [field: string]: unknown;
}

/** an op's time as an anomaly: when it completed, or when it was invoked if it never did */
export const opTimeNs = (o: { call: number; ret: number | null }): number => (o.ret === null || o.ret === Infinity ? o.call : o.ret);
