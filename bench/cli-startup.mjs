#!/usr/bin/env node
// CLI start-up: `node bin/parakv.mjs list gpus` against a bare `node -e 0`, as whole processes.
// Prints the median of each over N runs and their ratio (issue: at most 3×). Needs `npm run build:node`.
import { spawnSync } from 'node:child_process';

const runs = Number(process.argv[2] ?? 15);
function medianMs(args) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
medianMs(['-e', '0']); // warm the file cache
const bare = medianMs(['-e', '0']);
const cli = medianMs(['bin/parakv.mjs', 'list', 'gpus']);
console.log(`node -e 0                      median ${bare.toFixed(1)} ms (${runs} runs)`);
console.log(`node bin/parakv.mjs list gpus  median ${cli.toFixed(1)} ms (${runs} runs)`);
console.log(`ratio ${(cli / bare).toFixed(2)}× (target ≤ 3×)`);
