import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateConcurrentRegister } from '../../../bench/gen-history.js';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import { renderViolationHtml } from '../../../src/report/violation-html.js';
import { resolveServeOptions } from '../../../src/serve/options.js';
import { type RunningServer, startServer } from '../../../src/serve/server.js';
import { createRunDir } from '../../../src/store/store.js';
import { writeCampaignJson, writeResults, writeStatus, writeTestJson } from '../../../src/store/writers.js';
import { type Browser, HAVE_CHROMIUM, launchBrowser, REQUIRE_BROWSER } from '../../support/browser.js';
import { repoRoot } from '../../support/fixtures.js';
import { largeRunSample, perfSample } from '../../support/report-samples.js';
import { liveStatus } from './fake-store.js';

/**
 * The dashboard and the report pages in a real browser (Debian's chromium). The store is
 * kept in test-output/dashboard-store/ after the run, with a screenshot of each page in
 * the directory of the run it shows (`screenshots/`), for a person (or CI's artifacts).
 */
const store = path.join(repoRoot, 'test-output', 'dashboard-store');
const shots: string[] = [];
let srv: RunningServer;
let browser: Browser;
const errors: string[] = [];
let valid = '';
let invalid = '';
let live = '';
let big = '';

async function open(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => errors.push(`${url}: ${e.message}`));
  page.on('console', (m) => void (m.type() === 'error' && errors.push(`${url}: console: ${m.text()}`)));
  await page.goto(new URL(url, srv.url).href);
  return page;
}

