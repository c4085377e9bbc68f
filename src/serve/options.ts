import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { UsageError } from '../util/errors.js';

export interface ServeArgs {
  store?: string;
  host?: string;
  /** as written on the command line ("8080"), or a number */
  port?: number | string;
  allowHost?: string[];
}

/** `faultline serve`'s options, resolved once. */
export interface ServeOptions {
  /** absolute path of the results store */
  store: string;
  host: string;
  /** 0 picks a free port */
  port: number;
  /** host names accepted in the Host header besides localhost, IP addresses and `host` (DNS rebinding protection) */
  allowHosts: string[];
}

/** a host name: dot-separated labels of letters, digits and inner hyphens (RFC 1123) */
const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/;

export function resolveServeOptions(a: ServeArgs): ServeOptions {
  const store = path.resolve(a.store ?? 'results');
  if (!statSync(store, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--store ${JSON.stringify(a.store ?? 'results')}: no such directory`);
  const rawPort = a.port ?? 8080;
  const port = typeof rawPort === 'number' ? rawPort : /^\d+$/.test(rawPort.trim()) ? Number(rawPort) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be an integer in [0, 65535]; got ${JSON.stringify(String(rawPort))}`);
  const host = a.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new UsageError('--host must not be empty');
  // an IPv6 address may come in brackets, as in a URL
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) === 0 && (bare !== host || /^[\d.]+$/.test(bare) || !HOSTNAME.test(bare))) {
    throw new UsageError(`--host must be an IP address or a host name; got ${JSON.stringify(host)}`);
  }
  const allowHosts = (a.allowHost ?? [])
    .flatMap((h) => h.split(','))
    .map((h) => h.trim())
    .filter(Boolean);
  return { store, host: bare, port, allowHosts };
}
