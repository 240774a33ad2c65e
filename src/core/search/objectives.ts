/**
 * Objectives: how to read each one off an EvaluationResult, which direction is better, and how to
 * print it. Internally every comparison uses a "score" where higher is better (a minimised metric is
 * negated), so ranking, pruning and Pareto dominance share one code path.
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { Objective } from './types.ts';

export const OBJECTIVES: readonly Objective[] = [
  'throughput-per-gpu',
  'goodput',
  'ttft-p50',
  'ttft-p99',
  'tpot-p50',
  'tpot-p99',
  'cost',
  'energy',
];

export interface ObjectiveInfo {
  /** Short name for tables and reasons. */
  label: string;
  unit: string;
  maximize: boolean;
}

export const OBJECTIVE_INFO: Readonly<Record<Objective, ObjectiveInfo>> = {
  'throughput-per-gpu': { label: 'throughput/GPU', unit: 'tok/s/GPU', maximize: true },
  goodput: { label: 'goodput', unit: 'req/s', maximize: true },
  'ttft-p50': { label: 'TTFT p50', unit: 'ms', maximize: false },
  'ttft-p99': { label: 'TTFT p99', unit: 'ms', maximize: false },
  'tpot-p50': { label: 'TPOT p50', unit: 'ms', maximize: false },
  'tpot-p99': { label: 'TPOT p99', unit: 'ms', maximize: false },
  cost: { label: '$/Mtok', unit: '$/M output tokens', maximize: false },
  energy: { label: 'J/token', unit: 'J/output token', maximize: false },
};

export function isObjective(x: unknown): x is Objective {
  return typeof x === 'string' && (OBJECTIVES as readonly string[]).includes(x);
}

/** The objective's value in natural units (tok/s/GPU, ms, $/Mtok …). */
export function objectiveValue(r: EvaluationResult, o: Objective): number {
  const m = r.metrics;
  switch (o) {
    case 'throughput-per-gpu':
      return m.outputTokPerSecPerGpu;
    case 'goodput':
      return m.goodputReqPerSec;
    case 'ttft-p50':
      return m.ttftMs?.p50 ?? Infinity; // absent (no value): ranks last
    case 'ttft-p99':
      return m.ttftMs?.p99 ?? Infinity; // absent (no value): ranks last
    case 'tpot-p50':
      return m.tpotMs?.p50 ?? Infinity; // absent (no value): ranks last
    case 'tpot-p99':
      return m.tpotMs?.p99 ?? Infinity; // absent (no value): ranks last
    case 'cost':
      return m.costUsdPerMOutputTokens ?? Infinity;
    case 'energy':
      return m.energyJPerOutputToken ?? Infinity;
  }
}

/** Natural value → score (higher is better); NaN is the worst score. */
export function toScore(value: number, o: Objective): number {
  if (Number.isNaN(value)) return -Infinity;
  return OBJECTIVE_INFO[o].maximize ? value : -value;
}

export function scoreOf(r: EvaluationResult, o: Objective): number {
  return toScore(objectiveValue(r, o), o);
}

/** "1.3×" in the objective's better direction: how much better `a` is than `b` (≥ 1 when a wins). */
export function improvement(a: number, b: number, o: Objective): number {
  const max = OBJECTIVE_INFO[o].maximize;
  if (max) return b > 0 ? a / b : a > 0 ? Infinity : 1;
  return a > 0 ? b / a : b > 0 ? Infinity : 1;
}
