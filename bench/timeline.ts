/**
 * `npm run bench:timeline`: the report pages of a long run. Builds timeline.html for
 * 100,000 client ops (64 workers, ten fault windows) and prints how long that takes and
 * how large the page is; then, when Debian's chromium is there, how long the page takes
 * to load and draw, and a redraw of the whole run and of a fault's window.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { renderTimelineHtml } from '../src/report/timeline.js';
import { RUN_FILES } from '../src/store/layout.js';
import { generateLongRun } from './gen-history.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${availableParallelism()} cores)\n`,
  );
  console.log('| benchmark | measured |\n|---|---:|');
  const ops = generateLongRun(100_000, 64);
  let html = '';
  const builds = Array.from({ length: 5 }, () => {
    const t = performance.now();
    html = renderTimelineHtml(ops, { title: 'bench', anomalies: [{ label: 'an anomaly', indexes: [ops[ops.length >> 1].index] }] });
    return performance.now() - t;
  });
  console.log(`| timeline.html, 100,000 ops: build (median of 5) | ${median(builds).toFixed(0)} ms |`);
  console.log(`| timeline.html, 100,000 ops: size | ${(html.length / 1e6).toFixed(1)} MB |`);
  const chromium = '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.log('| page load and draw | (no /usr/bin/chromium: docker/host-setup.sh installs it) |');
    return;
  }
  const { chromium: pw } = await import('playwright-core');
  const dir = mkdtempSync(path.join(tmpdir(), 'faultline-bench-timeline-'));
  const file = path.join(dir, RUN_FILES.timeline);
  writeFileSync(file, html);
  const ctx = await pw.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const loads: number[] = [];
    const page = await ctx.newPage();
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await page.goto(`file://${file}`);
      await page.waitForFunction('window.timeline !== undefined');
      loads.push(performance.now() - t);
    }
    console.log(`| timeline.html, 100,000 ops: load, parse and first draw (median of 3) | ${median(loads).toFixed(0)} ms |`);
    const whole = (await page.evaluate('Array.from({length: 7}, () => window.timeline.drawMs())')) as number[];
    console.log(`| redraw, the whole run (median of 7) | ${median(whole).toFixed(1)} ms |`);
    await page.evaluate('window.timeline.jumpFault(2)');
    const zoomed = (await page.evaluate('Array.from({length: 7}, () => window.timeline.drawMs())')) as number[];
    console.log(`| redraw, one fault's window (median of 7) | ${median(zoomed).toFixed(1)} ms |`);
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
