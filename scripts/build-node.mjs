#!/usr/bin/env node
// Builds what runs in Node from src/: the CLI (dist-node/cli.mjs, run by bin/parakv.mjs) and the
// engine library (dist-node/index.mjs, the package's `exports`), plus the library's .d.ts files.
// npm dependencies stay external (installed next to the package); tsx is only for development.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const outdir = 'dist-node';
rmSync(outdir, { recursive: true, force: true });
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
};
// The CLI carries its dependencies (zod) inside the bundle: one file to parse starts faster than
// resolving a package's many modules (median start-up 2.5x a bare node without this, see bench:cli).
await build({ ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir, splitting: true, minifySyntax: true });
// The library leaves npm dependencies external, so an app that also uses zod loads it once.
await build({ ...common, entryPoints: { index: 'src/core/index.ts' }, outdir, splitting: true, packages: 'external' });
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
console.log(`built ${outdir}/cli.mjs, ${outdir}/index.mjs and ${outdir}/types/`);
