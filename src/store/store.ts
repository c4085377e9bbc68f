import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
  relink(path.join(testDir, 'latest'), path.basename(dir));
  if (storeLatest) relink(path.join(path.resolve(store), 'latest'), path.join(testName, path.basename(dir)));
  return dir;
}

function relink(link: string, target: string): void {
  rmSync(link, { force: true });
  symlinkSync(target, link);
}

export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
