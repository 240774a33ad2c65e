/**
 * Plan roofline (pure): the ops of one decode step and one prefill iteration of the plan, after
 * sharding, as points on the GPU's roofline. Each point is one op name summed over its executions
 * (layers, stages): intensity = Σ FLOPs / Σ bytes, achieved rate = Σ FLOPs / Σ time, size = share of
 * the phase's time. The op costs come from core/cost/iteration.ts; nothing is re-derived here.
 *
 * Ops without FLOPs (collectives, copies, norms, host overhead) have no place on a FLOP/byte axis;
 * they are listed in `offRoof` with their share of time so the UI can say what is not drawn.
 */
import type { Deployment } from '../cost/deployment.ts';
import { resolveDeployment } from '../cost/deployment.ts';
import { resolvePools } from '../cost/pools.ts';
import { geometryOf } from '../cost/geometry.ts';
import { iterationCost } from '../cost/iteration.ts';
import type { OpCost } from '../cost/roofline.ts';
import type { Scenario } from '../scenario/schema.ts';
import { decodePhaseShape, prefillPhaseShape, type Phase } from './shapes.ts';

export interface PlanRooflinePoint {
  id: string;
  label: string;
  phase: Phase;
  intensityFlopPerByte: number;
  achievedTflops: number;
  timeShare: number;
  bound: string;
}

export interface OffRoofOp {
  phase: Phase;
  name: string;
  timeShare: number;
}

export interface PlanRoofline {
  gpuLabel: string;
  /** Dense tensor-core peaks of this GPU (overrides applied); `label` names the dtype. */
  ceilings: { label: string; tflops: number }[];
  memoryGBps: number;
  links: { label: string; GBps: number }[];
  points: PlanRooflinePoint[];
  offRoof: OffRoofOp[];
  /** The precision GEMMs run in (after any fallback), e.g. 'fp8'. */
  gemmMathDtype: string;
  describe: Record<Phase, string>;
}

interface Acc {
  name: string;
  flops: number;
  bytes: number;
  timeS: number;
  bound: Map<string, number>;
}

