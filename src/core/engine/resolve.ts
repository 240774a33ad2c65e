/**
 * The one resolver of runtime knobs: the scenario's explicit `runtime.*` values win, the engine
 * profile (profiles.ts) fills every knob left unset. Every reader of runtime knobs goes through
 * `resolveRuntime` (directly, or via Deployment.runtime), so nothing reads an unset knob.
 */
import { budgetCapacityGB, getGpu } from '../hardware/gpus.ts';
import { ENGINE_NAMES, type EngineName, type Runtime, type Scenario } from '../scenario/schema.ts';
import type { Calibration } from '../calibrate/schema.ts';
import {
  ENGINE_LABELS,
  newestProfile,
  profilesOf,
  type EngineKnobs,
  type EngineProfile,
  type KnobName,
  type ProfileContext,
} from './profiles.ts';

export type SchedulerPolicy = 'decode-first' | 'prefill-first';

/** Which engine, version and profile a result was computed with. */
export interface ResolvedEngine {
  name: EngineName;
  /** The version the scenario asked for, or the profile id when it gave none. */
  version: string;
  /** The profile that supplied the defaults, e.g. "vLLM 0.19 (V1, async scheduling)". */
  profile: string;
  profileId: string;
  warnings: string[];
  /** The profile's scheduler loop puts waiting prefills ahead of running decodes (EngineProfile.prefillPriority). */
  prefillPriority: boolean;
  /** Factors fitted to the user's benchmark (runtime.engine.calibration); the cost model applies them. */
  calibration?: Calibration;
}

export type ResolvedRuntime = Omit<Runtime, KnobName | 'schedulerPolicy' | 'engine'> &
  EngineKnobs & {
    schedulerPolicy: SchedulerPolicy;
    engine: ResolvedEngine;
    /** Knobs whose value came from the engine profile (the scenario left them unset). */
    fromEngine: KnobName[];
  };

/** Leading numeric components of a version string: "v0.5.1.post1" → [0, 5, 1]; null if none. */
export function parseVersion(v: string): number[] | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/i.exec(v.trim());
  if (!m) return null;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

/** Distance on (major, minor): 0 inside the profile's range, else minors to its nearest end (a major = 1000 minors). */
function distance(v: number[], p: EngineProfile): number {
  const key = (a: readonly number[]) => a[0]! * 1000 + a[1]!;
  const x = key(v);
  const lo = key(p.covers[0]);
  const hi = key(p.covers[1]);
  return x < lo ? lo - x : x > hi ? x - hi : 0;
}

/**
 * The profile for an engine version: the one whose range covers it, else the nearest (ties go to the
 * newer profile), with a warning naming both. No version: the newest profile, silently.
 */
export function profileFor(name: EngineName, version?: string): { profile: EngineProfile; warnings: string[] } {
  if (version === undefined || version === '') return { profile: newestProfile(name), warnings: [] };
  const v = parseVersion(version);
  const label = ENGINE_LABELS[name];
  if (v === null) {
    const p = newestProfile(name);
    return {
      profile: p,
      warnings: [
        `runtime.engine.version "${version}" is not a release number: ${label} runs on its newest profile, ${p.label}.`,
      ],
    };
  }
  let best = newestProfile(name);
  let bestD = Infinity;
  for (const p of profilesOf(name)) {
    const d = distance(v, p);
    if (d <= bestD) {
      best = p;
      bestD = d;
    }
  }
  const warnings =
    bestD === 0
      ? []
      : [
          `No profile for ${label} ${version}: it runs on the nearest one, ${best.label} (set runtime knobs to override).`,
        ];
  return { profile: best, warnings };
}

