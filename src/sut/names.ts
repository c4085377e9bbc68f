/** Systems faultline can test (`--sut`): `exchange` is faultline's own Raft node, `etcd` the second. */
export const SUTS = ['exchange', 'etcd'] as const;
export type SutName = (typeof SUTS)[number];