export function aggregateOps(
  ops: readonly OpCost[],
  phase: Phase,
): { points: PlanRooflinePoint[]; offRoof: OffRoofOp[] } {
  const total = ops.reduce((a, o) => a + o.timeS * o.count, 0);
  const by = new Map<string, Acc>();
  for (const o of ops) {
    const a = by.get(o.name) ?? { name: o.name, flops: 0, bytes: 0, timeS: 0, bound: new Map<string, number>() };
    a.flops += o.flops * o.count;
    a.bytes += o.bytes * o.count;
    a.timeS += o.timeS * o.count;
    a.bound.set(o.bound, (a.bound.get(o.bound) ?? 0) + o.timeS * o.count);
    by.set(o.name, a);
  }
  const points: PlanRooflinePoint[] = [];
  const offRoof: OffRoofOp[] = [];
  for (const a of by.values()) {
    const share = total > 0 ? a.timeS / total : 0;
    if (a.flops > 0 && a.bytes > 0 && a.timeS > 0) {
      const bound = [...a.bound.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? 'memory';
      points.push({
        id: `${phase}:${a.name}`,
        label: a.name,
        phase,
        intensityFlopPerByte: a.flops / a.bytes,
        achievedTflops: a.flops / a.timeS / 1e12,
        timeShare: share,
        bound,
      });
    } else if (a.timeS > 0) {
      offRoof.push({ phase, name: a.name, timeShare: share });
    }
  }
  offRoof.sort((x, y) => y.timeShare - x.timeShare);
  return { points, offRoof };
}

/** Short name of the scale-up link from the catalog's description ("NVLink 4 (18 links) via NVSwitch" → "NVLink 4"). */
export function scaleUpName(tech: string | undefined): string {
  if (!tech) return 'Scale-up link';
  if (/^none\b/i.test(tech)) return 'PCIe (GPU to GPU)';
  const short = tech.split(/\s*\(|\s+via\s+|,/)[0]?.trim() ?? '';
  if (!short) return 'Scale-up link';
  return short.length > 26 ? `${short.slice(0, 25)}…` : short;
}

const DTYPE_LABEL: Record<string, string> = {
  bf16: 'BF16',
  fp16: 'FP16',
  fp8: 'FP8',
  int8: 'INT8',
  fp4: 'FP4',
  nvfp4: 'FP4',
};

export function rooflineFromDeployment(dep: Deployment, scenario: Scenario, concurrency: number): PlanRoofline {
  const gpu = dep.gpu;
  const g = geometryOf(dep);
  const math = g.gemmMathDtype === 'nvfp4' ? 'fp4' : g.gemmMathDtype;
  const ceilings: { label: string; tflops: number }[] = [];
  const add = (key: 'bf16' | 'fp8' | 'int8' | 'fp4', tflops: number | null) => {
    if (tflops === null || !(tflops > 0)) return;
    if (key === 'int8' && gpu.denseTflops.fp8 === tflops) return; // same roof as FP8: one line
    const used = key === math || (key === 'bf16' && math === 'fp16');
    ceilings.push({ label: `${DTYPE_LABEL[key] ?? key} peak${used ? ' (GEMMs)' : ''}`, tflops });
  };
  add('fp4', gpu.denseTflops.fp4);
  add('fp8', gpu.denseTflops.fp8);
  add('int8', gpu.denseTflops.int8);
  add('bf16', gpu.denseTflops.bf16);
  const links: { label: string; GBps: number }[] = [];
  if (gpu.scaleUpGBps > 0)
    links.push({ label: `${scaleUpName(gpu.scaleUpTech)} (per GPU, one way)`, GBps: gpu.scaleUpGBps });
  if (gpu.scaleOutGBps > 0 && dep.gpusUsed > dep.links.scaleUpDomainGpus)
    links.push({ label: 'Scale-out NIC (per GPU)', GBps: gpu.scaleOutGBps });
  const decode = decodePhaseShape(dep, scenario, concurrency);
  const prefill = prefillPhaseShape(dep, scenario);
  const d = aggregateOps(iterationCost(dep, decode.shape, true).ops ?? [], 'decode');
  const p = aggregateOps(iterationCost(dep, prefill.shape, true).ops ?? [], 'prefill');
  return {
    gpuLabel: gpu.name,
    ceilings,
    memoryGBps: gpu.memoryBandwidthGBps,
    links,
    points: [...p.points, ...d.points],
    offRoof: [...p.offRoof, ...d.offRoof],
    gemmMathDtype: math,
    describe: { decode: decode.describe, prefill: prefill.describe },
  };
}

/** Roofline of the scenario's plan at the per-instance steady-state concurrency. Throws ScenarioError for an unresolvable plan. */
export function planRoofline(scenario: Scenario, concurrency: number): PlanRoofline {
  const rp = resolvePools(scenario);
  if (!rp.disaggregated) return rooflineFromDeployment(resolveDeployment(scenario), scenario, concurrency);
  // Disaggregated: prefill points from the prefill pool's sharding, decode points from the decode pool's.
  const pre = rooflineFromDeployment(rp.pools.find((p) => p.role === 'prefill')!.dep, scenario, concurrency);
  const dec = rooflineFromDeployment(rp.pools.find((p) => p.role === 'decode')!.dep, scenario, concurrency);
  return {
    ...dec,
    points: [...pre.points.filter((p) => p.phase === 'prefill'), ...dec.points.filter((p) => p.phase === 'decode')],
    offRoof: [...pre.offRoof.filter((p) => p.phase === 'prefill'), ...dec.offRoof.filter((p) => p.phase === 'decode')],
    describe: { prefill: `prefill pool, ${pre.describe.prefill}`, decode: `decode pool, ${dec.describe.decode}` },
  };
}
