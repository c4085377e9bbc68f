import { NATIVE_PROGRAMS, nativeBinary } from './native.js';

/**
 * `npm run build`'s last step: compile the C helpers. A machine without gcc or
 * libnetfilter-queue-dev (host-setup not run) still gets the rest of the build; the
 * packet faults then fail on first use with gcc's message.
 */
for (const name of NATIVE_PROGRAMS) {
  try {
    nativeBinary(name);
  } catch (err) {
    process.stderr.write(`[build] ${name} not built: ${(err as Error).message}\n`);
  }
}
