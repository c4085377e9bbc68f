import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../../nemesis/families.js';
import { CampaignError } from '../../../src/campaign/errors.js';
import { flagsToKeys, parseCampaign } from '../../../src/campaign/parse.js';
import { RUN_KEYS } from '../../../src/campaign/run-keys.js';
import { InputError } from '../../../src/util/errors.js';
import { repoRoot } from '../../support/fixtures.js';

const keys = RUN_KEYS;
const parse = (doc: unknown, file = 'c.json') => parseCampaign(typeof doc === 'string' ? doc : JSON.stringify(doc), { file, store: '/tmp/store', keys });
const error = (doc: unknown): string => {
  try {
    parse(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(CampaignError);
    expect((err as CampaignError).exitCode).toBe(254);
    expect((err as CampaignError).code).toBe('E_CAMPAIGN');
    return (err as Error).message;
  }
  throw new Error('expected the campaign to be refused');
};

describe('campaign keys', () => {
  it('are the options of faultline run, camelCased, with their kinds', () => {
    expect(keys.get('timeLimit')).toEqual({ key: 'timeLimit', flag: 'time-limit', kind: 'number' });
    expect(keys.get('nodeOpt')?.kind).toBe('strings');
    expect(keys.get('workload')?.kind).toBe('string');
    for (const k of ['nemesis', 'nodes', 'concurrency', 'rate', 'seed', 'interval', 'partitions', 'loss', 'skew', 'testName']) expect(keys.has(k)).toBe(true);
  });
});

describe('parsing a campaign file', () => {
  it('merges defaults into each run and resolves every run through resolveRunConfig', () => {
    const c = parse({
      name: 'nightly',
      defaults: { timeLimit: 30, nodes: 5, nemesis: 'all', seed: 7 },
      runs: [
        { workload: 'register' },
        { workload: 'set', nemesis: 'partition,kill' },
        { workload: 'register', nodeOpt: ['read-mode=local'], expect: 'invalid' },
      ],
    });
    expect(c.name).toBe('nightly');
    expect(c.runs.map((r) => [r.config.workload, r.config.families.join(','), r.config.nodes, r.config.timeLimitS, r.expect])).toEqual([
      ['register', FAMILIES.join(','), 5, 30, 'valid'],
      ['set', 'partition,kill', 5, 30, 'valid'],
      ['register', FAMILIES.join(','), 5, 30, 'invalid'],
    ]);
    expect(c.runs[2].config.sutOpts).toEqual({ 'read-mode': 'local' });
    expect(c.runs.every((r) => r.config.store === '/tmp/store' && r.config.seed === 7)).toBe(true);
  });

  it('a run overrides the defaults, expect included; a single nodeOpt string is allowed', () => {
    const c = parse({
      name: 'x',
      defaults: { expect: 'invalid', nodeOpt: ['ack=before-commit'] },
      runs: [{}, { expect: 'valid', nodeOpt: 'read-mode=lease' }],
    });
    expect(c.runs.map((r) => [r.expect, r.config.sutOpts])).toEqual([
      ['invalid', { ack: 'before-commit' }],
      ['valid', { 'read-mode': 'lease' }],
    ]);
  });

  it('takes the name from the file when there is none', () => {
    expect(parse({ runs: [{}] }, 'campaigns/unsafe-modes.json').name).toBe('unsafe-modes');
  });

  it('refuses unknown keys, naming the run and the key', () => {
    expect(error({ runs: [{}, { workload: 'set', timelimit: 3 }] })).toMatch(/^c\.json: runs\[1\]\.timelimit: unknown key; expected one of .*timeLimit/);
    expect(error({ defaults: { bogus: 1 }, runs: [{}] })).toMatch(/^c\.json: defaults\.bogus: unknown key/);
    expect(error({ runs: [{}], extra: true })).toMatch(/^c\.json: extra: unknown key; expected name, description, defaults, runs/);
    expect(error({ runs: [{ toString: 1 }] })).toMatch(/runs\[0\]\.toString: unknown key/);
  });

  it('refuses wrong types before resolving', () => {
    expect(error({ runs: [{ nodes: '5' }] })).toBe('c.json: runs[0].nodes: must be a number (or a list of numbers, one run each); got "5"');
    expect(error({ runs: [{ workload: 3 }] })).toBe('c.json: runs[0].workload: must be a string (or a list of strings, one run each); got 3');
    expect(error({ runs: [{ nodeOpt: [1] }] })).toMatch(/^c\.json: runs\[0\]\.nodeOpt: must be a string or an array of strings .*; got \[1\]$/);
    // each value of a list is checked, and named by its position
    expect(error({ runs: [{ seed: [1, 'two'] }] })).toMatch(/^c\.json: runs\[0\]\.seed\[1\]: must be a number/);
    expect(error({ runs: [{ nodeOpt: [['a=b'], [2]] }] })).toMatch(/^c\.json: runs\[0\]\.nodeOpt\[1\]: must be a string or an array of strings/);
    expect(error({ runs: [{ workload: [] }] })).toBe('c.json: runs[0].workload: an empty list runs nothing: give at least one value');
    expect(error({ runs: [{ expect: ['valid', 'invalid'] }] })).toMatch(/^c\.json: runs\[0\]\.expect: takes one value, not a list/);
  });

  it('reports resolveRunConfig errors with the run and in the file\u2019s key names', () => {
    expect(error({ runs: [{}, {}, { timeLimit: -1 }] })).toBe('c.json: runs[2]: timeLimit must be positive; got -1');
    expect(error({ runs: [{ workload: 'queue' }] })).toMatch(/^c\.json: runs\[0\]: workload must be one of register, set, bank, orders/);
    expect(error({ runs: [{ nemesis: 'flood' }] })).toMatch(/^c\.json: runs\[0\]: nemesis: unknown fault family "flood"/);
    expect(error({ runs: [{ nodeOpt: ['read-mode'] }] })).toMatch(/^c\.json: runs\[0\]: nodeOpt expects key=value/);
  });

  it('refuses a bad expect, store per run, empty runs, bad names and a test named like the campaign', () => {
    expect(error({ runs: [{ expect: 'ok' }] })).toBe('c.json: runs[0].expect: must be one of valid, invalid, unknown; got "ok"');
    expect(error({ runs: [{ store: 'elsewhere' }] })).toMatch(/runs\[0\]\.store: the store is the campaign's/);
    expect(error({ name: 'x', runs: [] })).toMatch(/^c\.json: runs: expected a non-empty array/);
    expect(error({ name: 'x' })).toMatch(/^c\.json: runs: expected a non-empty array/);
    expect(error({ name: 'latest', runs: [{}] })).toMatch(/^c\.json: name: must start/);
    expect(error({ name: '../up', runs: [{}] })).toMatch(/^c\.json: name: must start/);
    expect(error({ name: 'n', runs: [{ testName: 'n' }] })).toMatch(/runs\[0\]\.testName: must differ from the campaign's name/);
    expect(error([1, 2])).toMatch(/^c\.json: expected a JSON object/);
    expect(error({ runs: ['register'] })).toBe('c.json: runs[0]: expected an object of run options');
  });

  it('a JSON syntax error is an input error naming the file and line', () => {
    const bad = '{\n  "runs": [\n    {"workload": "register",}\n  ]\n}';
    expect(() => parse(bad)).toThrow(InputError);
    expect(() => parse(bad)).toThrow(/^c\.json:3: not valid JSON/);
    expect(() => parse('')).toThrow(/^c\.json:1: not valid JSON/);
  });

  it('a list-valued key expands into one run per value: workloads × nemesis × node options × seeds, the first key varying slowest', () => {
    const c = parse({
      name: 'm',
      defaults: { seed: [1, 2] },
      runs: [
        { workload: ['register', 'set'], nemesis: ['partition', 'kill,pause'], nodeOpt: [[], ['read-mode=local']] },
        { workload: 'bank', nodeOpt: ['ack=before-commit', 'read-mode=local'] },
      ],
    });
    expect(c.runs).toHaveLength(2 * 2 * 2 * 2 + 2);
    expect(c.runs.slice(0, 3).map((r) => r.matrix)).toEqual([
      { seed: 1, workload: 'register', nemesis: 'partition', nodeOpt: [] },
      { seed: 1, workload: 'register', nemesis: 'partition', nodeOpt: ['read-mode=local'] },
      { seed: 1, workload: 'register', nemesis: 'kill,pause', nodeOpt: [] },
    ]);
    expect(c.runs.map((r) => r.index)).toEqual([...c.runs.keys()]);
    expect(c.runs[1].config).toMatchObject({ workload: 'register', families: ['partition'], sutOpts: { 'read-mode': 'local' }, seed: 1 });
    expect(c.runs[15].config).toMatchObject({ workload: 'set', families: ['kill', 'pause'], sutOpts: {}, seed: 2 });
    // an array of strings is one run's node options, not an axis
    expect(c.runs.slice(16).map((r) => [r.matrix, r.config.sutOpts, r.source])).toEqual([
      [{ seed: 1 }, { ack: 'before-commit', 'read-mode': 'local' }, 1],
      [{ seed: 2 }, { ack: 'before-commit', 'read-mode': 'local' }, 1],
    ]);
    expect(new Set(c.runs.map((r) => r.key)).size).toBe(c.runs.length);
  });

  it('systems under test are an axis like any other', () => {
    const c = parse({ runs: [{ sut: ['exchange', 'etcd'], workload: 'set', nemesis: 'partition', seed: 1 }] });
    expect(c.runs.map((r) => [r.config.sut, r.config.testName])).toEqual([
      ['exchange', 'set-partition'],
      ['etcd', 'etcd-set-partition'],
    ]);
  });

  it('names the expanded run a resolution error comes from', () => {
    expect(error({ runs: [{ workload: ['register', 'queue'] }] })).toMatch(/^c\.json: runs\[0\] \(workload=queue\): workload must be one of/);
  });

  it('--repeat runs the whole plan again; runs without a seed get one each, runs with one keep it', () => {
    const c = parseCampaign(JSON.stringify({ runs: [{ workload: 'set' }, { workload: 'register', seed: 5 }] }), {
      file: 'c.json',
      store: '/tmp/store',
      keys,
      repeat: 3,
      seedBase: 100,
    });
    expect(c.runs.map((r) => [r.repeat, r.config.workload, r.config.seed])).toEqual([
      [1, 'set', 100],
      [1, 'register', 5],
      [2, 'set', 102],
      [2, 'register', 5],
      [3, 'set', 104],
      [3, 'register', 5],
    ]);
    // the same run's repetitions are told apart for compare by their occurrence
    expect(c.runs.map((r) => r.key)).toEqual([
      'workload="set"',
      'seed=5 workload="register"',
      'workload="set" #2',
      'seed=5 workload="register" #2',
      'workload="set" #3',
      'seed=5 workload="register" #3',
    ]);
  });

  it('flag names in messages become keys', () => {
    expect(flagsToKeys('--time-limit must be positive; --node-opt x')).toBe('timeLimit must be positive; nodeOpt x');
  });

  it('the example campaigns in campaigns/ are valid', () => {
    const dir = path.join(repoRoot, 'campaigns');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(parse(readFileSync(path.join(dir, f), 'utf8'), f).runs.length).toBeGreaterThan(0);
  });
});
