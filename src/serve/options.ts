import { statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../util/errors.js';

export interface ServeArgs {
  store?: string;
  host?: string;
  port?: number;
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

export function resolveServeOptions(a: ServeArgs): ServeOptions {
  const store = path.resolve(a.store ?? 'results');
  if (!statSync(store, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--store ${JSON.stringify(a.store ?? 'results')}: no such directory`);
  const port = a.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer in [0, 65535]; got ${a.port}`);
  const host = a.host ?? '127.0.0.1';
  if (host === '') throw new UsageError('--host must not be empty');
  const allowHosts = (a.allowHost ?? []).flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean);
  return { store, host, port, allowHosts };
}
