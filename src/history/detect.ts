export type HistoryFormat = 'jsonl' | 'edn' | 'jepsen-log';

export const HISTORY_FORMATS: readonly HistoryFormat[] = ['jsonl', 'edn', 'jepsen-log'];

const JEPSEN_OP_LINE = /(?:^|\s)jepsen\.util\s+-\s+:?[\w-]+\s+:/m;

/**
 * Guesses the format from the content. The first meaningful line decides between
 * JSON lines and EDN (so a JSONL file with one stray Jepsen log line in it is read
 * as JSONL, and that line is an error); a file whose first line is neither is a
 * Jepsen log if an op line (`jepsen.util - <process> :<type> ...`) follows.
 */
export function detectFormat(head: string): HistoryFormat | null {
  for (const raw of head.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';')) continue;
    if (line.startsWith('{"') || line === '{}') return 'jsonl';
    if (/^[[(]?\s*(#[\w.]+)?\{\s*:/.test(line) || line === '[' || line === '(') return 'edn';
    if (line.startsWith('{')) return line.includes('":') ? 'jsonl' : 'edn';
    break;
  }
  return JEPSEN_OP_LINE.test(head) ? 'jepsen-log' : null;
}
