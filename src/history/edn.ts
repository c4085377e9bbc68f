import { InputError } from '../util/errors.js';
import { EdnReader, EdnSyntaxError } from './edn-parse.js';
import { type HistorySource, historySource, readText } from './source.js';
import type { Op } from './types.js';
import { toOp } from './validate.js';

/**
 * Reads a Jepsen history.edn: op maps, one per line or spread over several lines,
 * optionally wrapped in one [...] or (...), with ; comments. Each op's line is the
 * line where its map starts. Keywords become strings (`:nemesis` → "nemesis").
 */
export function parseEdnHistory(text: string, file: string): { ops: Op[]; lines: number[] } {
  try {
    return parseForms(text, file);
  } catch (err) {
    // a syntax error between op maps (in a `#_` discard: blanks are read as forms too)
    if (!(err instanceof EdnSyntaxError)) throw err;
    throw new InputError(file, err.line, `expected an EDN op map: ${err.message}`, { cause: err });
  }
}

function parseForms(text: string, file: string): { ops: Op[]; lines: number[] } {
  const ops: Op[] = [];
  const lines: number[] = [];
  const r = new EdnReader(text);
  let close = -1; // the wrapping collection's closing bracket, if any
  let wrapperLine = 0;
  r.skipBlank();
  const first = r.peek();
  if (first === 91 || first === 40) {
    // `[` or `(` wraps the history unless it is itself an op (it cannot be: ops are maps)
    close = first === 91 ? 93 : 41;
    wrapperLine = r.line;
    r.pos++;
  }
  for (;;) {
    r.skipBlank();
    if (r.pos >= text.length) break;
    if (close !== -1 && r.peek() === close) {
      r.pos++;
      close = -2;
      if (!r.atEnd()) throw new InputError(file, r.line, 'expected the end of the file after the ] or ) that closes the history');
      break;
    }
    const line = r.line;
    let raw: unknown;
    try {
      raw = r.read();
    } catch (err) {
      if (!(err instanceof EdnSyntaxError)) throw err;
      // errors name the line where the op map starts; the exact line goes in the message
      const where = err.line === line ? '' : ` (at line ${err.line})`;
      throw new InputError(file, line, `expected an EDN op map: ${err.message}${where}`, { cause: err });
    }
    ops.push(toOp(raw, ops.length, file, line));
    lines.push(line);
  }
  if (close >= 0) {
    throw new InputError(file, wrapperLine, `expected a closing ${String.fromCharCode(close)} for the collection that wraps the history, but the file ends`);
  }
  return { ops, lines };
}

export async function readEdn(file: string | HistorySource): Promise<{ ops: Op[]; lines: number[] }> {
  const source = typeof file === 'string' ? historySource(file) : file;
  return parseEdnHistory(await readText(source), source.name);
}
