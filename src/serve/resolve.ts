import path from 'node:path';

/** Where a request path leads: the index, a path inside the store, or a refusal. */
export type Resolved = { kind: 'index' } | { kind: 'path'; segments: string[] } | { kind: 'refused'; status: 400 | 403 | 404; reason: string };

/**
 * Resolves a request target (`/test/stamp/history.jsonl?x`) to path segments below
 * the store, without touching the disk. Each segment is percent-decoded on its own,
 * so an encoded `%2e%2e` or `%2f` cannot climb out; `..` is refused rather than
 * normalized (a well-behaved client never sends it). Symlinks are the caller's
 * concern: it must check the real path with isInside.
 */
export function resolveRequestPath(target: string): Resolved {
  const pathname = target.split(/[?#]/, 1)[0];
  if (!pathname.startsWith('/')) return { kind: 'refused', status: 400, reason: 'the path must start with /' };
  const segments: string[] = [];
  for (const raw of pathname.split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return { kind: 'refused', status: 400, reason: 'bad percent-encoding' };
    }
    if (s === '' || s === '.') continue;
    if (s === '..' || /[/\\\0]/.test(s)) return { kind: 'refused', status: 403, reason: 'outside the store' };
    if (s.startsWith('.')) return { kind: 'refused', status: 404, reason: 'hidden file' };
    segments.push(s);
  }
  return segments.length === 0 ? { kind: 'index' } : { kind: 'path', segments };
}

/** Is `p` the directory `root` or below it? Both must be absolute and already resolved (realpath). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The URL of a path below the store, each segment encoded. */
export function hrefOf(...segments: string[]): string {
  return `/${segments
    .flatMap((s) => s.split('/'))
    .filter((s) => s !== '')
    .map(encodeURIComponent)
    .join('/')}`;
}
