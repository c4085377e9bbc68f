import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filterFromQuery, type IndexFilter, isLive, matches, STALE_STATUS_MS, toRunRecord, verdictOf } from '../../../src/serve/records.js';
import { scanStore } from '../../../src/serve/scan.js';
import { fakeStore } from './fake-store.js';

const { store } = fakeStore();
afterAll(() => rmSync(path.dirname(store), { recursive: true, force: true }));

describe('scanning the results store', () => {
  it('lists every run once, newest first, skipping latest links and directories that are not runs', () => {
    const runs = scanStore(store);
    expect(runs.map((r) => `${r.test}/${r.stamp}`)).toEqual([
      'nightly/2025-01-05T100000',
      'bank-kill/2025-01-04T100000',
      'set-none/2025-01-03T100000',
      'register-partition/2025-01-02T100000',
      'register-all/2025-01-01T100000',
    ]);
  });

  it('takes the verdict from results.json, incomplete without it', () => {
    expect(scanStore(store).map((r) => [r.verdict, r.live])).toEqual([
      ['invalid', false],
      ['incomplete', true],
      ['incomplete', false],
      ['invalid', false],
      ['valid', false],
    ]);
  });

  it('reads workload, nemesis, node options and op counts', () => {
    const [, live, none, local, all] = scanStore(store);
    expect(live).toMatchObject({ nodeOpts: 'ack=before-commit', applied: { kill: 1 }, faults: ['kill'] });
    expect(all).toMatchObject({ workload: 'register', nemesis: 'partition,kill', nodes: 3, ops: 100, opsPerSecond: 42, started: '2025-01-01T10:00:00.123Z' });
    expect(local).toMatchObject({ nodeOpts: 'read-mode=local', ops: 11 });
    expect(none).toMatchObject({ workload: 'set', nemesis: 'none', ops: null });
  });

  it('links results first, then the pictures, then node logs and the nodes/ directory', () => {
    const [, , , local, all] = scanStore(store);
    expect(local.links).toEqual(['results.json', 'history.jsonl', 'linearizability.html', 'test.json', 'nodes/n1/node.log', 'nodes/n2/node.log', 'nodes/']);
    expect(all.links.slice(0, 5)).toEqual(['results.json', 'history.jsonl', 'timeline.html', 'latency.svg', 'test.json']);
  });

  it('a campaign directory is one row with the merged expectation verdict', () => {
    const r = toRunRecord({
      test: 'nightly',
      stamp: 's',
      dir: '/none',
      entries: ['campaign.json'],
      nodeLogs: [],
      campaignJson: { started: 'x', finished: 'y', valid: false, runs: [{}, {}] },
    });
    expect(r).toMatchObject({ kind: 'campaign', verdict: 'invalid', ops: 2, links: ['campaign.json'] });
    expect(
      toRunRecord({
        test: 'nightly',
        stamp: 's',
        dir: '/none',
        entries: ['campaign.json'],
        nodeLogs: [],
        campaignJson: { valid: 'unknown', finished: null, runs: [] },
      }).verdict,
    ).toBe('incomplete');
  });

  it('filters by verdict (live: runs in progress), workload, the faults applied or the scenario, and kind', () => {
    const runs = scanStore(store);
    const names = (f: IndexFilter): string[] => runs.filter((r) => matches(r, f)).map((r) => r.test);
    expect(names({ verdict: 'invalid' })).toEqual(['nightly', 'register-partition']);
    expect(names({ verdict: 'live' })).toEqual(['bank-kill']);
    expect(names({ verdict: 'incomplete' })).toEqual(['set-none']);
    expect(names({ workload: 'register' })).toEqual(['nightly', 'register-partition', 'register-all']);
    expect(names({ nemesis: 'kill' })).toEqual(['nightly', 'bank-kill']);
    expect(names({ nemesis: 'none' })).toEqual(['set-none', 'register-partition', 'register-all']); // their histories show no fault applied
    expect(names({ kind: 'campaign', verdict: 'invalid' })).toEqual(['nightly']);
    expect(filterFromQuery(new URLSearchParams('verdict=valid&workload=&nemesis=kill'))).toEqual({
      verdict: 'valid',
      workload: undefined,
      nemesis: 'kill',
      kind: undefined,
    });
  });

  it('a status gone stale (its controller died) is not live', () => {
    const fresh = { statusJson: { phase: 'load', updated: new Date(1_000_000).toISOString() }, resultsJson: undefined };
    expect(isLive(fresh, 1_000_000 + 5_000)).toBe(true);
    expect(isLive(fresh, 1_000_000 + STALE_STATUS_MS + 1)).toBe(false);
    expect(isLive({ ...fresh, statusJson: { phase: 'done', updated: new Date(1_000_000).toISOString() } }, 1_000_000)).toBe(false);
    expect(isLive({ ...fresh, resultsJson: { valid: true } }, 1_000_000)).toBe(false);
  });

  it('verdicts: true, false, anything else unknown; absent results incomplete', () => {
    expect([verdictOf(true, true), verdictOf(false, true), verdictOf('unknown', true), verdictOf(undefined, false)]).toEqual([
      'valid',
      'invalid',
      'unknown',
      'incomplete',
    ]);
  });

  it('an empty or missing store has no runs', () => {
    expect(scanStore(path.join(store, 'nope'))).toEqual([]);
  });
});
