import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toRunRecord, verdictOf } from '../../../src/serve/records.js';
import { scanStore } from '../../../src/serve/scan.js';
import { fakeStore } from './fake-store.js';

const { store } = fakeStore();
afterAll(() => rmSync(path.dirname(store), { recursive: true, force: true }));

describe('scanning the results store', () => {
  it('lists every run once, newest first, skipping latest links and directories that are not runs', () => {
    const runs = scanStore(store);
    expect(runs.map((r) => `${r.test}/${r.stamp}`)).toEqual(['set-none/2025-01-03T100000', 'register-partition/2025-01-02T100000', 'register-all/2025-01-01T100000']);
  });

  it('takes the verdict from results.json, incomplete without it', () => {
    expect(scanStore(store).map((r) => r.verdict)).toEqual(['incomplete', 'invalid', 'valid']);
  });

  it('reads workload, nemesis, node options and op counts', () => {
    const [none, local, all] = scanStore(store);
    expect(all).toMatchObject({ workload: 'register', nemesis: 'partition,kill', nodes: 3, ops: 100, opsPerSecond: 42, started: '2025-01-01T10:00:00.123Z' });
    expect(local).toMatchObject({ nodeOpts: 'read-mode=local', ops: 11 });
    expect(none).toMatchObject({ workload: 'set', nemesis: 'none', ops: null });
  });

  it('links results first, then the pictures, then node logs and the nodes/ directory', () => {
    const [, local, all] = scanStore(store);
    expect(local.links).toEqual(['results.json', 'history.jsonl', 'linearizability.html', 'test.json', 'nodes/n1/node.log', 'nodes/n2/node.log', 'nodes/']);
    expect(all.links.slice(0, 5)).toEqual(['results.json', 'history.jsonl', 'timeline.html', 'latency.svg', 'test.json']);
  });

  it('a campaign directory is one row with the merged expectation verdict', () => {
    const r = toRunRecord({ test: 'nightly', stamp: 's', entries: ['campaign.json'], nodeLogs: [], campaignJson: { started: 'x', finished: 'y', valid: false, runs: [{}, {}] } });
    expect(r).toMatchObject({ kind: 'campaign', verdict: 'invalid', ops: 2, links: ['campaign.json'] });
    expect(toRunRecord({ test: 'nightly', stamp: 's', entries: ['campaign.json'], nodeLogs: [], campaignJson: { valid: 'unknown', finished: null, runs: [] } }).verdict).toBe('incomplete');
  });

  it('verdicts: true, false, anything else unknown; absent results incomplete', () => {
    expect([verdictOf(true, true), verdictOf(false, true), verdictOf('unknown', true), verdictOf(undefined, false)]).toEqual(['valid', 'invalid', 'unknown', 'incomplete']);
  });

  it('an empty or missing store has no runs', () => {
    expect(scanStore(path.join(store, 'nope'))).toEqual([]);
  });
});
