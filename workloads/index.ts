import { appendWorkload } from './append.js';
import { bankWorkload } from './bank.js';
import type { WorkloadName } from './names.js';
import { ordersWorkload } from './orders.js';
import { registerWorkload } from './register.js';
import { setWorkload } from './set.js';
import type { Workload } from './workload.js';

export { WORKLOADS, type WorkloadName } from './names.js';

/** Workloads by name, with their default options sized to the run's client concurrency. */
export function makeWorkload(name: WorkloadName, concurrency = 10): Workload {
  switch (name) {
    case 'register':
      // about five clients per register at a time, like Jepsen's independent generator's
      // threads per key: more makes each key's history needlessly hard to check
      return registerWorkload({ keys: Math.max(3, Math.ceil(concurrency / 5)) });
    case 'set':
      return setWorkload();
    case 'bank':
      return bankWorkload();
    case 'orders':
      return ordersWorkload();
    case 'append':
      // like register: about five clients per list at a time
      return appendWorkload({ keys: Math.max(3, Math.ceil(concurrency / 5)) });
  }
}
