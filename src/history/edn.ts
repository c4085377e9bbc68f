import { readFile } from 'node:fs/promises';
import { parseEDNString } from 'edn-data';
import { InputError } from '../util/errors.js';
import type { Op } from './types.js';
import { toOp } from './validate.js';

const EDN_OPTIONS = { mapAs: 'object', keywordAs: 'string', listAs: 'array', setAs: 'array' } as const;

/**
 * Reads a Jepsen history.edn: op maps, one per line or spread over several,
 * optionally wrapped in [...] or (...), with ; comments. We find the top-level
 * forms ourselves (to report the line each starts on) and decode each with edn-data.
 * A record tag before a map (#jepsen.history.Op{...}) is accepted.
 */
export function parseEdnHistory(text: string, file: string): { ops: Op[]; lines: number[] } {
  const ops: Op[] = [];
  const lines: number[] = [];
  for (const form of topLevelForms(text, file)) {
    let raw: unknown;
    try {
      raw = parseEDNString(form.text, EDN_OPTIONS);
    } catch (err) {
      throw new InputError(file, form.line, `expected an EDN op map (${(err as Error).message})`);
    }
    ops.push(toOp(raw, ops.length, file, form.line));
    lines.push(form.line);
  }
  return { ops, lines };
}

export async function readEdn(file: string): Promise<{ ops: Op[]; lines: number[] }> {
  return parseEdnHistory(await readFile(file, 'utf8'), file);
}

interface Form {
  text: string;
  line: number;
}

const OPEN = new Set(['{', '[', '(']);
const CLOSE: Record<string, string> = { '}': '{', ']': '[', ')': '(' };

/** Splits EDN text into top-level forms, unwrapping one enclosing vector or list. */
export function topLevelForms(text: string, file: string): Form[] {
  const forms: Form[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let wrapper: string | null = null; // the closing bracket of the wrapping collection
  let wrapperLine = 0;

  const skipBlank = (): void => {
    while (i < n) {
      const c = text[i];
      if (c === '\n') {
        line++;
        i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
        i++;
      } else if (c === ';') {
        while (i < n && text[i] !== '\n') i++;
      } else break;
    }
  };

  skipBlank();
  if (i < n && (text[i] === '[' || text[i] === '(')) {
    const save = i;
    const saveLine = line;
    i++;
    skipBlank();
    if (i >= n || text[i] === '{' || text[i] === '#' || text[i] === ']' || text[i] === ')') {
      wrapper = text[save] === '[' ? ']' : ')';
      wrapperLine = saveLine;
    } else {
      i = save;
      line = saveLine;
    }
  }

  for (;;) {
    skipBlank();
    if (i >= n) break;
    if (wrapper !== null && text[i] === wrapper) {
      i++;
      skipBlank();
      if (i < n) throw new InputError(file, line, `expected end of file after the closing ${wrapper}`);
      wrapper = null;
      break;
    }
    const start = i;
    const startLine = line;
    if (text[i] === '#' && text[i + 1] !== '{') {
      // a record tag: #some.ns.Op{...}; keep only the map
      while (i < n && text[i] !== '{' && !/\s/.test(text[i])) i++;
    }
    if (text[i] !== '{' && !(text[i] === '#' && text[i + 1] === '{')) {
      const word = text.slice(start, Math.min(n, start + 20)).split(/\s/)[0];
      throw new InputError(file, startLine, `expected an op map starting with {, got ${JSON.stringify(word)}`);
    }
    const mapStart = i;
    const stack: string[] = [];
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\') i++;
          else if (text[i] === '\n') line++;
          i++;
        }
        if (i >= n) throw new InputError(file, startLine, 'expected a closing " for a string in this op map');
        i++;
        continue;
      }
      if (c === ';') {
        while (i < n && text[i] !== '\n') i++;
        continue;
      }
      if (c === '\\') {
        i += 2; // a character literal such as \a or \]
        continue;
      }
      if (c === '\n') line++;
      if (OPEN.has(c)) stack.push(c);
      else if (c in CLOSE) {
        if (stack.pop() !== CLOSE[c]) throw new InputError(file, line, `unbalanced ${c} in the op map starting on line ${startLine}`);
        if (stack.length === 0) {
          i++;
          break;
        }
      }
      i++;
    }
    if (stack.length > 0) {
      throw new InputError(file, startLine, 'expected the op map to be closed with }, but the file ends (truncated?)');
    }
    forms.push({ text: text.slice(mapStart, i), line: startLine });
  }
  if (wrapper !== null) throw new InputError(file, wrapperLine, `expected a closing ${wrapper} for the vector or list that wraps the history`);
  return forms;
}
