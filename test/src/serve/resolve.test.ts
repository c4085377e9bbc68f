import { describe, expect, it } from 'vitest';
import { hrefOf, isInside, resolveRequestPath } from '../../../src/serve/resolve.js';

describe('resolving a request path inside the store', () => {
  it('/ is the index; segments are decoded one by one; the query is ignored', () => {
    expect(resolveRequestPath('/')).toEqual({ kind: 'index' });
    expect(resolveRequestPath('/?x=1')).toEqual({ kind: 'index' });
    expect(resolveRequestPath('/a%20b/2025/history.jsonl?dl=1')).toEqual({ kind: 'path', segments: ['a b', '2025', 'history.jsonl'] });
    expect(resolveRequestPath('/a//./b/')).toEqual({ kind: 'path', segments: ['a', 'b'] });
  });

  it('refuses traversal, encoded or not, and separators smuggled inside a segment', () => {
    for (const p of ['/../etc/passwd', '/a/../../x', '/%2e%2e/x', '/a/%2E%2E/%2e%2e/x', '/a%2f..%2f..%2fx', '/..%5c..%5cx', '/a%00b']) {
      expect(resolveRequestPath(p)).toMatchObject({ kind: 'refused', status: 403 });
    }
  });

  it('refuses hidden files, bad encodings and relative targets', () => {
    expect(resolveRequestPath('/.git/config')).toMatchObject({ kind: 'refused', status: 404 });
    expect(resolveRequestPath('/%E0%A4%A')).toMatchObject({ kind: 'refused', status: 400 });
    expect(resolveRequestPath('http://x/a')).toMatchObject({ kind: 'refused', status: 400 });
  });

  it('isInside: the root and below, not siblings with a common prefix', () => {
    expect(isInside('/s/results', '/s/results')).toBe(true);
    expect(isInside('/s/results', '/s/results/a/b')).toBe(true);
    expect(isInside('/s/results', '/s/results/..foo')).toBe(true);
    expect(isInside('/s/results', '/s/results2/a')).toBe(false);
    expect(isInside('/s/results', '/s')).toBe(false);
    expect(isInside('/s/results', '/etc/passwd')).toBe(false);
  });

  it('hrefOf encodes each segment and keeps nested file names', () => {
    expect(hrefOf('a b', '2025', 'nodes/n1/node.log')).toBe('/a%20b/2025/nodes/n1/node.log');
    expect(hrefOf('t', 's', 'nodes/')).toBe('/t/s/nodes');
  });
});
