import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { LATEST } from './layout.js';

/**
 * The results store (contracts.md §4): <store>/<test-name>/<timestamp>/, with a
 * `latest` link at both levels pointing at the newest run. A campaign's directory
 * (`storeLatest: false`) links only its own `latest`: `<store>/latest` stays the
 * newest *run*, which scripts read results.json from.
 */
export function createRunDir(store: string, testName: string, now = new Date(), { storeLatest = true } = {}): string {
  const stamp = now.toISOString().replace(/[:]/g, '').replace(/\..*/, '');
  const testDir = path.resolve(store, testName);
  let dir = path.join(testDir, stamp);
  for (let i = 1; existsSync(dir); i++) dir = path.join(testDir, `${stamp}-${i}`);
  mkdirSync(dir, { recursive: true });
  relink(path.join(testDir, LATEST), path.basename(dir));
  if (storeLatest) relink(path.join(path.resolve(store), LATEST), path.join(testName, path.basename(dir)));
  return dir;
}

function relink(link: string, target: string): void {
  rmSync(link, { force: true });
  symlinkSync(target, link);
}
