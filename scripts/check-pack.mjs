#!/usr/bin/env node
// Packs the package, installs the tarball into an empty folder, and checks that what a user gets
// works: `npx parakv evaluate`, `import { evaluate, search } from 'parakv'`, and its .d.ts types.
// Exit 0 when all pass; prints one line per check.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'parakv-pack-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let failures = 0;

function check(label, fn) {
  try {
    fn();
    console.log(`ok   ${label}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function sh(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).slice(-800)}`);
  return r.stdout;
}

try {
  // What prepack runs, done here so pack's stdout stays JSON (skipped when the caller just built it).
  if (process.env.PARAKV_NODE_BUILT !== '1') sh(process.execPath, ['scripts/build-node.mjs'], repo);
  const packed = JSON.parse(sh(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], repo));
  const tarball = join(work, packed[0].filename);
  const app = join(work, 'app');
  sh('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'try-parakv', private: true, type: 'module' }));
  sh(npm, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], app);

  const example = join(repo, 'examples/llama70b-h100.json');
  check('npx parakv evaluate <scenario> --fast prints a result', () => {
    const out = JSON.parse(sh(npm, ['exec', '--', 'parakv', 'evaluate', example, '--fast'], app));
    if (!(out.metrics?.outputTokPerSec > 0)) throw new Error(`no throughput in ${JSON.stringify(out).slice(0, 200)}`);
  });
  check('npx parakv with a bad scenario exits 2 with one line', () => {
    writeFileSync(join(app, 'bad.json'), '{"version":1,"model":"no-such-model","cluster":{"gpu":"h100-sxm"}}');
    const r = spawnSync(npm, ['exec', '--', 'parakv', 'evaluate', 'bad.json', '--fast'], {
      cwd: app,
      encoding: 'utf8',
    });
    if (r.status !== 2) throw new Error(`exit ${r.status}: ${r.stderr}`);
  });
  check("import { evaluate, search } from 'parakv' works", () => {
    writeFileSync(
      join(app, 'use.mjs'),
      `import { evaluate, search, simulate, GPUS, MODELS, scenarioSchema } from 'parakv';
const scenario = JSON.parse(${JSON.stringify(readFileSync(example, 'utf8'))});
const r = evaluate(scenario);
const s = search(scenario, { top: 3 });
if (!(r.metrics.outputTokPerSec > 0) || s.ranked.length === 0 || GPUS.length < 10 || MODELS.length < 10) process.exit(3);
if (typeof simulate !== 'function' || typeof scenarioSchema.safeParse !== 'function') process.exit(4);
console.log('ok');`,
    );
    const out = execFileSync(process.execPath, ['use.mjs'], { cwd: app, encoding: 'utf8' });
    if (out.trim() !== 'ok') throw new Error(out);
  });
  check('the .d.ts types resolve for a TypeScript user', () => {
    writeFileSync(
      join(app, 'use.ts'),
      `import { evaluate, type EvaluationResult, type ScenarioInput } from 'parakv';
const input: ScenarioInput = { version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' } };
const r: EvaluationResult = evaluate(input);
const tps: number = r.metrics.outputTokPerSec;
export { tps };`,
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['use.ts'],
      }),
    );
    sh(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
  });
} catch (e) {
  failures++;
  console.log(`FAIL pack and install: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(failures === 0 ? 'packed tarball: all checks passed' : `packed tarball: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
