/**
 * Generator of valid-looking but extreme scenarios for the engine surfaces (estimator, simulator,
 * search; issue 16): a seed scenario (examples/*.json, the pasted-config and KV-strategy seeds of
 * the scenario surface, and the hostile cases of core/evaluate/bounds-cases.ts) with 1–5 semantic
 * mutations that set one field to an extreme the schema still accepts (lengths up to the schema
 * caps, huge lognormal/normal distributions, tiny/huge arrival rates, plans over many GPUs, P/D
 * pools, KV strategies, gpuOverrides at their limits) — or, rarely, just past it.
 */
import { BOUNDS_CASES } from '../core/evaluate/bounds-cases.ts';
import { GPU_IDS } from '../core/hardware/gpus.ts';
import { KV_PRESET_LIST } from '../core/kv/presets.ts';
import { MODEL_IDS } from '../core/model/catalog.ts';
import { ACTIVATION_DTYPES, KV_DTYPES, PREEMPTION_MODES, WEIGHT_DTYPES } from '../core/scenario/schema.ts';
import { MAX_TOKENS } from '../core/workload/types.ts';
import { MAX_CV, MAX_LOGNORMAL_SIGMA, MAX_RATE_PER_SEC, MAX_USERS } from '../core/workload/schema.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import type { Rng } from './rng.ts';
import { FuzzInvariantError } from './types.ts';
import { seedScenarios } from './surfaces/scenario.ts';

type Obj = Record<string, unknown>;

/** Limits of one generated family (the simulator and the search get smaller ones). */
export interface ScenarioLimits {
  /** Largest workload.requests (and warmupRequests) generated; the schema allows 1,000,000. */
  maxRequests: number;
  /** Largest empirical length list; the schema allows 200,000. */
  maxEmpiricalValues: number;
}

export const ESTIMATOR_LIMITS: ScenarioLimits = { maxRequests: 1_000_000, maxEmpiricalValues: 200_000 };

/** Every seed: examples, the scenario surface's extra seeds, and the bounds cases of issue 16. */
export function engineSeeds(): Obj[] {
  return [...seedScenarios(), ...Object.values(BOUNDS_CASES).map((c) => structuredClone(c) as unknown as Obj)];
}

const obj = (o: Obj, key: string): Obj => {
  const v = o[key];
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
};

/** A token count spread over the whole schema range, with the caps and their neighbours likely. */
function tokens(rng: Rng, cap: number): number {
  const t = rng.pick([
    1,
    2,
    16,
    128,
    1024,
    4096,
    32_768,
    131_072,
    131_073,
    cap - 1,
    cap,
    rng.int(1, cap),
    rng.magnitude(7),
  ]);
  return Math.min(cap, Math.max(1, t));
}

function lengthDist(rng: Rng, limits: ScenarioLimits): Obj {
  const t = () => tokens(rng, MAX_TOKENS);
  switch (rng.int(0, 4)) {
    case 0:
      return { kind: 'fixed', tokens: t() };
    case 1: {
      const [a, b] = [t(), t()].sort((x, y) => x - y);
      return { kind: 'uniform', min: a, max: b };
    }
    case 2:
      return { kind: 'normal', mean: t(), std: rng.pick([0, 1, t(), MAX_TOKENS]) };
    case 3:
      return { kind: 'lognormal', median: t(), sigma: rng.pick([0, 0.01, 1, 3, MAX_LOGNORMAL_SIGMA]) };
    default: {
      const n = rng.pick([1, 2, 100, rng.int(1, 2000), limits.maxEmpiricalValues]);
      const values = Array.from({ length: n }, () => (rng.chance(0.9) ? rng.int(1, 4096) : t()));
      return { kind: 'empirical', values };
    }
  }
}

function arrival(rng: Rng): Obj {
  const rate = () => rng.pick([1e-6, 1e-3, 0.1, 1, 40, 1000, MAX_RATE_PER_SEC]);
  switch (rng.int(0, 3)) {
    case 0:
      return { kind: 'offline' };
    case 1:
      return { kind: 'poisson', ratePerSec: rate() };
    case 2:
      return { kind: 'gamma', ratePerSec: rate(), cv: rng.pick([0.01, 0.5, 1, 4, MAX_CV]) };
    default:
      return { kind: 'concurrency', users: rng.pick([1, 2, 64, 4096, MAX_USERS]) };
  }
}

const pow2 = (rng: Rng, maxExp: number) => 2 ** rng.int(0, maxExp);

