/** What a start or stop did, for the history (`f` and `value` of a nemesis op). */
export interface FaultRecord {
  f: string;
  value: Record<string, unknown>;
}
