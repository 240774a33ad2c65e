#!/usr/bin/env node
// Entry point for `npx parakv`: runs the CLI bundle that `npm run build:node` (also run by `prepare`
// and `prepack`) writes to dist-node/. During development, `npm run cli -- <args>` runs src/ via tsx.
let cli;
try {
  cli = await import('../dist-node/cli.mjs');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write('parakv: the CLI is not built; run `npm run build:node` in the package folder\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
