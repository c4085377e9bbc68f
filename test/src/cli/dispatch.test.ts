import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/fixtures.js';

// The real entry point as a process (src through tsx: no build needed).
const dir = mkdtempSync(path.join(tmpdir(), 'faultline-dispatch-'));
const history = path.join(dir, 'h.jsonl');
writeFileSync(history, '{"type":"invoke","process":0,"f":"write","value":1}\n{"type":"ok","process":0,"f":"write","value":1}\n');
const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

async function faultline(args: string[], loads?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const node = ['--import', 'tsx', ...(loads ? ['--import', './test/support/record-loads.mjs'] : []), 'src/cli/main.ts'];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...node, ...args], {
      cwd: repoRoot,
      env: { ...process.env, FAULTLINE_LOADS: loads ?? '' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** the packages a command line loaded (from node_modules) */
async function packagesLoaded(args: string[]): Promise<Set<string>> {
  const loads = path.join(dir, `loads-${args.join('-').replace(/\W/g, '_')}.txt`);
  writeFileSync(loads, '');
  const r = await faultline(args, loads);
  expect(r.stderr).not.toMatch(/internal error/);
  const urls = readFileSync(loads, 'utf8').split('\n');
  return new Set(
    urls
      .flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? [])
      .filter((p) => p !== 'tsx' && p !== 'esbuild' && p !== 'get-tsconfig' && p !== 'resolve-pkg-maps'),
  );
}

describe('faultline entry point', () => {
  it('check loads none of run\u2019s dependencies, nor yargs for a plain command line', async () => {
    const check = await packagesLoaded(['check', history]);
    for (const heavy of ['dockerode', 'execa', 'pino', 'yargs']) expect(check).not.toContain(heavy);
    // help goes through yargs, still without the controller's packages
    const help = await packagesLoaded(['check', history, '--help']);
    expect(help).toContain('yargs');
    for (const heavy of ['dockerode', 'execa', 'pino']) expect(help).not.toContain(heavy);
    // run's own help does load execa (its options come from the controller): the hook sees such loads
    const run = await packagesLoaded(['run', '--help']);
    expect(run).toContain('yargs');
    expect(run).toContain('execa');
  });

  it('--version prints package.json\u2019s version', async () => {
    const r = await faultline(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('help <command> shows that command\u2019s help; an unknown one is a usage error', async () => {
    const [check, none, bad] = await Promise.all([faultline(['help', 'check']), faultline(['help']), faultline(['help', 'nope'])]);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/faultline check <history>/);
    expect(check.stdout).toMatch(/--nil-read/);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/help \[command\]/);
    expect(bad.code).toBe(254);
    expect(bad.stderr).toMatch(/no command "nope"; the commands are check, run/);
  });

  it('an invalid --host for serve exits 254 naming it', async () => {
    const [name, unbindable] = await Promise.all([
      faultline(['serve', '--store', dir, '--host', 'not a host!']),
      faultline(['serve', '--store', dir, '--host', '203.0.113.7', '--port', '0']),
    ]);
    expect(name.code).toBe(254);
    expect(name.stderr).toMatch(/--host must be an IP address or a host name; got "not a host!"/);
    expect(unbindable.code).toBe(254);
    expect(unbindable.stderr).toMatch(/--host 203\.0\.113\.7: cannot listen there \(EADDRNOTAVAIL\)/);
    const port = await faultline(['serve', '--store', dir, '--port', 'eighty']);
    expect(port.code).toBe(254);
    expect(port.stderr).toMatch(/--port must be an integer in \[0, 65535\]; got "eighty"/);
  });
});
