import { FaultlineError } from '../util/errors.js';

/**
 * Where every error ends: a FaultlineError prints `faultline: <message>` and exits
 * with its exitCode (254 for usage and input); anything else is a bug: print the
 * stack and exit 255.
 */
export function reportError(err: unknown): void {
  if (err instanceof FaultlineError) {
    process.stderr.write(`faultline: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`faultline: internal error (a bug in faultline)\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 255;
  }
}
