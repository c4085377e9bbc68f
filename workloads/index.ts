import { bankWorkload } from './bank.js';
import { ordersWorkload } from './orders.js';
import { registerWorkload } from './register.js';
import { setWorkload } from './set.js';
import type { Workload } from './workload.js';

export const WORKLOADS = ['register', 'set', 'bank', 'orders'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** Workloads by name, with their default options. */
export function makeWorkload(name: WorkloadName): Workload {
  switch (name) {
    case 'register':
      return registerWorkload();
    case 'set':
      return setWorkload();
    case 'bank':
      return bankWorkload();
    case 'orders':
      return ordersWorkload();
  }
}
