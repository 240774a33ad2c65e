/**
 * The fuzz harness: runs a surface's inputs in a worker thread (node:worker_threads) with a
 * per-call time limit and a heap limit, and collects crashes, hangs and memory failures.
 *
 * - Crash: the call threw something other than the surface's `expectedErrors`.
 * - Hang: one call ran longer than `callLimitMs`; the worker is terminated and a new one resumes
 *   at the next input (inputs are regenerated from their index, see rng.ts).
 * - Memory: the worker went over `heapLimitMb` (resourceLimits.maxOldGenerationSizeMb); it dies
 *   with ERR_WORKER_OUT_OF_MEMORY and a new one resumes at the next input.
 * Peak memory is the worker's largest heapTotal + external after any call (its own isolate only).
 */
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { SLOT, type Failure, type FailureKind, type WorkerJob, type WorkerMessage } from './protocol.ts';
import { inputRng } from './rng.ts';
import { surfaceByName } from './surfaces/index.ts';
import type { FuzzSurface } from './types.ts';

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** A single call longer than this is a hang (ms). */
  callLimitMs: number;
  /** Old-generation heap limit of the worker (MB); going over it is a memory failure. */
  heapLimitMb: number;
  /** Skip inputs the surface lists as known defects of other areas (the in-suite test does). */
  skipKnown: boolean;
  /** Stop the surface after this many hangs + memory failures (each costs a worker restart). */
  maxRestarts: number;
  /** Failures kept with their input, per kind (all are counted). */
  keepExamples: number;
  /** Load the surface from this module's `surface` export instead of the registry (harness tests). */
  module: string | null;
}

export const DEFAULT_OPTIONS: FuzzOptions = {
  runs: 10_000,
  seed: 1,
  callLimitMs: 1000,
  heapLimitMb: 1024,
  skipKnown: false,
  maxRestarts: 25,
  keepExamples: 5,
  module: null,
};

export interface SurfaceReport {
  surface: string;
  /** Inputs generated (including skipped ones). */
  inputs: number;
  /** Calls that returned normally. */
  ok: number;
  /** Calls that threw one of the surface's documented errors. */
  refused: number;
  counts: Record<FailureKind, number>;
  examples: Failure[];
  skipped: Record<string, number>;
  longestCallMs: number;
  longestCallIndex: number;
  peakMB: number;
  /** Set when the run stopped before `runs` inputs (too many restarts, setup failure). */
  stoppedEarly: string | null;
}

const ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));
const BOOT = fileURLToPath(new URL('./worker-boot.mjs', import.meta.url));

/** Regenerates input `index` in this thread, for the report of a hang or a memory failure. */
async function describeInput(surfaceName: string, opts: FuzzOptions, index: number): Promise<string> {
  const seed = opts.seed;
  try {
    const surface = opts.module
      ? ((await import(opts.module)) as { surface: FuzzSurface<unknown, unknown> }).surface
      : surfaceByName(surfaceName);
    const ctx = await surface.setup();
    return surface.describe(surface.generate(inputRng(seed, surfaceName, index), ctx, index));
  } catch (e) {
    return `(input ${index} could not be regenerated: ${(e as Error).message})`;
  }
}

interface Segment {
  /** Why the worker stopped: finished, or the failure that killed it. */
  end: { kind: 'done' } | { kind: 'killed'; failure: Omit<Failure, 'input'> } | { kind: 'setup'; error: string };
}

