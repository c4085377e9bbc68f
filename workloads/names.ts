/** The workloads faultline runs (`--workload`); workloads/index.ts makes them. */
export const WORKLOADS = ['register', 'set', 'bank', 'orders', 'append'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];
