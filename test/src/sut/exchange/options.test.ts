import { describe, expect, it } from 'vitest';
import { NODE_OPTIONS, validateNodeOptions } from '../../../../src/sut/exchange/options.js';
import { INT_OPTIONS, MODE_OPTIONS } from '../../../../systems/exchange/node/options.js';

// The harness keeps its own copy of the node's options (it imports nothing of the system
// under test): this holds the copy to the node's own table, so neither drifts alone.
describe('the exchange adapter\u2019s node options', () => {
  it('are exactly the node\u2019s: every mode with its values (the default first), every integer flag', () => {
    const ints = Object.fromEntries(INT_OPTIONS.map((k) => [k, 'int']));
    expect(NODE_OPTIONS).toEqual({ ...MODE_OPTIONS, ...ints });
  });

  it('refuse an unknown option and a value the node does not take, naming what is allowed', () => {
    expect(() => validateNodeOptions({ 'read-mod': 'local' })).toThrow(/no such option; expected one of read-mode/);
    expect(() => validateNodeOptions({ fsync: 'sometimes' })).toThrow(/expected one of before-ack, after-ack, never/);
    expect(() => validateNodeOptions({ 'tick-ms': '-1' })).toThrow(/a non-negative integer/);
    expect(validateNodeOptions({ 'read-mode': 'lease', 'lease-start': 'ack' })).toEqual({ 'read-mode': 'lease', 'lease-start': 'ack' });
  });
});
