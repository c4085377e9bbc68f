import { readFileSync, writeFileSync } from 'node:fs';
import { encodeSlot, slotOffset } from '../../../../systems/exchange/storage/wal-header.js';

/** Sets both durable-mark slots of a WAL file to `mark` (as if the crash came when the mark stood there). */
export function setMark(walFile: string, mark: number): void {
  const buf = readFileSync(walFile);
  for (const seq of [1000, 1001]) encodeSlot(seq, mark).copy(buf, slotOffset(seq));
  writeFileSync(walFile, buf);
}
