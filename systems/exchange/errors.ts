/**
 * The node's own errors (the system under test shares no code with the harness).
 * A NodeError carries a stable code and the exit code the node process ends with:
 * 254 for bad options or a data directory it refuses to start from, 255 otherwise.
 */
export class NodeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad node options. Exit 254. */
export class NodeUsageError extends NodeError {
  constructor(message: string) {
    super('E_USAGE', message, 254);
  }
}

/** The environment failed the node (a port it cannot listen on). Exit 255. */
export class NodeEnvironmentError extends NodeError {
  constructor(code: string, message: string) {
    super(code, message, 255);
  }
}
