/**
 * Runs inputs `from … to - 1` of one surface in this worker thread and reports to the harness.
 * The input index and start time of the running call sit in shared memory, so the harness can
 * terminate this thread on a hang and still know which input hung.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SLOT, type WorkerJob, type WorkerMessage } from './protocol.ts';
import { inputRng } from './rng.ts';
import { surfaceByName } from './surfaces/index.ts';
import type { FuzzSurface } from './types.ts';

const job = workerData as WorkerJob;
const slots = new Float64Array(job.shared);
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 300);
  return `non-Error thrown: ${String(e)}`.slice(0, 300);
}

async function main(): Promise<void> {
  let surface: FuzzSurface<unknown, unknown>;
  let ctx: unknown;
  try {
    surface = job.module
      ? ((await import(job.module)) as { surface: FuzzSurface<unknown, unknown> }).surface
      : surfaceByName(job.surface);
    ctx = await surface.setup();
  } catch (e) {
    post({ type: 'setup-error', error: errorText(e) });
    return;
  }
  for (let i = job.from; i < job.to; i++) {
    // Generation is watched too: a generator that stalls is reported as a hang of its input.
    slots[SLOT.startedAtMs] = Date.now();
    slots[SLOT.current] = i;
    const input = surface.generate(inputRng(job.seed, surface.name, i), ctx, i);
    if (job.skipKnown) {
      const why = surface.knownDefect?.(input, ctx) ?? null;
      if (why !== null) {
        post({ type: 'skipped', reason: why });
        slots[SLOT.current] = -1;
        continue;
      }
    }
    slots[SLOT.startedAtMs] = Date.now();
    const t0 = performance.now();
    try {
      const r = surface.run(input, ctx);
      if (r instanceof Promise) await r;
      slots[SLOT.ok]!++;
    } catch (e) {
      if (surface.expectedErrors.some((cls) => e instanceof cls)) slots[SLOT.refused]!++;
      else
        post({
          type: 'failure',
          failure: { kind: 'crash', index: i, error: errorText(e), input: surface.describe(input) },
        });
    }
    const ms = performance.now() - t0;
    slots[SLOT.current] = -1;
    if (ms > slots[SLOT.longestCallMs]!) {
      slots[SLOT.longestCallMs] = ms;
      slots[SLOT.longestCallIndex] = i;
    }
    const mem = process.memoryUsage();
    const bytes = mem.heapTotal + mem.external;
    if (bytes > slots[SLOT.peakBytes]!) slots[SLOT.peakBytes] = bytes;
  }
  post({ type: 'end' });
}

void main();
