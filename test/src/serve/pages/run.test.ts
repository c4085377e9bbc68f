import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCampaignPage } from '../../../../src/serve/pages/campaign.js';
import { renderLivePage } from '../../../../src/serve/pages/live.js';
import { renderRunPage } from '../../../../src/serve/pages/run.js';
import { readRunDir } from '../../../../src/store/read.js';
import { invalidRegisterSample } from '../../../support/report-samples.js';
import { fakeStore } from '../fake-store.js';

const { store } = fakeStore();
afterAll(() => rmSync(path.dirname(store), { recursive: true, force: true }));

describe('the run page', () => {
  it('shows the verdict, the configuration, the summary, each anomaly with its explanation, the plots, the timeline and the node logs', () => {
    const dir = path.join(store, 'register-partition', '2025-01-02T100000');
    const lin = invalidRegisterSample();
    writeFileSync(
      path.join(dir, 'results.json'),
      JSON.stringify({
        valid: false,
        linearizable: lin,
        stats: { valid: true },
        run: {
          counts: { ok: 10, fail: 0, info: 1 },
          throughput: { opsPerSecond: 9, p50: 1.5, p99: 8 },
          faults: 2,
          leaderFaults: 1,
          faultFailures: 0,
          elections: 2,
          recoveries: [{ kind: 'heal', after: 'stop-partition', atMs: 9100, ms: 300 }],
          finalRecoveryMs: 120,
          interrupted: false,
          applied: { partition: 2 },
        },
      }),
    );
    writeFileSync(path.join(dir, 'latency.svg'), '<svg/>');
    writeFileSync(path.join(dir, 'timeline.html'), '<html></html>');
    const c = readRunDir(store, 'register-partition', '2025-01-02T100000');
    const html = renderRunPage(c!, [{ node: 'n1', text: 'started <ok>\nleader', truncated: true }]);
    expect(html).toContain('<span class="badge v-invalid">invalid</span>');
    expect(html).toContain('<dt>faults applied</dt><dd>partition×2</dd>');
    expect(html).toContain('<dt>options</dt><dd>read-mode=local</dd>');
    expect(html).toContain('9 ops/s completed; ok latency p50 1.5 ms, p99 8 ms');
    expect(html).toContain('stop-partition at 9.1 s: 300 ms');
    expect(html).toContain('120 ms after the final heal');
    expect(html).toContain('linearizable: not linearizable: read() → 1 (process 2) cannot follow');
    expect(html).toContain('<li>concurrent: cas(2, 3) (info) (process 3)</li>');
    expect(html).toContain('href="/register-partition/2025-01-02T100000/linearizability.html">explanation');
    expect(html).toContain(`href="/register-partition/2025-01-02T100000/timeline.html#index-${lin.anomaly?.op.invokeIndex}">show in the timeline`);
    expect(html).toContain('<img src="/register-partition/2025-01-02T100000/latency.svg" alt="latency.svg">');
    expect(html).toContain('<iframe class="timeline" src="/register-partition/2025-01-02T100000/timeline.html"');
    expect(html).toContain('<pre class="log">started &#60;ok&#62;\nleader</pre>');
    expect(html).toContain('href="/register-partition/2025-01-02T100000/nodes/n1/node.log">full log</a> (the end shown)');
  });

  it('a run without results says so', () => {
    const html = renderRunPage(readRunDir(store, 'set-none', '2025-01-03T100000')!, []);
    expect(html).toContain('<span class="badge v-incomplete">incomplete</span>');
    expect(html).toContain('No results yet');
  });
});

describe('the campaign page', () => {
  it('one row per run against its expectation, linking the runs of this store, the anomaly found, escaped', () => {
    const html = renderCampaignPage(readRunDir(store, 'nightly', '2025-01-05T100000')!, store);
    expect(html).toContain('an expectation not met');
    expect(html).toContain('1 met, 1 unmet');
    expect(html).toContain('<a href="/register-all/2025-01-01T100000/">register-all</a>');
    expect(html).toContain('<span class="badge v-invalid">UNMET</span>');
    expect(html).toContain('linearizable: not linearizable at key 1: &#60;b&#62;read&#60;/b&#62;');
  });
});

describe('the live page', () => {
  it('embeds the status for the first paint and follows the run through server-sent events; nothing in the status reaches the HTML unescaped', () => {
    const html = renderLivePage(readRunDir(store, 'bank-kill', '2025-01-04T100000')!);
    expect(html).toContain('new EventSource("/-/events/bank-kill/2025-01-04T100000")');
    expect(html).toContain('<script type="application/json" id="status">');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('\\u003cimg src=x onerror=alert(1)\\u003e');
    expect(html).not.toMatch(/innerHTML/); // the client builds text nodes only
  });
});
