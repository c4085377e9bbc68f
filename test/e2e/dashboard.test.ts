import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveServeOptions } from '../../src/serve/options.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { type Browser, HAVE_CHROMIUM, launchBrowser } from '../support/browser.js';
import { DOCKER, leftovers, REQUIRE_DOCKER } from '../support/docker.js';
import { repoRoot } from '../support/fixtures.js';

/**
 * The live page against a real run: `faultline run` brings a Docker cluster up, and
 * while it goes on the dashboard (served from the same store) shows it in progress and
 * its live page follows it — the leader, the clock, the faults — until it ends and the
 * page becomes the run's. The store stays in test-output/e2e-dashboard/, with the
 * screenshots in the run's directory (screenshots/).
 */
const store = path.join(repoRoot, 'test-output', 'e2e-dashboard');
const TEST = 'e2e-live';
let srv: RunningServer | null = null;
let browser: Browser | null = null;
afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

const until = async <T>(what: string, f: () => T | null | undefined | Promise<T | null | undefined>, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe.runIf(DOCKER || REQUIRE_DOCKER)('the live page follows a real run', () => {
  it('has Docker and chromium (CI must not skip this)', () => {
    expect(DOCKER).toBe(true);
    expect(HAVE_CHROMIUM).toBe(true);
  });

  it('shows the run in progress on the dashboard, follows it live (leader, clock, faults), then shows its verdict', async () => {
    rmSync(store, { recursive: true, force: true });
    mkdirSync(store, { recursive: true });
    srv = await startServer(resolveServeOptions({ store, port: 0 }));
    browser = await launchBrowser();
    const errors: string[] = [];
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin/faultline.js'),
        'run',
        '--workload',
        'set',
        '--nemesis',
        'partition',
        '--partitions',
        'isolate-leader',
        '--nodes',
        '3',
        '--concurrency',
        '6',
        '--rate',
        '100',
        '--interval',
        '2',
        '--time-limit',
        '14',
        '--seed',
        '3',
        '--test-name',
        TEST,
        '--store',
        store,
      ],
      { cwd: repoRoot },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const runs = path.join(store, TEST);
      const stamp = await until('the run directory', () => (existsSync(runs) ? readdirSync(runs).find((d) => d !== 'latest') : null), 60_000);
      const dir = path.join(runs, stamp);
      const shots = path.join(dir, 'screenshots');
      mkdirSync(shots, { recursive: true });
      const page = await browser.context.newPage();
      page.on('pageerror', (e) => errors.push(e.message));

      // the dashboard lists it in progress, once the load has begun
      await page.goto(srv.url);
      await until(
        'the run in progress on the index',
        async () => {
          await page.reload();
          return (await page.locator(`tr.r-live a:text-is("${TEST}")`).count()) > 0;
        },
        90_000,
      );
      await page.screenshot({ path: path.join(shots, 'index-live.png'), fullPage: true });
      await Promise.all([page.waitForURL(new RegExp(`/${TEST}/`)), page.click(`tr.r-live a:text-is("${TEST}")`)]);

      // the live page: every node, a leader, and a clock that moves as the controller rewrites status.json
      await page.locator('#nodes tbody tr').nth(2).waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => /^n\d$/.test(document.getElementById('leader')?.textContent ?? ''), null, { timeout: 30_000 });
      const clock1 = await page.locator('#clock').textContent();
      await page.waitForFunction((c) => document.getElementById('clock')?.textContent !== c, clock1, { timeout: 15_000 });
      expect(await page.locator('#clock').textContent()).toMatch(/^\d+ of 14 s · set, nemesis partition/);
      expect(await page.locator('#nodes tbody tr').count()).toBe(3);
      // a partition is applied within the run; the page lists it as it happens
      await page.waitForFunction(() => Number(document.getElementById('applied-total')?.textContent) > 0, null, { timeout: 30_000 });
      expect(await page.locator('#applied li').first().textContent()).toMatch(/partition/);
      expect(await page.locator('#rate rect').count()).toBeGreaterThan(3);
      await page.screenshot({ path: path.join(shots, 'live.png'), fullPage: true });

      // the run ends: the page says so and becomes the run's page, with its verdict and plots
      expect(await exited).toBe(0);
      await page.waitForSelector('h1 .badge.v-valid', { timeout: 30_000 });
      expect(await page.locator('.plots img').count()).toBe(2);
      await page.screenshot({ path: path.join(shots, 'run.png'), fullPage: true });
      expect(errors).toEqual([]);
      expect(browser.offsite).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGINT');
      await exited;
    }
    expect(output).toContain('verdict    valid');
    expect(leftovers(`faultline-${TEST}`)).toEqual({ containers: '', networks: '' });
  }, 300_000);
});
