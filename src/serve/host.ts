import { isIP } from 'node:net';

/** Is this bind address only reachable from this machine? */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The host part of a Host header (`[::1]:8080` → `::1`, `a.b:80` → `a.b`), lower case; null when malformed. */
export function hostOf(header: string): string | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!m) return null;
  return (m[1] ?? m[2]).toLowerCase().replace(/\.$/, '');
}

/**
 * DNS rebinding protection: a page from another site can make a browser send requests
 * to this server under the attacker's own name (its DNS answer switched to our
 * address), and read the answers, since to the browser it is same-origin. The Host
 * header gives it away: accept only names that are ours — localhost, an IP address
 * (a browser sends an IP literal only when the user typed it), the name we were asked
 * to bind, and the names allowed with --allow-host.
 */
export function hostAllowed(header: string | undefined, bound: string, allow: readonly string[] = []): boolean {
  if (header === undefined) return false;
  const h = hostOf(header);
  if (h === null) return false;
  if (h === 'localhost' || h.endsWith('.localhost') || isIP(h) !== 0) return true;
  const names = [bound, ...allow].map((x) =>
    x
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, ''),
  );
  return names.includes(h);
}
