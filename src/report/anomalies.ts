import { verdictName } from '../../checkers/types.js';

/** What one checker found, in words: for the run page, JUnit's failure message and the timeline's jump. */
export interface AnomalyText {
  checker: string;
  verdict: 'invalid' | 'unknown';
  /** one sentence */
  headline: string;
  /** the evidence, a line each (capped) */
  details: string[];
  /** history indexes of the ops at fault (their invocations), for a jump to them */
  indexes: number[];
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : {});
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));
const list = (xs: unknown[], n = 10): string => `${xs.slice(0, n).map(show).join(', ')}${xs.length > n ? `, … (${xs.length - n} more)` : ''}`;
const MAX_DETAILS = 20;

/**
 * The anomalies in a results.json (each checker's result by name): every checker that
 * did not say valid, with what it found. Reads the fields each checker writes
 * (checkers/*.ts) defensively: results.json may come from an older faultline.
 */
export function describeAnomalies(results: Record<string, unknown>): AnomalyText[] {
  const out: AnomalyText[] = [];
  for (const [checker, raw] of Object.entries(results)) {
    const r = obj(raw);
    if (!('valid' in r)) continue;
    const verdict = verdictName(r.valid);
    if (verdict === 'valid') continue;
    const found = describe(checker, r, verdict);
    out.push({ checker, verdict, ...found, details: found.details.slice(0, MAX_DETAILS) });
  }
  return out;
}

function describe(checker: string, r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  if (typeof r.error === 'string') return { headline: r.error.split('\n')[0], details: r.error.split('\n').slice(1, 6), indexes: [] };
  switch (checker) {
    case 'linearizable':
      return linearizable(r, verdict);
    case 'set':
      return set(r, verdict);
    case 'append':
      return append(r, verdict);
    case 'bank':
      return bank(r, verdict);
    case 'orders':
      return orders(r, verdict);
    case 'election':
      return election(r, verdict);
    case 'replicas':
      return replicas(r, verdict);
    case 'checkpoints':
      return checkpoints(r, verdict);
    case 'stats': {
      const never = arr(r.neverOk);
      if (never.length > 0)
        return { headline: `never ok: ${list(never)} (a run whose ${show(never[0])} ops all failed proves nothing about them)`, details: [], indexes: [] };
      return { headline: 'no client operation completed', details: [], indexes: [] };
    }
    default:
      return { headline: verdict === 'invalid' ? 'invalid' : 'undecided', details: [], indexes: [] };
  }
}

const groupsText = (gs: unknown[]): string => gs.map((g) => `${arr(obj(g).nodes).map(show).join(' ')} (${show(obj(g).digest).slice(0, 12)})`).join(' | ');

function election(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  if (verdict === 'unknown') return { headline: 'undecided: no leadership was seen', details: [], indexes: [] };
  const terms = arr(r.twoLeaders).map(obj);
  const headline = `two leaders in one term: ${terms.length} term${terms.length === 1 ? '' : 's'} (Raft's election safety)`;
  return {
    headline,
    details: terms.map(
      (t) =>
        `term ${show(t.term)}: ${arr(t.leaders)
          .map((l) => show(obj(l).node))
          .join(', ')}`,
    ),
    indexes: [],
  };
}

function replicas(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  const left = arr(r.leftOut).map((l) => `left out ${show(obj(l).node)}: ${show(obj(l).why)}`);
  if (verdict === 'unknown') return { headline: `undecided: ${show(r.reason ?? 'no two nodes to compare')}`, details: left, indexes: [] };
  const groups = arr(r.groups);
  return { headline: `replicas at log position ${show(r.index)} hold ${groups.length} different states: ${groupsText(groups)}`, details: left, indexes: [] };
}

function checkpoints(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  if (verdict === 'unknown') return { headline: 'undecided: no log position was reported by two nodes', details: [], indexes: [] };
  const first = obj(r.first);
  const headline = `replicas applied different entries: ${show(r.diverged)} of ${show(r.compared)} log positions compared, the first at position ${show(first.index)}: ${groupsText(arr(first.groups))}`;
  return { headline, details: [], indexes: [] };
}

function linearizable(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  if (verdict === 'unknown') {
    const why = r.unknownReason === 'memory' ? 'memory budget' : r.unknownReason === 'timeout' ? 'time budget' : 'budget';
    return { headline: `undecided: the linearizability checker stopped at its ${why} after ${show(r.ops)} ops`, details: [], indexes: [] };
  }
  const a = obj(r.anomaly);
  const op = obj(a.op);
  if (!('description' in op)) return { headline: 'not linearizable (no explanation was computed)', details: [], indexes: [] };
  const prefix = arr(a.prefix).map((o) => show(obj(o).description));
  const key = a.key !== null && a.key !== undefined ? ` at key ${show(a.key)}` : '';
  const after = prefix.length === 0 ? 'the initial state' : `${prefix.length > 3 ? `(${prefix.length - 3} earlier) → ` : ''}${prefix.slice(-3).join(' → ')}`;
  const headline = `not linearizable${key}: ${show(op.description)} (process ${show(op.process)}) cannot follow ${after} (state ${show(a.state)}) because ${show(a.reason)}`;
  const details = arr(a.concurrent).map((o) => `concurrent: ${show(obj(o).description)} (process ${show(obj(o).process)})`);
  const index = typeof op.invokeIndex === 'number' ? [op.invokeIndex] : [];
  return { headline, details, indexes: index };
}

