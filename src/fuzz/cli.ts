/**
 * `npm run fuzz [-- --runs N --seed S --surface a,b --limit-ms MS --heap-mb MB --skip-known]`:
 * runs every surface (default 10⁴ inputs each, 1 s per call, 1 GB heap) and prints per surface
 * the inputs, crashes, hangs, memory failures, longest call and peak memory. Exit code 1 on any
 * crash, hang, memory failure or early stop.
 */
import { DEFAULT_OPTIONS, isClean, runSurface, type FuzzOptions, type SurfaceReport } from './harness.ts';
import { SURFACES, surfaceByName } from './surfaces/index.ts';

function parseArgs(argv: readonly string[]): { opts: FuzzOptions; surfaces: string[]; runsGiven: boolean } {
  const opts = { ...DEFAULT_OPTIONS };
  let runsGiven = false;
  let surfaces = SURFACES.map((s) => s.name);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (v: string, min: number): number => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new Error(`${a} expects an integer >= ${min}, got ${v}`);
      return n;
    };
    if (a === '--runs') {
      opts.runs = int(next(), 1);
      runsGiven = true;
    } else if (a === '--seed') opts.seed = int(next(), 0);
    else if (a === '--limit-ms') opts.callLimitMs = int(next(), 10);
    else if (a === '--heap-mb') opts.heapLimitMb = int(next(), 64);
    else if (a === '--skip-known') opts.skipKnown = true;
    else if (a === '--max-restarts') opts.maxRestarts = int(next(), 1);
    else if (a === '--surface') surfaces = next().split(',');
    else
      throw new Error(
        `unknown option ${a}; options: --runs --seed --surface --limit-ms --heap-mb --max-restarts --skip-known`,
      );
  }
  return { opts, surfaces, runsGiven };
}

function row(r: SurfaceReport): string {
  const cells = [
    r.surface.padEnd(14),
    String(r.inputs).padStart(7),
    String(r.refused).padStart(8),
    String(r.counts.crash).padStart(7),
    String(r.counts.hang).padStart(6),
    String(r.counts.memory).padStart(7),
    r.longestCallMs.toFixed(1).padStart(11),
    r.peakMB.toFixed(0).padStart(8),
    String(Object.values(r.skipped).reduce((a, b) => a + b, 0)).padStart(8),
  ];
  return cells.join('  ');
}

async function main(): Promise<number> {
  const { opts, surfaces, runsGiven } = parseArgs(process.argv.slice(2));
  console.log(
    `fuzz: ${opts.runs} inputs per surface (unless a surface sets fewer), seed ${opts.seed}, ${opts.callLimitMs} ms per call, ${opts.heapLimitMb} MB heap${opts.skipKnown ? ', known defects skipped' : ''}`,
  );
  console.log(
    [
      'surface'.padEnd(14),
      'inputs'.padStart(7),
      'refused'.padStart(8),
      'crashes'.padStart(7),
      'hangs'.padStart(6),
      'memory'.padStart(7),
      'longest ms'.padStart(11),
      'peak MB'.padStart(8),
      'skipped'.padStart(8),
    ].join('  '),
  );
  let clean = true;
  const details: string[] = [];
  for (const name of surfaces) {
    // A surface whose 10⁴ calls would take far over ~5 minutes sets its own default count (fullRuns).
    const own = runsGiven ? undefined : surfaceByName(name).fullRuns;
    const r = await runSurface(name, own === undefined ? opts : { ...opts, runs: own });
    console.log(row(r));
    if (!isClean(r, opts.heapLimitMb)) clean = false;
    if (r.stoppedEarly) details.push(`${r.surface}: ${r.stoppedEarly}`);
    if (r.longestCallIndex >= 0)
      details.push(`${r.surface}: longest call #${r.longestCallIndex} (replay with --runs ${r.longestCallIndex + 1})`);
    for (const f of r.examples) details.push(`${r.surface} ${f.kind} #${f.index}: ${f.error}\n    input: ${f.input}`);
    for (const [why, n] of Object.entries(r.skipped)) details.push(`${r.surface}: skipped ${n} × ${why}`);
  }
  if (details.length > 0) console.log(`\n${details.join('\n')}`);
  console.log(clean ? '\nfuzz: clean' : '\nfuzz: FAILURES (see above)');
  return clean ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`fuzz: ${(e as Error).message}`);
    process.exit(2);
  },
);
