import type { KeyKind } from './run-keys.js';

type Json = Record<string, unknown>;

/**
 * Is this value of a run key a list of values to run one after another (an axis of
 * the matrix)? For a key that takes one value (`workload`, `seed`, `nemesis`...), any
 * array is. For a key that already takes a list (`nodeOpt`, `sutOpt`: the options of
 * one run), an array of strings is one run's options, and only an array of arrays is
 * an axis: `"nodeOpt": [[], ["read-mode=local"]]` is two runs.
 */
export function isAxis(kind: KeyKind, value: unknown): value is unknown[] {
  if (!Array.isArray(value)) return false;
  return kind === 'strings' ? value.length > 0 && value.some(Array.isArray) : true;
}

/** One run of the expanded matrix: its options, and the value each axis took. */
export interface MatrixPoint {
  options: Json;
  /** axis key → the value it took here (empty for a run with no axis) */
  matrix: Json;
}

/**
 * The runs a run of a campaign file stands for: the cartesian product of its axes,
 * in the order the keys are written (defaults' first), the first axis varying
 * slowest. A run without an axis is itself.
 */
export function expandRun(options: Json, kindOf: (key: string) => KeyKind | undefined): MatrixPoint[] {
  let points: MatrixPoint[] = [{ options: {}, matrix: {} }];
  for (const [key, value] of Object.entries(options)) {
    const kind = kindOf(key);
    if (kind === undefined || !isAxis(kind, value)) {
      for (const p of points) p.options[key] = value;
      continue;
    }
    points = points.flatMap((p) => value.map((v) => ({ options: { ...p.options, [key]: v }, matrix: { ...p.matrix, [key]: v } })));
  }
  return points;
}

/** `workload=set nodeOpt=read-mode=local`: an axis point in words, for messages and tables. */
export function describeMatrix(matrix: Json): string {
  return Object.entries(matrix)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') || '[]' : String(v)}`)
    .join(' ');
}
