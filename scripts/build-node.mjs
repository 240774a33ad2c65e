#!/usr/bin/env node
// Builds what runs in Node from src/: the CLI (dist-node/cli.mjs, run by bin/parakv.mjs) and the
// engine library (dist-node/index.mjs, the package's `exports`), plus the library's .d.ts files.
// npm dependencies stay external (installed next to the package); tsx is only for development.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const outdir = 'dist-node';
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/core/index.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'], {
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
console.log(`built ${outdir}/cli.mjs, ${outdir}/index.mjs and ${outdir}/types/`);