/** One semantic mutation, in place. */
function mutateOnce(rng: Rng, s: Obj, limits: ScenarioLimits): void {
  const w = obj(s, 'workload');
  switch (rng.int(0, 13)) {
    case 0:
      w.inputTokens = tokens(rng, MAX_TOKENS);
      delete w.input;
      break;
    case 1:
      w.outputTokens = tokens(rng, 262_144);
      delete w.output;
      break;
    case 2:
      w[rng.chance(0.5) ? 'input' : 'output'] = lengthDist(rng, limits);
      break;
    case 3:
      w.arrival = arrival(rng);
      break;
    case 4:
      w.requests = rng.pick([1, 2, 50, 1000, rng.int(1, limits.maxRequests), limits.maxRequests]);
      if (rng.chance(0.2)) w.warmupRequests = rng.int(0, Math.min(100_000, limits.maxRequests));
      break;
    case 5: {
      // A colocated plan: powers of two, often more than the cluster has (refused by resolveDeployment).
      s.plan = { tp: pow2(rng, 7), pp: pow2(rng, 3), dp: pow2(rng, 8), ep: pow2(rng, 8), attentionDp: pow2(rng, 4) };
      break;
    }
    case 6: {
      const pool = () => ({ instances: pow2(rng, 5), tp: pow2(rng, 4), ep: pow2(rng, 4), attentionDp: pow2(rng, 2) });
      s.plan = { prefill: pool(), decode: pool() };
      break;
    }
    case 7:
      s.cluster = {
        ...obj(s, 'cluster'),
        gpu: rng.pick(GPU_IDS),
        nodes: rng.pick([1, 2, 4, 16, 128, 1024]),
        gpusPerNode: rng.pick([1, 2, 4, 8, 72, 128]),
      };
      break;
    case 8: {
      const o: Obj = {};
      const pick = (k: string, lo: number, hi: number) => {
        if (rng.chance(0.4)) o[k] = rng.pick([lo, hi, lo * 2, hi / 2]);
      };
      pick('memoryGB', 1, 4096);
      pick('memoryBandwidthGBps', 10, 100_000);
      pick('bf16Tflops', 1, 100_000);
      pick('fp8Tflops', 1, 100_000);
      pick('scaleUpGBps', 1, 100_000);
      pick('scaleOutGBps', 0.1, 100_000);
      pick('scaleOutLatencyUs', 0, 100_000);
      pick('hostLinkGBps', 0.1, 10_000);
      pick('priceUsdPerHour', 0, 1000);
      pick('tdpW', 1, 10_000);
      pick('idleW', 0, 10_000);
      obj(s, 'cluster').gpuOverrides = o;
      break;
    }
    case 9: {
      const r = obj(s, 'runtime');
      const preset = rng.pick(KV_PRESET_LIST);
      if (preset.input === null) delete r.kvStrategy;
      else r.kvStrategy = structuredClone(preset.input);
      if (rng.chance(0.3)) r.preemption = rng.pick(PREEMPTION_MODES);
      break;
    }
    case 10: {
      const r = obj(s, 'runtime');
      if (rng.chance(0.5)) r.maxNumSeqs = rng.pick([1, 2, 256, 4096, 65_536]);
      if (rng.chance(0.5)) r.maxBatchedTokens = rng.pick([1, 16, 8192, 2_097_152]);
      if (rng.chance(0.3)) r.gpuMemoryUtilization = rng.pick([0.05, 0.5, 0.99, 1]);
      break;
    }
    case 11:
      s.model = rng.pick(MODEL_IDS);
      break;
    case 12:
      s.precision = {
        weights: rng.pick(WEIGHT_DTYPES),
        activations: rng.pick(ACTIVATION_DTYPES),
        kvCache: rng.pick(KV_DTYPES),
      };
      break;
    default:
      if (rng.chance(0.5)) s.slo = { ttftMs: rng.pick([1, 3_600_000]), tpotMs: rng.pick([0.1, 60_000]) };
      else w.prefix = { sharedPrefixTokens: tokens(rng, MAX_TOKENS), hitRate: rng.pick([0, 0.5, 1]) };
  }
}

/** A deep copy of a random seed with 1–5 extreme-but-typed mutations. */
export function extremeScenario(rng: Rng, seeds: readonly Obj[], limits: ScenarioLimits): Obj {
  const s = structuredClone(rng.pick(seeds));
  const rounds = rng.int(1, 5);
  for (let r = 0; r < rounds; r++) mutateOnce(rng, s, limits);
  const w = obj(s, 'workload');
  if (typeof w.requests === 'number' && w.requests > limits.maxRequests) w.requests = limits.maxRequests;
  if (typeof w.warmupRequests === 'number' && w.warmupRequests > limits.maxRequests)
    w.warmupRequests = limits.maxRequests;
  return s;
}

/** Short form for reports: the mutated fields only matter, so print the compact JSON head. */
export function describeScenario(s: Obj): string {
  const text = JSON.stringify(s, (_, v: unknown) =>
    Array.isArray(v) && v.length > 8 ? `[${v.length} values: ${v.slice(0, 4).join(',')}…]` : v,
  );
  return text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
}

/** The schema said no (parseScenario `{ ok: false }`): a documented refusal of the engine surfaces. */
export class SchemaRefusal extends Error {
  constructor(errors: readonly string[]) {
    super(errors.join('; '));
    this.name = 'SchemaRefusal';
  }
}

/** parseScenario, refusing with SchemaRefusal; a refusal without a message breaks the schema's contract. */
export function parseOrRefuse(raw: unknown): Scenario {
  const parsed = parseScenario(raw);
  if (parsed.ok) return parsed.scenario;
  if (parsed.errors.length === 0 || parsed.errors.some((e) => typeof e !== 'string' || e.length === 0))
    throw new FuzzInvariantError('parseScenario refused without an error message');
  throw new SchemaRefusal(parsed.errors);
}
