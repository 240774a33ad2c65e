/**
 * A fresh clone has no sibling reference folder: everything the code, tests, benches and scripts
 * read must live in this repository (reference data is in data/reference/). This check fails on any
 * reference to that sibling folder or to an absolute path on a developer's machine.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCANNED = ['src', 'bench', 'e2e', 'scripts'];
const SOURCE = /\.(ts|tsx|mjs|js|cjs)$/;
// The team's sibling reference folder ("..", then its name) or a machine path (work, home, Users or
// root at the filesystem root). Spelled in pieces so this file does not itself match.
const SIBLING = 'sha' + 'red';
const MACHINE_ROOTS = ['work', 'home', 'Users', 'root'];
const FORBIDDEN = [
  new RegExp(`\\.\\./(?:\\.\\./)*${SIBLING}\\b`),
  new RegExp(`['"\`]/(?:${MACHINE_ROOTS.join('|')})/`),
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

/** `file:line: text` for each line that names a path outside the repository. */
export function outsidePaths(files: string[]): string[] {
  const hits: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (FORBIDDEN.some((re) => re.test(line))) hits.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  return hits;
}

describe('no path outside the repository', () => {
  it('src, bench, e2e and scripts never refer to the sibling folder or an absolute machine path', () => {
    const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(100);
    expect(outsidePaths(files)).toEqual([]);
  });

  it('the check itself catches both kinds of path', () => {
    const probe = join(ROOT, 'package.json'); // any readable file; patterns are tested on literals below
    expect(outsidePaths([probe])).toEqual([]);
    expect(FORBIDDEN[0]!.test(`new URL('../../${SIBLING}/reference/x', import.meta.url)`)).toBe(true);
    expect(FORBIDDEN[1]!.test(`readFileSync('/${MACHINE_ROOTS[0]}/${SIBLING}/reference/t.jsonl')`)).toBe(true);
    expect(FORBIDDEN[1]!.test("readFileSync('./data/reference/t.jsonl')")).toBe(false);
  });
});
