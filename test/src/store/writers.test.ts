import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedFromHistory, listStore, readTail } from '../../../src/store/read.js';
import { appliedFaults, writeDataListings, writeJsonAtomic, writeResults, writeRunPictures } from '../../../src/store/writers.js';
import { invalidRegisterSample, perfSample } from '../../support/report-samples.js';

describe('the results directory writers and readers', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the timeline, both plots and the perf page into the run directory', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-report-'));
    const files = await writeRunPictures(dir, perfSample().slice(0, 2000), 'run');
    expect(files.map((f) => path.basename(f))).toEqual(['timeline.html', 'latency.svg', 'rate.svg', 'perf.html']);
    expect(await readFile(path.join(dir, 'latency.svg'), 'utf8')).toMatch(/^<svg xmlns=/);
    expect(await readFile(path.join(dir, 'perf.html'), 'utf8')).toContain('<h2>Throughput</h2>');
  });

  it('results.json records the faults the history says were applied, and the violation page is written for an invalid linearizability result', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-report-'));
    const ops = perfSample();
    const applied = appliedFaults(ops);
    expect(Object.values(applied).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await writeResults(dir, 'run', ops, false, { linearizable: invalidRegisterSample() }, { interrupted: false });
    const results = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8'));
    expect(results.valid).toBe(false);
    expect(results.run).toEqual({ interrupted: false, applied });
    expect(await readFile(path.join(dir, 'linearizability.html'), 'utf8')).toContain('not linearizable');
  });

  it('reads the same applied faults back from a history file, and a store directory with its node logs', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-store-'));
    const run = path.join(dir, 't', '2025-01-01T000000');
    mkdirSync(path.join(run, 'nodes', 'n1', 'data', 'wal'), { recursive: true });
    const ops = perfSample();
    writeFileSync(path.join(run, 'history.jsonl'), `${ops.map((o) => JSON.stringify(o)).join('\n')}\n{"torn`);
    writeFileSync(path.join(run, 'test.json'), '{"workload":"register"}');
    writeFileSync(path.join(run, 'nodes', 'n1', 'node.log'), 'a\nb\nc\n');
    writeFileSync(path.join(run, 'nodes', 'n1', 'data', 'wal', 'seg-1'), 'xyz');
    writeJsonAtomic(path.join(run, 'status.json'), { phase: 'load' });
    writeDataListings(path.join(run, 'nodes'));
    expect(appliedFromHistory(run)).toEqual(appliedFaults(ops));
    const [c] = listStore(dir);
    expect(c).toMatchObject({ test: 't', stamp: '2025-01-01T000000', nodeLogs: ['n1'], testJson: { workload: 'register' }, statusJson: { phase: 'load' } });
    expect(c.resultsJson).toBeUndefined();
    expect(await readFile(path.join(run, 'nodes', 'n1', 'data-listing.txt'), 'utf8')).toBe('3\twal/seg-1\n');
    expect(readTail(path.join(run, 'nodes', 'n1', 'node.log'), 4)).toEqual({ text: 'c\n', truncated: true });
  });
});
