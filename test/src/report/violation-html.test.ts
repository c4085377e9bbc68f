import { describe, expect, it } from 'vitest';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import { renderViolationHtml } from '../../../src/report/violation-html.js';
import { op } from '../../support/histories.js';

const reg = () => getModel('cas-register', { nilRead: 'value' });

describe('renderViolationHtml', () => {
  const stale = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'write', 2, 2, 20, 30), op(2, 2, 'read', null, 1, 40, 50), op(3, 3, 'write', 9, undefined, 45, 0, 'info')];

  it('names the failing op, the prefix, the state and the concurrent ops', () => {
    const result = checkLinearizability(stale, reg());
    const html = renderViolationHtml(result, { file: 'h.jsonl', model: 'cas-register' });
    expect(html).toContain('not linearizable');
    expect(html).toContain('read() → 1</span> (process 2) cannot be linearized');
    expect(result.anomaly?.prefix.map((o) => o.id).slice(0, 2)).toEqual([0, 1]);
    expect(html).toContain(`longest linearizable prefix has <b>${result.anomaly?.prefix.length}</b> operations`);
    expect(html).toContain('1 operation is concurrent with the failing one');
    expect(html).toContain('cannot be linearized after');
    // one lane per process, the failing bar marked, the info op drawn as such
    for (const p of [0, 1, 2, 3]) expect(html).toContain(`process ${p}</text>`);
    expect(html).toMatch(/class="op fail"[^>]*data-id="2"/);
    expect(html).toMatch(/class="op info[^"]*conc[^"]*" data-id="3"/);
    expect(html).not.toMatch(/https?:\/\//); // self-contained: no network
  });

  it('escapes user data everywhere, including the inline JSON', () => {
    const evil = '</script><script>alert(1)</script>';
    const ops = [op(0, 0, 'write', evil, evil, 0, 10), op(1, 1, 'read', null, 'x', 20, 30)];
    const result = checkLinearizability(ops, reg());
    expect(result.valid).toBe(false);
    const html = renderViolationHtml(result, { file: `<img src=x onerror=alert(1)>`, model: 'cas-register' });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<script/g)).toHaveLength(2); // only the page's own data and code blocks
  });

  it('renders a valid result without an anomaly', () => {
    const result = checkLinearizability([op(0, 0, 'write', 1, 1, 0, 10)], reg());
    const html = renderViolationHtml(result, { file: 'ok.jsonl', model: 'cas-register' });
    expect(html).toContain('linearizable</span>');
    expect(html).toContain('consistent with the model');
  });
});