async function shot(page: Page, dir: string, name: string, fullPage = true): Promise<void> {
  const file = path.join(dir, 'screenshots', `${name}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage });
  shots.push(file);
}

const LANE0_Y = 22 + 5 * 14 + 4 + 9;
const href = (dir: string): string => `/${path.relative(store, dir).split(path.sep).map(encodeURIComponent).join('/')}/`;

describe.runIf(HAVE_CHROMIUM || REQUIRE_BROWSER)('the dashboard in chromium', () => {
  beforeAll(async () => {
    rmSync(store, { recursive: true, force: true });
    mkdirSync(store, { recursive: true });
    // a valid run with faults, as the controller writes it
    valid = createRunDir(store, 'register-partition-kill', new Date('2025-03-01T10:00:00Z'));
    const ops = perfSample();
    writeTestJson(valid, {
      testName: 'register-partition-kill',
      sut: 'exchange',
      sutOpts: {},
      workload: 'register',
      families: ['partition', 'kill'],
      scenario: 'chaos',
      nodes: 5,
      seed: 7,
      timeLimitS: 60,
      concurrency: 5,
      rate: 100,
      started: '2025-03-01T10:00:00.000Z',
    });
    writeFileSync(path.join(valid, 'history.jsonl'), `${ops.map((o) => JSON.stringify(o)).join('\n')}\n`);
    await writeResults(
      valid,
      'register-partition-kill',
      ops,
      true,
      { linearizable: { valid: true, ops: 100, partitions: 3 }, stats: { valid: true } },
      {
        counts: { ok: 900, fail: 50, info: 10 },
        throughput: { opsPerSecond: 160, p50: 4.1, p99: 90 },
        faults: 2,
        leaderFaults: 1,
        faultFailures: 0,
        elections: 2,
        recoveries: [{ kind: 'heal', after: 'stop-partition', atMs: 30000, ms: 420 }],
        finalRecoveryMs: 310,
        interrupted: false,
      },
    );
    mkdirSync(path.join(valid, 'nodes', 'n1'), { recursive: true });
    writeFileSync(path.join(valid, 'nodes', 'n1', 'node.log'), 'n1 became leader in term 2\n');

    // an invalid run: a 64-client register history with a stale read
    invalid = createRunDir(store, 'register-read-local', new Date('2025-03-01T11:00:00Z'));
    const c64 = generateConcurrentRegister({ clients: 64, keys: 144, keysAtOnce: 3, readRate: 0.5, casRate: 0.2, infoRate: 0.01, staleReads: 1, seed: 7 });
    const lin = checkLinearizability(c64, getModel('cas-register', { nilRead: 'value' }));
    writeTestJson(invalid, {
      testName: 'register-read-local',
      sut: 'exchange',
      sutOpts: { 'read-mode': 'local' },
      workload: 'register',
      families: ['partition'],
      scenario: 'chaos',
      nodes: 5,
      seed: 1,
      timeLimitS: 30,
      started: '2025-03-01T11:00:00.000Z',
    });
    writeFileSync(
      path.join(invalid, 'results.json'),
      JSON.stringify({
        valid: false,
        linearizable: lin,
        stats: { valid: true },
        run: { counts: { ok: 13000, fail: 500, info: 137 }, throughput: { opsPerSecond: 450, p50: 3, p99: 40 }, applied: { partition: 3 } },
      }),
    );
    writeFileSync(path.join(invalid, 'linearizability.html'), renderViolationHtml(lin, { file: 'history.jsonl', model: 'cas-register' }));

    // a 100,000-op run: its timeline
    big = createRunDir(store, 'register-long', new Date('2025-03-01T12:00:00Z'));
    const long = largeRunSample(100_000, 64);
    writeTestJson(big, {
      testName: 'register-long',
      workload: 'register',
      families: ['partition', 'kill', 'pause', 'clock', 'loss'],
      nodes: 5,
      started: '2025-03-01T12:00:00.000Z',
    });
    await writeResults(
      big,
      'register-long',
      long,
      true,
      { stats: { valid: true } },
      { counts: { ok: 99000, fail: 500, info: 500 }, throughput: { opsPerSecond: 166, p50: 4, p99: 30 } },
    );

    // a run in progress: this test plays the controller, rewriting status.json
    live = createRunDir(store, 'bank-kill', new Date('2025-03-01T13:00:00Z'));
    writeTestJson(live, { testName: 'bank-kill', workload: 'bank', families: ['kill'], nodes: 3, timeLimitS: 30, started: new Date().toISOString() });
    writeStatus(live, liveStatus());

    // a campaign of the first two
    const campaign = createRunDir(store, 'nightly', new Date('2025-03-01T14:00:00Z'), { storeLatest: false });
    writeCampaignJson(campaign, {
      name: 'nightly',
      file: 'campaigns/nightly.json',
      dir: campaign,
      started: '2025-03-01T14:00:00.000Z',
      finished: '2025-03-01T14:05:00.000Z',
      stopped: false,
      valid: false,
      exitCode: 1,
      runs: [
        {
          run: 1,
          source: 0,
          matrix: {},
          repeat: 1,
          key: 'a',
          testName: 'register-partition-kill',
          workload: 'register',
          nemesis: 'partition,kill',
          nodeOpts: '',
          seed: 7,
          expect: 'valid',
          verdict: 'valid',
          status: 'met',
          dir: valid,
          opsPerSecond: 160,
          elapsedS: 70,
          anomalies: [],
          config: { families: ['partition', 'kill'] },
        },
        {
          run: 2,
          source: 1,
          matrix: { nodeOpt: ['read-mode=local'] },
          repeat: 1,
          key: 'b',
          testName: 'register-read-local',
          workload: 'register',
          nemesis: 'partition',
          nodeOpts: 'read-mode=local',
          seed: 1,
          expect: 'valid',
          verdict: 'invalid',
          status: 'unmet',
          dir: invalid,
          opsPerSecond: 450,
          elapsedS: 40,
          anomalies: ['linearizable: not linearizable at key k75'],
          config: { families: ['partition'] },
        },
      ],
    });

    srv = await startServer(resolveServeOptions({ store, port: 0 }));
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('the dashboard lists every run and campaign, coloured by verdict, and filters them', async () => {
    const page = await open('/');
    const rows = page.locator('#runs tbody tr');
    expect(await rows.count()).toBe(5);
    expect(await page.locator('#runs tbody tr.r-live').count()).toBe(1);
    expect(await page.locator('#runs tbody tr.r-invalid').count()).toBe(2); // the invalid run and the campaign
    expect(await page.locator('.card', { hasText: 'In progress:' }).textContent()).toContain('bank-kill');
    await shot(page, store, 'index');
    // a filter applies as soon as it is chosen
    await Promise.all([page.waitForURL(/verdict=invalid/), page.selectOption('select[name=verdict]', 'invalid')]);
    expect(await rows.count()).toBe(2);
    await Promise.all([page.waitForURL(/kind=run/), page.selectOption('select[name=kind]', 'run')]);
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('register-read-local');
    await page.close();
  });

  it('opening a run shows its verdict, summary, plots, timeline and node logs', async () => {
    const page = await open('/');
    await Promise.all([page.waitForURL(/register-partition-kill/), page.click('a:text-is("register-partition-kill")')]);
    expect(await page.locator('h1 .badge').textContent()).toBe('valid');
    expect(await page.locator('dl.kv').first().textContent()).toContain('partition×1');
    expect(await page.locator('dl.kv').nth(1).textContent()).toContain('160 ops/s completed');
    // both plots loaded (an image that failed has no natural width)
    const plots = await page.locator('.plots img').evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).alt, (i as HTMLImageElement).naturalWidth]));
    expect(plots).toEqual([
      ['latency.svg', 1100],
      ['rate.svg', 1100],
    ]);
    // the timeline in its frame drew its canvas
    const frame = page.frameLocator('iframe.timeline');
    await frame.locator('#tl').waitFor();
    expect(await page.frames()[1].evaluate(() => (window as unknown as { timeline: { data: { s: unknown[] } } }).timeline.data.s.length)).toBeGreaterThan(1000);
    await page.click('summary:has-text("n1")');
    expect(await page.locator('pre.log').textContent()).toContain('became leader');
    await shot(page, valid, 'run');
    await page.close();
  });

  it('an invalid run\u2019s page says what was found; its violation page keeps the failing op in view', async () => {
    const page = await open(href(invalid));
    expect(await page.locator('h1 .badge').textContent()).toBe('invalid');
    expect(await page.locator('.anomaly .head').first().textContent()).toMatch(/^linearizable: not linearizable at key k75:/);
    await shot(page, invalid, 'run');
    await Promise.all([page.waitForURL(/linearizability\.html/), page.click('a:has-text("explanation")')]);
    const bar = page.locator('g.op.fail rect');
    const box = await bar.boundingBox();
    const view = page.viewportSize()!;
    expect(box).not.toBeNull();
    // the failing op is on screen without scrolling the page or its lanes
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x).toBeLessThan(view.width);
    expect(box!.y).toBeLessThan(view.height);
    expect(await page.locator('text.lane').count()).toBeLessThan(25);
    await shot(page, invalid, 'violation', false);
    await page.close();
  });

  it('the timeline of a 100,000-op run shows the whole run, jumps to a fault and shows an op\u2019s full text', async () => {
    const page = await open(`${href(big)}timeline.html`);
    type TL = { data: { s: number[]; end: number; faults: { start: number; stop: number }[] }; view(): [number, number]; drawMs(): number };
    const tl = (): Promise<{ n: number; faults: number; view: [number, number]; end: number; ms: number }> =>
      page.evaluate(() => {
        const t = (window as unknown as { timeline: TL }).timeline;
        return { n: t.data.s.length, faults: t.data.faults.length, view: t.view(), end: t.data.end, ms: t.drawMs() };
      });
    const whole = await tl();
    expect(whole.n).toBe(100_000);
    expect(whole.faults).toBe(10);
    expect(whole.view[0]).toBeLessThanOrEqual(0);
    expect(whole.view[1]).toBeGreaterThanOrEqual(whole.end);
    // the canvas is drawn: many distinct colours, not a blank page
    const colours = await page.evaluate(() => {
      const c = document.getElementById('tl') as HTMLCanvasElement;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, Math.min(c.height, 600)).data;
      const seen = new Set<number>();
      for (let i = 0; i < px.length; i += 4 * 97) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      return seen.size;
    });
    expect(colours).toBeGreaterThan(20);
    await shot(page, big, 'timeline', false);
    // jump to the third fault: the view is that window
    await page.selectOption('#faultselect', '2');
    const f = await page.evaluate(() => (window as unknown as { timeline: TL }).timeline.data.faults[2]);
    const v = (await tl()).view;
    expect(v[0]).toBeLessThanOrEqual(f.start);
    expect(v[1]).toBeGreaterThanOrEqual(f.stop);
    expect(v[1] - v[0]).toBeLessThan((f.stop - f.start) * 2);
    // click an op in the middle of the first lane: its full text
    const canvas = await page.locator('#hover').boundingBox();
    await page.waitForTimeout(1300); // the flash of the jump fades
    let found = false;
    for (let dx = 0; dx < 400 && !found; dx += 3) {
      await page.mouse.click(canvas!.x + 300 + dx, canvas!.y + LANE0_Y); // the first lane, below the axis and five fault rows
      found = await page.locator('#detail').isVisible();
    }
    expect(found).toBe(true);
    const text = await page.locator('#detailtext').textContent();
    expect(text).toMatch(/^process \d+ · (read|write|cas)\ninvoked +[\d.]+ s +history index \d+\n/);
    expect(text).toMatch(/value in +\["k\d+",/);
    await shot(page, big, 'timeline-op', false);
    await page.close();
  });

  it('a campaign\u2019s page lists its runs against their expectations', async () => {
    const page = await open('/nightly/latest/');
    expect(await page.locator('h1').textContent()).toContain('campaign nightly');
    expect(await page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tbody tr').nth(1).textContent()).toContain('UNMET');
    await shot(page, path.join(store, 'nightly', 'latest'), 'campaign');
    await page.close();
  });

  it('the live page follows status.json as the controller rewrites it, then becomes the run\u2019s page', async () => {
    const page = await open(href(live));
    await page.locator('#nodes tbody tr').first().waitFor();
    expect(await page.locator('#nodes tr.leader td').first().textContent()).toBe('n1');
    expect(await page.locator('#inforce').textContent()).toContain('kill since 8.2 s');
    expect(await page.locator('#anomalies').textContent()).toContain('<img src=x onerror=alert(1)>'); // shown as text, never as markup
    expect(await page.locator('#anomalies img').count()).toBe(0);
    expect(await page.locator('#rate rect').count()).toBeGreaterThan(10);
    await shot(page, live, 'live');
    // the controller moves on: a new leader, more time, a partition
    writeStatus(
      live,
      liveStatus({
        elapsedS: 20.5,
        leader: 'n3',
        nodes: [{ id: 'n3', up: true, role: 'leader', term: 5, commitIndex: 300, appliedIndex: 300, leader: 'n3' }],
        faults: { inForce: [{ f: 'partition', sinceS: 19, value: {} }], applied: [], total: 2 },
      }),
    );
    await page.waitForFunction(() => document.getElementById('leader')?.textContent === 'n3', null, { timeout: 10_000 });
    expect(await page.locator('#clock').textContent()).toMatch(/^21 of 30 s/);
    expect(await page.locator('#inforce').textContent()).toContain('partition since 19 s');
    // the run ends: results are written, the last status says done; the page reloads into the run's page
    writeFileSync(path.join(live, 'results.json'), JSON.stringify({ valid: true, stats: { valid: true }, run: { counts: { ok: 1, fail: 0, info: 0 } } }));
    writeStatus(live, liveStatus({ phase: 'done', valid: true }));
    await page.locator('#ended').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#ended').textContent()).toContain('verdict valid');
    await page.waitForSelector('h1 .badge.v-valid', { timeout: 15_000 });
    await shot(page, live, 'after-live');
    await page.close();
  });

  it('fetched nothing from the network, and no page had an error', () => {
    expect(browser.offsite).toEqual([]);
    expect(errors).toEqual([]);
    expect(shots.length).toBeGreaterThanOrEqual(8);
  });
});
