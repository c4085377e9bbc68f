import { execFileSync } from 'node:child_process';
import { readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Pieces of an offline image's root filesystem, as [path in image, path on host]:
 * a dynamically linked binary with every library `ldd` lists, and the files of a
 * directory tree.
 */
export function binaryWithLibraries(binary: string, inImage = binary): [string, string][] {
  const real = realpathSync(binary);
  return [[inImage, real], ...sharedLibraries(real).map((lib): [string, string] => [lib, realpathSync(lib)])];
}

function sharedLibraries(binary: string): string[] {
  // ldd's "name => /path (addr)" and "/lib64/ld-linux... (addr)" lines; a static binary has none
  let ldd = '';
  try {
    ldd = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const libs = new Set<string>();
  for (const line of ldd.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs];
}

/** every file under `dir` whose name passes `keep`, placed under `inImage` */
export function tree(dir: string, inImage: string, keep: (name: string) => boolean = () => true): [string, string][] {
  const out: [string, string][] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(e.name)) out.push([path.posix.join(inImage, path.relative(dir, p).split(path.sep).join('/')), p]);
    }
  };
  walk(dir);
  return out;
}
