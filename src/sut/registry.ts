import { UsageError } from '../util/errors.js';
import { etcdSut } from './etcd/adapter.js';
import { exchangeSut } from './exchange/adapter.js';
import { SUTS, type SutName } from './names.js';
import type { SystemUnderTest } from './types.js';

const MAKERS: Record<SutName, (options: Record<string, string>) => SystemUnderTest> = {
  exchange: exchangeSut,
  etcd: etcdSut,
};

/** The adapter for a system, with its options validated (UsageError on a bad one). */
export function makeSut(name: string, options: Record<string, string>): SystemUnderTest {
  const make = MAKERS[name as SutName];
  if (!make) throw new UsageError(`--sut must be one of ${SUTS.join(', ')}; got ${JSON.stringify(name)}`);
  return make(options);
}
