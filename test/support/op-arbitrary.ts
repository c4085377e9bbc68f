import fc from 'fast-check';
import type { Op } from '../../src/history/types.js';

/** JSON-representable values as they appear in op values: nested arrays and maps. */
export const opValueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -1e9, max: 1e9 }),
    // no whole numbers beyond 2^53: written as integer literals, the readers refuse
    // those a double cannot hold exactly (limits.ts), and a history holds none
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0) && (Number.isSafeInteger(d) || !Number.isInteger(d))),
    fc.string({ unit: 'binary' }),
    fc.constantFrom('read', 'k7', 'a b', 'x/y', ':kw', 'nil', 'true', '', '"q"', '\\', '\n'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom('n1', 'key', 'a-b', 'with space', '1', ''), fc.string()).filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 4 },
    ),
  ),
})).value;

/** Ops as faultline writes them (index, time, type, process, f, value, optional extras). */
export const opArb: fc.Arbitrary<Op> = fc
  .record(
    {
      index: fc.nat(),
      time: fc.nat(),
      type: fc.constantFrom('invoke', 'ok', 'fail', 'info' as const),
      process: fc.oneof(fc.nat({ max: 100 }), fc.constant('nemesis'), fc.string({ minLength: 1 })),
      f: fc.oneof(fc.constantFrom('read', 'write', 'cas', 'start-partition', 'add'), fc.string()),
      value: opValueArb,
      error: opValueArb,
      node: fc.constantFrom('n1', 'n2'),
    },
    { requiredKeys: ['index', 'time', 'type', 'process', 'f', 'value'] },
  )
  .map((o) => o as Op);
