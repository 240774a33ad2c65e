/** Seed corpora: the real files in data/reference and examples/, read once per worker. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Text of every file directly under `dir` (relative to the repository root) ending in one of `exts`. */
export function readCorpus(dir: string, exts: readonly string[]): { name: string; text: string }[] {
  const abs = `${ROOT}${dir}/`;
  return readdirSync(abs)
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(`${abs}${f}`, 'utf8') }));
}
