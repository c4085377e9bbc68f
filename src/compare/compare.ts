/** How much worse a run may get before it counts as a regression. */
export interface CompareThresholds {
  /** fraction of the old throughput that may be lost (0.25: 25% fewer completed ops/s) */
  maxThroughputDrop: number;
  /** fraction by which the recovery time after the final heal may grow */
  maxRecoveryIncrease: number;
  /** ...and by at least this many ms (a 200 → 400 ms recovery is noise, not a regression) */
  minRecoveryIncreaseMs: number;
}

export const DEFAULT_THRESHOLDS: CompareThresholds = { maxThroughputDrop: 0.25, maxRecoveryIncrease: 0.5, minRecoveryIncreaseMs: 1000 };

/** What compare needs of one run of a campaign.json (read defensively: older reports lack fields). */
export interface ComparedRun {
  key: string;
  label: string;
  status: string;
  verdict: string | null;
  expect: string;
  opsPerSecond: number | null;
  /** ms until the cluster converged after the final heal; null: it did not (or the run did not get there) */
  recoveryMs: number | null;
  dir: string | null;
}

export type RegressionKind = 'expectation' | 'throughput' | 'recovery';

export interface Regression {
  key: string;
  label: string;
  kind: RegressionKind;
  message: string;
}

export interface Comparison {
  /** runs present in both, old and new */
  pairs: { old: ComparedRun; new: ComparedRun; regressions: Regression[] }[];
  regressions: Regression[];
  /** run keys found in only one of the two campaigns (the file changed): reported, not regressions */
  onlyOld: ComparedRun[];
  onlyNew: ComparedRun[];
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : {});
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** The runs of a campaign.json. A report from before runs had keys is matched by run number. */
export function comparedRuns(report: Json): ComparedRun[] {
  const runs = Array.isArray(report.runs) ? report.runs : [];
  return runs.map((raw, i) => {
    const r = obj(raw);
    const summary = obj(r.summary);
    const run = num(r.run) ?? i + 1;
    const nodeOpts = str(r.nodeOpts);
    return {
      key: str(r.key) ?? `run ${run}`,
      label: `run ${run} (${str(r.workload) ?? '?'}, ${str(r.nemesis) ?? '?'}${nodeOpts ? `, ${nodeOpts}` : ''})`,
      status: str(r.status) ?? 'unknown',
      verdict: str(r.verdict),
      expect: str(r.expect) ?? 'valid',
      opsPerSecond: num(r.opsPerSecond),
      recoveryMs: num(summary.finalRecoveryMs),
      dir: str(r.dir),
    };
  });
}

/**
 * Regressions from an old campaign to a new one, run by run (matched by key): a run
 * that met its expectation and no longer does (unmet, undecided, aborted or skipped);
 * a throughput that dropped by more than the threshold; a recovery after the final
 * heal that grew by more than the threshold (both relative and absolute), or that
 * no longer happened at all.
 */
export function compareCampaigns(oldReport: Json, newReport: Json, t: CompareThresholds = DEFAULT_THRESHOLDS): Comparison {
  const olds = comparedRuns(oldReport);
  const news = comparedRuns(newReport);
  const byKey = new Map(news.map((r) => [r.key, r]));
  const oldKeys = new Set(olds.map((r) => r.key));
  const pairs: Comparison['pairs'] = [];
  for (const o of olds) {
    const n = byKey.get(o.key);
    if (!n) continue;
    pairs.push({ old: o, new: n, regressions: regressionsOf(o, n, t) });
  }
  return {
    pairs,
    regressions: pairs.flatMap((p) => p.regressions),
    onlyOld: olds.filter((o) => !byKey.has(o.key)),
    onlyNew: news.filter((n) => !oldKeys.has(n.key)),
  };
}

function regressionsOf(o: ComparedRun, n: ComparedRun, t: CompareThresholds): Regression[] {
  const out: Regression[] = [];
  const push = (kind: RegressionKind, message: string): void => void out.push({ key: n.key, label: n.label, kind, message });
  if (o.status === 'met' && n.status !== 'met') {
    const now = n.status === 'skipped' ? 'was skipped' : n.status === 'error' ? 'aborted' : `ended ${n.verdict ?? 'unknown'}`;
    push('expectation', `expected ${n.expect}: met before, now ${now}`);
  }
  if (o.opsPerSecond !== null && n.opsPerSecond !== null && o.opsPerSecond > 0) {
    const drop = 1 - n.opsPerSecond / o.opsPerSecond;
    if (drop > t.maxThroughputDrop)
      push(
        'throughput',
        `throughput ${o.opsPerSecond} → ${n.opsPerSecond} ops/s (${Math.round(drop * 100)}% lower; the threshold is ${Math.round(t.maxThroughputDrop * 100)}%)`,
      );
  }
  if (o.recoveryMs !== null) {
    if (n.recoveryMs === null && n.status !== 'skipped' && n.status !== 'error')
      push('recovery', `recovered ${o.recoveryMs} ms after the final heal before, now did not converge`);
    else if (n.recoveryMs !== null) {
      const grew = n.recoveryMs - o.recoveryMs;
      if (grew > o.recoveryMs * t.maxRecoveryIncrease && grew >= t.minRecoveryIncreaseMs) {
        push(
          'recovery',
          `recovery after the final heal ${o.recoveryMs} → ${n.recoveryMs} ms (+${grew} ms; the thresholds are +${Math.round(t.maxRecoveryIncrease * 100)}% and +${t.minRecoveryIncreaseMs} ms)`,
        );
      }
    }
  }
  return out;
}
