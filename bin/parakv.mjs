#!/usr/bin/env node
// Entry point for `npx parakv`: runs the TypeScript CLI through tsx so the engine is not built twice.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
