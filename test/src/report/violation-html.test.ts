import { describe, expect, it } from 'vitest';
import { generateConcurrentRegister } from '../../../bench/gen-history.js';
import { checkLinearizability } from '../../../checkers/linearizability/check.js';
import { getModel } from '../../../checkers/linearizability/models/index.js';
import type { OpSummary } from '../../../checkers/linearizability/types.js';
import { renderViolationHtml } from '../../../src/report/violation-html.js';
import { op } from '../../support/histories.js';
import { invalidRegisterSample } from '../../support/report-samples.js';

const reg = () => getModel('cas-register', { nilRead: 'value' });

describe('renderViolationHtml', () => {
  const stale = [
    op(0, 0, 'write', 1, 1, 0, 10),
    op(1, 1, 'write', 2, 2, 20, 30),
    op(2, 2, 'read', null, 1, 40, 50),
    op(3, 3, 'write', 9, undefined, 45, 0, 'info'),
  ];

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
    expect(html).not.toContain('Operations by process'); // no operations given: no lanes
  });

  it('draws the lanes of a valid or unknown result from the operations it is given', () => {
    const ops = [op(0, 0, 'write', 1, 1, 0, 10), op(1, 1, 'read', null, 1, 20, 30), op(2, 2, 'write', '<b>', undefined, 5, 0, 'info')];
    const result = checkLinearizability(ops, reg());
    expect(result.valid).toBe(true);
    const html = renderViolationHtml(result, { file: 'ok.jsonl', model: 'cas-register', operations: ops });
    expect(html).toContain('Operations by process');
    expect(html.match(/<g class="op/g)).toHaveLength(3);
    expect(html).toContain('read(null) → 1');
    expect(html).toContain('write(&#34;&#60;b&#62;&#34;) (info)');
    const unknown = renderViolationHtml(
      { ...result, valid: 'unknown', unknownReason: 'timeout' },
      { file: 'u', model: 'm', operations: ops, describe: (o) => `op ${o.id}` },
    );
    expect(unknown).toContain('unknown (timeout)');
    expect(unknown).toContain('stopped at its <b>time</b> budget');
    expect(unknown).toContain('>op 1</text>');
  });
});

describe('renderViolationHtml on the hand-built sample', () => {
  const evil = '<script>alert(1)</script>';

  it('writes the headline: op, prefix, state, reason', () => {
    const html = renderViolationHtml(invalidRegisterSample(), { file: 's.jsonl', model: 'cas-register' });
    expect(html).toContain(
      'read() → 1</span> (process 2) cannot be linearized after\n<span class="mono">(1 earlier op) → write(1) → write(2) → read() → 2 → cas(2, 3) (info)</span> (state: <span class="mono state">3</span>) because read() → 1 is not possible in state 3',
    );
    // the info op is hatched, labelled info, and runs to the end of the lane
    expect(html).toMatch(/<g class="op info[^"]*" data-id="3">/);
    expect(html).toContain('fill:url(#hatch)');
    // both partial linearizations are offered, with the state after each step in the data
    expect(html).toContain('#2: 4 ops, then state 2');
    expect(html).toContain('"states":["null","1","2","2","3"]');
  });

  it('never lets a <script> value through, in the lanes, the headline, the buttons or the data', () => {
    const html = renderViolationHtml(invalidRegisterSample(evil), { file: evil, model: evil });
    expect(html).not.toContain(evil);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).toContain('write(&#60;script&#62;alert(1)&#60;/script&#62;)');
  });

  it('draws only the window around the failing op of a large partition, and says so', () => {
    const base = invalidRegisterSample();
    const ops: OpSummary[] = [];
    for (let i = 0; i < 5000; i++) {
      ops.push({ ...base.partitionOps![0], id: i, process: i % 5, call: i * 10, ret: i * 10 + 5, description: `write(${i})` });
    }
    const failing = { ...ops[4000], description: 'read() → 1' };
    ops[4000] = failing;
    const result = {
      ...base,
      partitionOps: ops,
      anomaly: { ...base.anomaly!, op: failing, prefix: ops.slice(3990, 4000), concurrent: [], linearizations: [] },
    };
    const html = renderViolationHtml(result, { file: 'big', model: 'cas-register' });
    expect(html).toContain('Drawn: the 9 operations of 5000 in this partition'); // the failing op and the last 8 of the prefix
    expect(html.match(/<g class="op/g)).toHaveLength(9);
    expect(html).toContain('data-id="4000"');
    expect(html).toContain('data-id="3992"');
    expect(html).not.toMatch(/<g class="op[^"]*" data-id="3991"/); // not drawn (the table lists it)
  });
});

describe('renderViolationHtml on a 64-client history', () => {
  const ops = generateConcurrentRegister({ clients: 64, keys: 144, keysAtOnce: 3, readRate: 0.5, casRate: 0.2, infoRate: 0.01, staleReads: 1, seed: 7 });
  const result = checkLinearizability(ops, reg());
  const failing = result.anomaly!.op;
  const faults = [{ f: 'partition', start: failing.call - 3e6, stop: failing.call + 1e9, closed: true, value: { grudge: { n1: ['n2'] } } }];
  const html = renderViolationHtml(result, { file: 'h64.jsonl', model: 'cas-register', faults });

  it('draws the lanes of the processes with ops near the failure, the failing op\u2019s first', () => {
    expect(result.valid).toBe(false);
    const lanes = [...html.matchAll(/<text class="lane( failing)?" [^>]*>process (\d+)<\/text>/g)].map((m) => [m[2], Boolean(m[1])]);
    expect(lanes.length).toBeLessThan(25); // the partition's ops ran on about 60 processes
    expect(new Set(result.partitionOps!.map((o) => o.process)).size).toBeGreaterThan(40);
    expect(lanes[0]).toEqual([String(failing.process), true]);
    // every op concurrent with the failing one is drawn
    for (const c of result.anomaly!.concurrent) expect(html).toContain(`data-id="${c.id}"`);
    // the table still lists the whole partition
    expect(html).toContain(`<summary>${result.partitionOps!.length} operations in order of invocation</summary>`);
  });

  it('puts the grey after-the-failure boxes and the fault windows in the legend, and draws the fault over the lanes', () => {
    expect(html).toContain('<span class="sw after"></span>not in the selected linearization: after the failure');
    expect(html).toContain('<span class="sw fault"></span>fault in force (nemesis)');
    expect(html).toMatch(/<g class="fault"><title>partition: -?[\d.]+ s → [\d.]+ s \{&#34;grudge&#34;/);
    expect(html).toMatch(/class="op[^"]* after" data-id/);
  });

  it('on unknown, says which budget ran out and what to raise', () => {
    const timeout = renderViolationHtml(
      { ...result, valid: 'unknown', unknownReason: 'timeout', anomaly: undefined },
      { file: 'h.jsonl', model: 'm', budget: { timeoutS: 30 } },
    );
    expect(timeout).toContain('stopped at its <b>time</b> budget of 30 s');
    expect(timeout).toContain('<code>faultline check h.jsonl --timeout 120</code>');
    const memory = renderViolationHtml({ ...result, valid: 'unknown', unknownReason: 'memory', anomaly: undefined }, { file: 'h.jsonl', model: 'm' });
    expect(memory).toContain('<code>faultline check h.jsonl --memory 4096</code> (MB; the default is 1024)');
  });
});
