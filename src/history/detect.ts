import { open } from 'node:fs/promises';

export type HistoryFormat = 'jsonl' | 'edn' | 'jepsen-log';
export const HISTORY_FORMATS: readonly HistoryFormat[] = ['jsonl', 'edn', 'jepsen-log'];

/** Guesses the format from the first meaningful characters of the content. */
export function detectFormat(head: string): HistoryFormat | null {
  if (/(?:^|\s)jepsen\.util\s+-\s+:?[\w-]+\s+:/m.test(head)) return 'jepsen-log';
  for (const raw of head.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    if (line.startsWith('{"') || line === '{}') return 'jsonl';
    if (/^[[(]?\s*(#[\w.]+)?\{\s*:/.test(line) || line === '[' || line === '(') return 'edn';
    if (line.startsWith('{')) return line.includes('":') ? 'jsonl' : 'edn';
    return null;
  }
  return null;
}

export async function sniffFile(file: string, bytes = 64 * 1024): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
