import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src/serve/records.js';
import { escapeHtml, renderIndex, renderListing } from '../../../src/serve/render.js';

const rec = (over: Partial<RunRecord>): RunRecord => ({
  kind: 'run',
  test: 'register-all',
  stamp: '2025-01-01T100000',
  started: null,
  workload: 'register',
  nemesis: 'all',
  nodes: 5,
  nodeOpts: '',
  ops: 10,
  opsPerSecond: 5,
  verdict: 'valid',
  links: ['results.json'],
  ...over,
});

describe('the index page', () => {
  it('one row per run, classed by verdict, with links into the run directory', () => {
    const html = renderIndex([rec({ verdict: 'invalid', nodeOpts: 'read-mode=local' }), rec({ stamp: '2024-12-31T235959' })], 'results');
    expect(html).toContain('<tr class="invalid">');
    expect(html).toContain('<tr class="valid">');
    expect(html).toContain('href="/register-all/2025-01-01T100000/results.json"');
    expect(html).toContain('2024-12-31 23:59:59');
    expect(html).toContain('read-mode=local');
    expect(html).toMatch(/tr\.incomplete \{ background/);
  });

  it('escapes whatever the store holds', () => {
    const html = renderIndex([rec({ workload: '<script>x</script>', links: ['a"b.txt'] })], '<store>');
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&#60;script&#62;');
    expect(html).toContain('a&#34;b.txt');
    expect(escapeHtml(`&<>"'`)).toBe('&#38;&#60;&#62;&#34;&#39;');
  });

  it('says so when the store is empty', () => {
    expect(renderIndex([], 'results')).toContain('No runs in results yet');
  });

  it('a directory listing links its entries and the parent', () => {
    const html = renderListing(['t', 's', 'nodes'], [{ name: 'n1', dir: true, size: 0 }, { name: 'x.log', dir: false, size: 3 }]);
    expect(html).toContain('href="/t/s/nodes/n1/"');
    expect(html).toContain('href="/t/s/nodes/x.log"');
    expect(html).toContain('href="/t/s/"');
  });
});
