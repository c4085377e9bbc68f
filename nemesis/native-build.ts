import { NATIVE_PROGRAMS, type NativeProgram, nativeBinary } from './native.js';

/**
 * `npm run build`'s last step: compile the C helpers. A machine without gcc or the
 * libraries (host-setup not run) still gets the rest of the build; the faults that
 * need a helper then fail on first use with gcc's message.
 * `node dist/nemesis/native-build.js --path <program>` prints one helper's path
 * (building it if needed), for scripts that hand it to a program (npm run bench:node).
 */
const [flag, which] = process.argv.slice(2);
if (flag === '--path') {
  if (!(NATIVE_PROGRAMS as string[]).includes(which)) {
    process.stderr.write(`native-build: --path expects one of ${NATIVE_PROGRAMS.join(', ')}\n`);
    process.exit(254);
  }
  process.stdout.write(`${nativeBinary(which as NativeProgram)}\n`);
} else {
  for (const name of NATIVE_PROGRAMS) {
    try {
      nativeBinary(name);
    } catch (err) {
      process.stderr.write(`[build] ${name} not built: ${(err as Error).message}\n`);
    }
  }
}
