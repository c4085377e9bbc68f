/**
 * Errors with stable codes and the exit code a command ends with (contracts.md §2).
 * Every error a user can meet is one of these; anything else is a bug and exits 255.
 */
export const ExitCode = {
  valid: 0,
  invalid: 1,
  unknown: 2,
  badInput: 254,
  internal: 255,
} as const;

export class FaultlineError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad usage: unknown model, bad flag value. Exit 254. */
export class UsageError extends FaultlineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_USAGE', message, ExitCode.badInput, options);
  }
}

/**
 * Bad input data; names the file and line and what was expected. Exit 254.
 * Without a line (the file as a whole: unreadable, not gzip) the message is `file: ...`.
 */
export class InputError extends FaultlineError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, message: string, options?: { cause?: unknown }) {
    super('E_INPUT', `${line === undefined ? file : `${file}:${line}`}: ${message}`, ExitCode.badInput, options);
    this.file = file;
    this.line = line;
  }
}

/** The environment failed us (cluster could not come up, Docker missing). Exit 255. */
export class EnvironmentError extends FaultlineError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.internal, options);
  }
}