function set(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  const lost = arr(r.lost);
  const unexpected = arr(r.unexpected);
  const stale = arr(r.stale);
  if (verdict === 'unknown')
    return { headline: r.finalRead === false ? 'undecided: no read completed, so nothing is known of the set' : 'undecided', details: [], indexes: [] };
  const parts = [
    lost.length ? `${lost.length} lost` : '',
    unexpected.length ? `${unexpected.length} unexpected` : '',
    stale.length ? `${stale.length} stale` : '',
  ].filter(Boolean);
  const details = [
    ...(lost.length ? [`lost (acknowledged or read, missing from the final read): ${list(lost)}`] : []),
    ...(unexpected.length ? [`unexpected (read but never added): ${list(unexpected)}`] : []),
    ...(stale.length ? [`stale (missing from a read that began after they were known present): ${list(stale)}`] : []),
  ];
  const staleReads = arr(r.staleReads).map((s) => obj(s));
  for (const s of staleReads.slice(0, 5)) details.push(`element ${show(s.element)} missing from the read at history index ${show(s.read)}`);
  const indexes = staleReads.map((s) => s.read).filter((x): x is number => typeof x === 'number');
  return { headline: `${parts.join(', ') || 'invalid'} of ${show(r.attempted)} attempted adds`, details, indexes };
}

/** the append checker's kinds, in words (checkers/append.ts) */
const APPEND_KINDS: [string, string][] = [
  ['duplicated', 'showing an element twice (an append applied twice)'],
  ['incompatible', "not a prefix of the key's longest read (two orders)"],
  ['unexpected', 'showing an element never appended to that key'],
  ['failedVisible', 'showing the element of a failed append'],
  ['stale', 'missing an append acknowledged before they began'],
  ['lost', "(a key's latest read) missing an acknowledged append"],
];

function append(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  if (verdict === 'unknown') return { headline: 'undecided: no read of a list completed', details: [], indexes: [] };
  const count = (k: string): number => (typeof r[k] === 'number' ? (r[k] as number) : 0);
  const found = APPEND_KINDS.filter(([k]) => count(k) > 0);
  const examples = obj(r.anomalies);
  const details: string[] = [];
  const indexes: number[] = [];
  for (const [k, words] of found) {
    const elements = k === 'duplicated' && count('duplicatedElements') > 0 ? `: ${count('duplicatedElements')} distinct elements` : '';
    details.push(`${count(k)} ${k === 'lost' ? 'appends lost' : 'reads'} ${words}${elements}`);
    for (const a of arr(examples[k]).map(obj)) {
      details.push(
        `  key ${show(a.key)}, element ${show(a.element)}: the read at history index ${show(a.read)}${typeof a.append === 'number' ? ` (its append at ${a.append})` : ''}`,
      );
      if (typeof a.read === 'number') indexes.push(a.read);
    }
  }
  const headline = `${found.map(([k]) => `${count(k)} ${k === 'failedVisible' ? 'failed-but-visible' : k}`).join(', ') || 'invalid'} in ${show(r.reads)} reads of ${show(r.keys)} lists`;
  return { headline, details, indexes };
}

function bank(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  if (verdict === 'unknown') return { headline: 'undecided: no read of the balances completed', details: [], indexes: [] };
  const wrong = arr(r.wrongTotal).map(obj);
  const negative = arr(r.negative).map(obj);
  const details = [
    ...wrong.map((w) => `the read at history index ${show(w.index)} adds up to ${show(w.total)}, not ${show(r.expectedTotal)}`),
    ...negative.map((n) => `the read at history index ${show(n.index)} shows account ${show(n.account)} at ${show(n.balance)}`),
  ];
  const indexes = [...wrong, ...negative].map((x) => x.index).filter((x): x is number => typeof x === 'number');
  return {
    headline: `${wrong.length} read${wrong.length === 1 ? '' : 's'} with a wrong total, ${negative.length} with a negative balance (of ${show(r.reads)} reads)`,
    details,
    indexes,
  };
}

function orders(r: Json, verdict: 'invalid' | 'unknown'): Omit<AnomalyText, 'checker' | 'verdict'> {
  if (verdict === 'unknown')
    return { headline: r.finalRead === false ? 'undecided: the final read of the exchange did not complete' : 'undecided', details: [], indexes: [] };
  const details: string[] = [];
  const add = (what: string, xs: unknown[]): void => void (xs.length > 0 && details.push(`${what}: ${list(xs)}`));
  add('missing (acknowledged, not in the final state)', arr(r.missing));
  add('phantom (in the final state, never submitted)', arr(r.phantom));
  add('mismatched (different from the order submitted)', arr(r.mismatched));
  add('overfilled (filled beyond their quantity)', arr(r.overfilled));
  add('trades outside a limit price (trade numbers)', arr(r.outsideLimits));
  if (r.conserved === false) details.push('cash or shares were not conserved');
  if (typeof r.priorityViolation === 'string') details.push(`price-time priority: ${r.priorityViolation}`);
  return {
    headline: `${details.length} kind${details.length === 1 ? '' : 's'} of violation (${show(r.acknowledged)} acknowledged orders)`,
    details,
    indexes: [],
  };
}

/** A plain-text rendering: the headline, then the details indented. */
export function anomalyText(a: AnomalyText): string {
  return [`${a.checker}: ${a.headline}`, ...a.details.map((d) => `  ${d}`)].join('\n');
}
