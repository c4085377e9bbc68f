import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRunPictures } from '../../../src/report/write.js';
import { perfSample } from '../../support/report-samples.js';

describe('writeRunPictures', () => {
  let dir = '';
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes the timeline, both plots and the perf page into the run directory', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-report-'));
    const files = await writeRunPictures(dir, perfSample().slice(0, 2000), 'run');
    expect(files.map((f) => path.basename(f))).toEqual(['timeline.html', 'latency.svg', 'rate.svg', 'perf.html']);
    expect(await readFile(path.join(dir, 'latency.svg'), 'utf8')).toMatch(/^<svg xmlns=/);
    expect(await readFile(path.join(dir, 'timeline.html'), 'utf8')).toContain('<div class="op ok"');
    expect(await readFile(path.join(dir, 'perf.html'), 'utf8')).toContain('<h2>Throughput</h2>');
  });
});
