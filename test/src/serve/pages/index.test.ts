import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../../src/serve/html.js';
import { renderIndex, renderListing } from '../../../../src/serve/pages/index.js';
import type { RunRecord } from '../../../../src/serve/records.js';

const rec = (over: Partial<RunRecord>): RunRecord => ({
  kind: 'run',
  test: 'register-all',
  stamp: '2025-01-01T100000',
  started: null,
  workload: 'register',
  nemesis: 'all',
  applied: { partition: 2, kill: 1 },
  nodes: 5,
  nodeOpts: '',
  ops: 10,
  opsPerSecond: 5,
  verdict: 'valid',
  live: false,
  workloads: ['register'],
  faults: ['partition', 'kill'],
  links: ['results.json'],
  ...over,
});

describe('the index page', () => {
  it('one row per run, classed by verdict (live in progress), with the faults applied and links into the run directory', () => {
    const html = renderIndex(
      [
        rec({ verdict: 'invalid', nodeOpts: 'read-mode=local' }),
        rec({ stamp: '2024-12-31T235959' }),
        rec({ verdict: 'incomplete', live: true, stamp: '2025-01-02T000000' }),
      ],
      'results',
    );
    expect(html).toContain('<tr class="r-invalid" data-kind="run">');
    expect(html).toContain('<tr class="r-valid" data-kind="run">');
    expect(html).toContain('<tr class="r-live" data-kind="run">');
    expect(html).toContain('<b>In progress:</b> <a href="/register-all/2025-01-02T000000/">');
    expect(html).toContain('<td>partition×2 kill×1</td>');
    expect(html).toContain('href="/register-all/2025-01-01T100000/results.json"');
    expect(html).toContain('2024-12-31 23:59:59');
    expect(html).toContain('read-mode=local');
  });

  it('filters by the query and offers the values the store holds', () => {
    const html = renderIndex([rec({ verdict: 'invalid' }), rec({ workload: 'set', workloads: ['set'], faults: [], applied: {} })], 'results', {
      workload: 'set',
    });
    expect(html.match(/<tr class="r-/g)).toHaveLength(1);
    expect(html).toContain('<option value="set" selected>set</option>');
    expect(html).toContain('<option value="partition">partition</option>');
    expect(html).toContain('2 in <code>results</code>, 1 shown');
    expect(renderIndex([rec({})], 'results', { verdict: 'invalid' })).toContain('No run matches the filter.');
  });

  it('escapes whatever the store holds', () => {
    const html = renderIndex([rec({ workload: '<script>x</script>', links: ['a"b.txt'] })], '<store>');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('a&#34;b.txt');
    expect(escapeHtml(`&<>"'`)).toBe('&#38;&#60;&#62;&#34;&#39;');
  });

  it('says so when the store is empty', () => {
    expect(renderIndex([], 'results')).toContain('No runs in <code>results</code> yet');
  });

  it('a directory listing links its entries and the parent', () => {
    const html = renderListing(
      ['t', 's', 'nodes'],
      [
        { name: 'n1', dir: true, size: 0 },
        { name: 'x.log', dir: false, size: 3 },
      ],
    );
    expect(html).toContain('href="/t/s/nodes/n1/"');
    expect(html).toContain('href="/t/s/nodes/x.log"');
    expect(html).toContain('href="/t/s/"');
  });
});
