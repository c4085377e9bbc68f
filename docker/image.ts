import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ImageSpec } from '../src/sut/types.js';
import { EnvironmentError } from '../src/util/errors.js';

export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

export interface BuiltImage {
  tag: string;
  built: boolean;
  ms: number;
}

/** dist/ of this build, whether this module runs from dist/ or from the sources */
export function distDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const parts = here.split(path.sep);
  const i = parts.lastIndexOf('dist');
  return i >= 0 ? parts.slice(0, i + 1).join(path.sep) : path.resolve(here, '../dist');
}

/** content hash of everything that goes into the image: rebuild only when it changes */
function hashInputs(spec: ImageSpec): string {
  const h = createHash('sha256');
  for (const [inImage, onHost] of [...spec.files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    h.update(inImage);
    h.update(readFileSync(onHost));
  }
  for (const [inImage, content] of spec.extra ?? []) h.update(`${inImage}\0${content}`);
  h.update(JSON.stringify([spec.dirs ?? [], spec.entrypoint]));
  return h.digest('hex').slice(0, 16);
}

export async function imageExists(tag: string): Promise<boolean> {
  const r = await execa('docker', ['image', 'inspect', tag], { reject: false });
  return r.exitCode === 0;
}

/**
 * Builds a system's node image offline (no registry here): a root filesystem of host
 * files (a binary, the libraries it links, the app) imported with `docker import`,
 * tagged by the content hash of its inputs so an unchanged image is not rebuilt.
 */
export async function buildImage(spec: ImageSpec, opts: { force?: boolean } = {}): Promise<BuiltImage> {
  const t0 = performance.now();
  const tag = `${spec.repo}:${hashInputs(spec)}`;
  if (!opts.force && (await imageExists(tag))) {
    await execa('docker', ['tag', tag, `${spec.repo}:latest`]);
    return { tag, built: false, ms: performance.now() - t0 };
  }
  const root = mkdtempSync(path.join(tmpdir(), 'faultline-rootfs-'));
  try {
    for (const [inImage, onHost] of spec.files) {
      const dest = path.join(root, inImage);
      mkdirSync(path.dirname(dest), { recursive: true });
      copyFileSync(onHost, dest);
    }
    for (const d of ['tmp', 'etc', ...(spec.dirs ?? [])]) mkdirSync(path.join(root, d), { recursive: true });
    writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/false\n');
    writeFileSync(path.join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
    for (const [inImage, content] of spec.extra ?? []) {
      mkdirSync(path.dirname(path.join(root, inImage)), { recursive: true });
      writeFileSync(path.join(root, inImage), content);
    }
    const tarFile = `${root}.tar`;
    await execa('tar', ['-C', root, '-cf', tarFile, '.']);
    try {
      await execa('docker', [
        'import',
        '--change',
        `ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`,
        '--change',
        'WORKDIR /',
        '--change',
        `LABEL faultline.image=${spec.repo}`,
        tarFile,
        tag,
      ]);
    } finally {
      rmSync(tarFile, { force: true });
    }
    await execa('docker', ['tag', tag, `${spec.repo}:latest`]);
    return { tag, built: true, ms: performance.now() - t0 };
  } catch (err) {
    throw new EnvironmentError('E_IMAGE_BUILD', `building the ${spec.repo} image failed: ${(err as Error).message}`, { cause: err });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
