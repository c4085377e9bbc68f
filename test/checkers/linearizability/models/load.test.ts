import { describe, expect, it } from 'vitest';
import { getModel, modelNames } from '../../../../checkers/linearizability/models/index.js';
import { loadModel } from '../../../../checkers/linearizability/models/load.js';

describe('loadModel (one model module at a time, for the command line)', () => {
  it('gives the same models as getModel, with the same refusals', async () => {
    for (const name of modelNames()) {
      const loaded = await loadModel(name);
      const made = getModel(name);
      expect(loaded.name).toBe(made.name);
      expect(loaded.describeState(loaded.init())).toBe(made.describeState(made.init()));
    }
    expect((await loadModel('kv', { initial: 'x' })).describeState((await loadModel('kv', { initial: 'x' })).init())).toBe('"x"');
    await expect(loadModel('nope')).rejects.toThrow(/unknown model "nope"; expected one of register, cas-register/);
    await expect(loadModel('set', { initial: [] })).rejects.toThrow(/--initial does not apply to the set model/);
  });
});
