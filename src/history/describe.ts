/**
 * A value from a history as the user wrote it, shortened, for error messages: JSON
 * text, never `[object Object]`; `nothing` when the field is absent.
 */
export function describe(v: unknown, max = 60): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = typeof v === 'bigint' || (typeof v === 'number' && !Number.isFinite(v)) ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
