/**
 * The synchronous registry the cost model reads, and the asynchronous loader that fills it. Profiles are never in
 * the first-load bundle: `loadKernelProfile(gpu, engine)` dynamic-imports one JSON chunk (profiles/index.ts) and
 * registers it; callers (worker, CLI) await it before evaluating. Tests may `registerKernelProfile` directly.
 */
import { decodeProfile } from './codec.ts';
import { PROFILE_ENTRIES, type ProfileEntry } from './profiles/index.ts';
import type { KernelEngine, KernelProfile, KernelProfileJson } from './types.ts';

const loaded = new Map<string, KernelProfile>();
const pending = new Map<string, Promise<KernelProfile | null>>();
let generation = 0;

const key = (gpuId: string, engine: KernelEngine) => `${gpuId}|${engine}`;

/** The committed profile for a catalog GPU id and engine, if one was measured. */
export function profileEntry(gpuId: string, engine: KernelEngine): ProfileEntry | undefined {
  return PROFILE_ENTRIES.find((e) => e.engine === engine && e.gpuIds.includes(gpuId));
}

/** Register a decoded profile for every catalog GPU id it covers (loaders and tests). */
export function registerKernelProfile(json: KernelProfileJson, gpuIds: readonly string[]): KernelProfile {
  const p = decodeProfile(json, gpuIds);
  for (const id of gpuIds) loaded.set(key(id, json.engine), p);
  generation++;
  return p;
}

/** Forget every registered profile (tests). */
export function clearKernelProfiles(): void {
  loaded.clear();
  pending.clear();
  generation++;
}

/** Changes whenever the registry does: caches keyed on a Deployment compare it. */
export function kernelRegistryGeneration(): number {
  return generation;
}

/** The registered profile, or undefined (not measured, or not loaded yet). */
export function kernelProfile(gpuId: string, engine: KernelEngine): KernelProfile | undefined {
  return loaded.get(key(gpuId, engine));
}

/** Load (once) and register the profile for a GPU and engine; resolves null when none was measured. */
export function loadKernelProfile(gpuId: string, engine: KernelEngine): Promise<KernelProfile | null> {
  const k = key(gpuId, engine);
  const hit = loaded.get(k);
  if (hit) return Promise.resolve(hit);
  const inFlight = pending.get(k);
  if (inFlight) return inFlight;
  const entry = profileEntry(gpuId, engine);
  if (!entry) return Promise.resolve(null);
  const p = entry.load().then((json) => registerKernelProfile(json, entry.gpuIds));
  pending.set(k, p);
  return p;
}

/** The engine a scenario runs: `runtime.engine.name`, vLLM when absent (schema.ts). */
export function engineOf(runtime: { engine?: { name: KernelEngine } | undefined }): KernelEngine {
  return runtime.engine?.name ?? 'vllm';
}

/** Preload what a scenario needs: its GPU (and pool GPUs) under its engine. */
export async function preloadKernelsFor(s: {
  cluster: { gpu: string };
  runtime: { engine?: { name: KernelEngine } | undefined };
}): Promise<void> {
  await loadKernelProfile(s.cluster.gpu, engineOf(s.runtime));
}

/** Loose read of `cluster.gpu` / `runtime.engine.name` from unparsed input (one scenario or an array). */
function wantedProfiles(input: unknown, out: Set<string>): void {
  if (Array.isArray(input)) {
    for (const x of input.slice(0, 1024)) wantedProfiles(x, out);
    return;
  }
  if (!input || typeof input !== 'object') return;
  const o = input as { cluster?: { gpu?: unknown }; runtime?: { engine?: { name?: unknown } } };
  const gpu = o.cluster?.gpu;
  const name = o.runtime?.engine?.name;
  const engine: KernelEngine = name === 'sglang' || name === 'trtllm' ? name : 'vllm';
  if (typeof gpu === 'string') out.add(key(gpu, engine));
}

/** Load every profile the (unparsed) scenario input can use; unknown GPUs and engines are skipped. */
export async function preloadKernelsForInput(input: unknown): Promise<void> {
  const want = new Set<string>();
  wantedProfiles(input, want);
  await Promise.all(
    [...want].map((k) => {
      const [gpu, engine] = k.split('|') as [string, KernelEngine];
      return loadKernelProfile(gpu, engine);
    }),
  );
}

/** Load every committed profile (benches). */
export async function loadAllKernelProfiles(): Promise<void> {
  await Promise.all(PROFILE_ENTRIES.map((e) => loadKernelProfile(e.gpuIds[0]!, e.engine)));
}
