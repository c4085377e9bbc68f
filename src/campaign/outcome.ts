import { exitCodeFor, mergeValid, type Valid, type VerdictName, verdictName } from '../../checkers/types.js';
import { ExitCode } from '../util/errors.js';
import type { Expectation } from './types.js';

export type RunVerdict = VerdictName;
export { verdictName };

/**
 * How a campaign run ended against its expectation:
 * met / unmet; unknown (the checker could not decide, or the run was interrupted);
 * error (the run aborted: the cluster could not come up, or a bug); skipped (the
 * campaign was stopped before it).
 */
export type RunStatus = 'met' | 'unmet' | 'unknown' | 'error' | 'skipped';

export function statusOf(expect: Expectation, verdict: RunVerdict, interrupted: boolean): RunStatus {
  if (interrupted) return 'unknown'; // not checked: says nothing either way
  if (verdict === expect) return 'met';
  return verdict === 'unknown' ? 'unknown' : 'unmet';
}

/**
 * The campaign's verdict: every expectation met is valid. Merged as verdicts are
 * (contracts.md §2: false > unknown > true), so one unmet expectation makes the
 * campaign invalid even if another run was undecided.
 */
export function campaignValid(statuses: readonly RunStatus[]): Valid {
  return statuses.reduce<Valid>((acc, s) => mergeValid(acc, s === 'met' ? true : s === 'unmet' ? false : 'unknown'), true);
}

/** 0 all met, 1 one unmet, 2 one unknown / interrupted / skipped; 255 when any run aborted. */
export function campaignExitCode(statuses: readonly RunStatus[]): number {
  if (statuses.includes('error')) return ExitCode.internal;
  return exitCodeFor(campaignValid(statuses));
}
