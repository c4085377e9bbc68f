import { listStore } from '../store/read.js';
import { newestFirst, type RunRecord, toRunRecord } from './records.js';

/** The store's runs and campaigns as index records, newest first (the store is read by src/store/read.ts). */
export function scanStore(store: string): RunRecord[] {
  return listStore(store).map(toRunRecord).sort(newestFirst);
}