function runSegment(
  name: string,
  from: number,
  to: number,
  opts: FuzzOptions,
  slots: Float64Array,
  report: SurfaceReport,
): Promise<Segment> {
  slots[SLOT.current] = -1;
  const job: WorkerJob = {
    entry: ENTRY,
    surface: name,
    module: opts.module,
    seed: opts.seed,
    from,
    to,
    skipKnown: opts.skipKnown,
    shared: slots.buffer as SharedArrayBuffer,
  };
  const worker = new Worker(BOOT, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: opts.heapLimitMb } });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (s: Segment): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      void worker.terminate();
      resolve(s);
    };
    const watchdog = setInterval(
      () => {
        const i = slots[SLOT.current]!;
        if (i >= 0 && Date.now() - slots[SLOT.startedAtMs]! > opts.callLimitMs) {
          finish({
            end: {
              kind: 'killed',
              failure: { kind: 'hang', index: i, error: `no result after ${opts.callLimitMs} ms` },
            },
          });
        }
      },
      Math.min(50, opts.callLimitMs / 4),
    );
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'failure') {
        report.counts[m.failure.kind]++;
        if (report.examples.filter((f) => f.kind === m.failure.kind).length < opts.keepExamples) {
          report.examples.push(m.failure);
        }
      } else if (m.type === 'skipped') {
        report.skipped[m.reason] = (report.skipped[m.reason] ?? 0) + 1;
      } else if (m.type === 'end') {
        finish({ end: { kind: 'done' } });
      } else {
        finish({ end: { kind: 'setup', error: m.error } });
      }
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const i = slots[SLOT.current]!;
      const kind: FailureKind = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash';
      finish({
        end: { kind: 'killed', failure: { kind, index: i, error: `worker died: ${e.code ?? e.name}: ${e.message}` } },
      });
    });
    worker.on('exit', (code) => {
      const i = slots[SLOT.current]!;
      finish({
        end: { kind: 'killed', failure: { kind: 'crash', index: i, error: `worker exited with code ${code}` } },
      });
    });
  });
}

/** Runs `opts.runs` inputs of one surface; resolves with the counts. Never rejects. */
export async function runSurface(name: string, options: Partial<FuzzOptions> = {}): Promise<SurfaceReport> {
  const base = { ...DEFAULT_OPTIONS, ...options };
  const own = base.module ? undefined : surfaceByName(name).callLimitMs;
  const opts = own !== undefined && own > base.callLimitMs ? { ...base, callLimitMs: own } : base;
  const slots = new Float64Array(new SharedArrayBuffer(SLOT.count * 8));
  slots[SLOT.longestCallIndex] = -1;
  const report: SurfaceReport = {
    surface: name,
    inputs: opts.runs,
    ok: 0,
    refused: 0,
    counts: { crash: 0, hang: 0, memory: 0 },
    examples: [],
    skipped: {},
    longestCallMs: 0,
    longestCallIndex: -1,
    peakMB: 0,
    stoppedEarly: null,
  };
  let from = 0;
  let restarts = 0;
  while (from < opts.runs) {
    const seg = await runSegment(name, from, opts.runs, opts, slots, report);
    if (seg.end.kind === 'done') break;
    if (seg.end.kind === 'setup') {
      report.stoppedEarly = `setup failed: ${seg.end.error}`;
      report.inputs = from;
      break;
    }
    const f = seg.end.failure;
    report.counts[f.kind]++;
    if (f.kind === 'hang') {
      // The killed call ran at least the limit: count it as the longest when it is.
      if (opts.callLimitMs > slots[SLOT.longestCallMs]!) {
        slots[SLOT.longestCallMs] = opts.callLimitMs;
        slots[SLOT.longestCallIndex] = f.index;
      }
    }
    if (report.examples.filter((e) => e.kind === f.kind).length < opts.keepExamples) {
      report.examples.push({
        ...f,
        input: f.index >= 0 ? await describeInput(name, opts, f.index) : '(between calls)',
      });
    }
    restarts++;
    from = f.index >= 0 ? f.index + 1 : from;
    if (f.index < 0 || restarts >= opts.maxRestarts) {
      report.stoppedEarly = `stopped after ${restarts} worker restart(s), at input ${from} of ${opts.runs}`;
      report.inputs = from;
      break;
    }
  }
  report.longestCallMs = slots[SLOT.longestCallMs]!;
  report.longestCallIndex = slots[SLOT.longestCallIndex]!;
  report.peakMB = slots[SLOT.peakBytes]! / 2 ** 20;
  report.ok = slots[SLOT.ok]!;
  report.refused = slots[SLOT.refused]!;
  return report;
}

/** True when the report has no crash, hang or memory failure and stayed under the heap limit. */
export function isClean(r: SurfaceReport, heapLimitMb = DEFAULT_OPTIONS.heapLimitMb): boolean {
  return (
    r.counts.crash === 0 && r.counts.hang === 0 && r.counts.memory === 0 && r.peakMB <= heapLimitMb && !r.stoppedEarly
  );
}