/** HBM, shard sizes and GPU id the engine's defaults depend on. Disaggregated plans use the decode pool. */
function contextOf(s: Pick<Scenario, 'cluster' | 'plan'>): ProfileContext {
  const gpu = getGpu(s.cluster.gpu);
  const shape = s.plan.decode ?? s.plan;
  return {
    gpuId: s.cluster.gpu,
    memoryGB: s.cluster.gpuOverrides?.memoryGB ?? (gpu ? budgetCapacityGB(gpu) : 80),
    tp: shape.tp,
    pp: shape.pp,
  };
}

/** Every runtime knob an engine profile fills when the scenario leaves it unset. */
export const ENGINE_KNOBS: readonly KnobName[] = [
  'maxNumSeqs',
  'maxBatchedTokens',
  'chunkedPrefill',
  'mixedPrefillDecode',
  'gpuMemoryUtilization',
  'memorySemantics',
  'kvBlockSize',
  'cudaGraphs',
  'cudaGraphMaxBatch',
  'overlapScheduling',
  'prefixCaching',
  'preemption',
];

/**
 * The fully filled runtime of a scenario: explicit knobs win, the engine profile fills the rest.
 * `runtime.schedulerPolicy` (older field) and `runtime.mixedPrefillDecode` say the same thing: an
 * explicit policy sets mixing (decode-first = mixed), an explicit mixing flag sets the policy.
 */
export function resolveRuntime(s: Pick<Scenario, 'cluster' | 'plan' | 'runtime'>): ResolvedRuntime {
  // Memoised per runtime object and context (a plan search resolves the same runtime many times);
  // scenario objects are replaced, never mutated, so identity is a safe key.
  const ctx = contextOf(s);
  const key = `${ctx.gpuId}|${ctx.memoryGB}|${ctx.tp}|${ctx.pp}`;
  let byCtx = memo.get(s.runtime);
  const hit = byCtx?.get(key);
  if (hit) return hit;
  const out = resolveUncached(s.runtime, ctx);
  if (!byCtx) memo.set(s.runtime, (byCtx = new Map()));
  byCtx.set(key, out);
  return out;
}

const memo = new WeakMap<object, Map<string, ResolvedRuntime>>();

function resolveUncached(rt: Scenario['runtime'], ctx: ProfileContext): ResolvedRuntime {
  const name = rt.engine?.name ?? 'vllm';
  const { profile, warnings } = profileFor(name, rt.engine?.version);
  const d = profile.defaults(ctx);
  const fromEngine: KnobName[] = [];
  const pick = <K extends KnobName>(k: K): EngineKnobs[K] => {
    const v = (rt as Partial<EngineKnobs>)[k];
    if (v !== undefined) return v as EngineKnobs[K];
    if (k === 'mixedPrefillDecode' && rt.schedulerPolicy !== undefined)
      return (rt.schedulerPolicy === 'decode-first') as EngineKnobs[K];
    fromEngine.push(k);
    return d[k];
  };
  const knobs = {} as EngineKnobs;
  for (const k of ENGINE_KNOBS) (knobs as unknown as Record<string, unknown>)[k] = pick(k);
  const schedulerPolicy: SchedulerPolicy =
    rt.schedulerPolicy ?? (knobs.mixedPrefillDecode ? 'decode-first' : 'prefill-first');
  const { engine: _e, ...rest } = rt;
  void _e;
  return {
    ...rest,
    ...knobs,
    schedulerPolicy,
    engine: {
      name,
      version: rt.engine?.version ?? profile.id,
      profile: profile.label,
      profileId: profile.id,
      warnings,
      prefillPriority: profile.prefillPriority.value,
      ...(rt.engine?.calibration ? { calibration: rt.engine.calibration } : {}),
    },
    fromEngine,
  };
}

/** True when a value is a ResolvedRuntime (already filled); lets callers accept either shape. */
export function isResolved(rt: Runtime | ResolvedRuntime): rt is ResolvedRuntime {
  return 'fromEngine' in rt;
}

/** Every engine name, for pickers and error messages. */
export const ENGINE_CHOICES = ENGINE_NAMES;
