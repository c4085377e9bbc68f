import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * `<store>/<campaign>/<timestamp>/`, the stamp as store.ts makes it, with a `latest`
 * link in `<store>/<campaign>/` only: `<store>/latest` stays the newest *run*, which
 * scripts read results.json from.
 */
export function createCampaignDir(store: string, name: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:]/g, '').replace(/\..*/, '');
  const parent = path.resolve(store, name);
  let dir = path.join(parent, stamp);
  for (let i = 1; existsSync(dir); i++) dir = path.join(parent, `${stamp}-${i}`);
  mkdirSync(dir, { recursive: true });
  const latest = path.join(parent, 'latest');
  rmSync(latest, { force: true });
  symlinkSync(path.basename(dir), latest);
  return dir;
}
