/**
 * KV-strategy views for the UI (pure; issue 6):
 *  - `kvCapacityChart`: maximum concurrent sequences (HBM alone and with host/NVMe tiers) and decode
 *    throughput vs context length, 1K…1M tokens, for the current plan under each strategy of a preset
 *    list (bf16, fp8, int4, KIVI-2, H2O 20 %, sink + window, host offload) plus the plan's own strategy,
 *    with the HBM limit and the point where offload starts — core/kv `kvCapacityCurve`, the picture
 *    behind "Challenges in Deploying Long-Context Transformers" (Fu, 2024).
 *  - `tierSpansFromSimulation`: the simulator's HBM ↔ host / NVMe copies (swap preemption, multi-turn
 *    reloads) as struct-of-arrays spans per instance, for a Gantt of the run.
 *  - `planTierTransfers`: the tier transfers one decode step / prefill iteration of the plan implies
 *    under its strategy (promoted pages, multi-turn reloads and write-backs, evicted pages, one swap),
 *    which `planGantt` lays out on host-link lanes.
 * No cost arithmetic beyond unit conversions happens here: every byte and second comes from core/kv.
 */
import type { Deployment } from '../cost/deployment.ts';
import { iterationCost } from '../cost/iteration.ts';
import { kvStrategyOf } from '../cost/kvformat.ts';
import { resolvePools } from '../cost/pools.ts';
import type { SimulationSummary } from '../evaluate/simulated.ts';
import { DEFAULT_CONTEXTS, kvCapacityCurve, schedulerGroups, type KvCapacityCurve } from '../kvplan/capacity.ts';
import { kvEngineOf } from '../kvplan/engine.ts';
import { defaultEvictedTo } from '../kv/evict.ts';
import { freeKvBytesPerGpu, stageFootprints } from '../kvplan/footprint.ts';
import { KV_CHART_PRESETS, kvPreset, strategyLabel } from '../kv/presets.ts';
import type { Fidelity, KvStrategy } from '../kv/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { TIER_TRANSFER_KINDS, type TierTransferKind } from '../kv/transfers.ts';
import { decodePhaseShape, prefillPhaseShape, type Phase } from './shapes.ts';

// ---------------------------------------------------------------------------------------------
// KV capacity chart

export interface KvChartPoint {
  contextTokens: number;
  /** Sequences the plan's HBM holds at this context (all replicas). */
  hbmSeqs: number;
  /** With host / NVMe tiers (= hbmSeqs without offload). */
  maxSeqs: number;
  /** min(maxSeqs, maxNumSeqs × scheduler groups): what the engine would run. */
  servableSeqs: number;
  /** Servable sequences whose KV lives partly outside HBM. */
  offloadedSeqs: number;
  /** Decode output tokens/s over the plan at servableSeqs (spilled KV streamed every step), and within HBM only. */
  decodeTokPerS: number;
  hbmOnlyDecodeTokPerS: number;
  /** HBM bytes of one sequence (all layers, one copy). */
  hbmBytesPerSeq: number;
  /** Beyond the model's trained context (meaningful only with eviction / windows). */
  beyondModelContext: boolean;
}

export interface KvChartSeries {
  /** Preset id, or "current" for the plan's own strategy. */
  id: string;
  label: string;
  description: string;
  fidelity: Fidelity;
  lossless: boolean;
  /** True for the plan's own strategy (the one evaluate/search cost). */
  current: boolean;
  points: KvChartPoint[];
  /** Longest context one sequence fits in HBM / with the tiers (null: beyond 2M tokens). */
  hbmLimitTokens: number | null;
  tieredLimitTokens: number | null;
  /** From here HBM holds fewer sequences than maxNumSeqs allows: KV-bound. */
  kvBoundFromTokens: number | null;
  /** Where host / NVMe start holding sequences (offload strategies). */
  offloadStartsAtTokens: number | null;
  warnings: string[];
}

export interface KvCapacityChart {
  contexts: number[];
  series: KvChartSeries[];
  /** HBM per GPU left for KV on the tightest pipeline stage, bytes (the HBM limit line). */
  hbmFreeBytesPerGpu: number;
  /** The engine's cap: maxNumSeqs × scheduler groups. */
  maxNumSeqsCap: number;
  /** The scenario's own context (input + output), for a marker. */
  workloadContextTokens: number;
  gpusUsed: number;
  /** E.g. "decode pool of a disaggregated plan" (null for colocated plans). */
  note: string | null;
}

export interface KvChartOptions {
  /** Preset ids (core/kv/presets.ts); default KV_CHART_PRESETS. */
  presets?: readonly string[];
  contexts?: readonly number[];
  /** Include the plan's own strategy as the first series (default true); false lets a caller build the chart one series at a time. */
  current?: boolean;
}

function seriesOf(
  dep: Deployment,
  id: string,
  label: string,
  strategy: KvStrategy | Record<string, never>,
  current: boolean,
  contexts: readonly number[],
): KvChartSeries {
  const c: KvCapacityCurve = kvCapacityCurve(dep, strategy, contexts);
  return {
    id,
    label,
    description: c.description,
    fidelity: c.fidelity,
    lossless: c.lossless,
    current,
    points: c.points.map((p) => ({
      contextTokens: p.contextTokens,
      hbmSeqs: p.hbmSeqs,
      maxSeqs: p.maxSeqs,
      servableSeqs: p.servableSeqs,
      offloadedSeqs: p.offloadedSeqs,
      decodeTokPerS: p.decodeTokPerS,
      hbmOnlyDecodeTokPerS: p.hbmOnlyDecodeTokPerS,
      hbmBytesPerSeq: p.hbmBytesPerSeq,
      beyondModelContext: p.beyondModelContext,
    })),
    hbmLimitTokens: c.hbmLimitTokens,
    tieredLimitTokens: c.tieredLimitTokens,
    kvBoundFromTokens: c.kvBoundFromTokens,
    offloadStartsAtTokens: c.offloadStartsAtTokens,
    warnings: c.warnings,
  };
}

/**
 * The chart's context lengths: the default powers of two (1K…1M) that lie below the model's context
 * window, then the window itself, so the x-axis ends where the model stops (issue 14: it ran past
 * it). A model whose window exceeds 1M keeps the default range.
 */
export function chartContexts(maxContextTokens: number, base: readonly number[] = DEFAULT_CONTEXTS): number[] {
  if (!(maxContextTokens > 0) || maxContextTokens >= base[base.length - 1]!) return [...base];
  return [...base.filter((c) => c < maxContextTokens), maxContextTokens];
}

/**
 * Capacity and throughput vs context for the scenario's plan (the decode pool of a disaggregated plan)
 * under each preset strategy and under its own. Throws the engine's ScenarioError for a plan that does
 * not resolve.
 */
export function kvCapacityChart(scenario: Scenario, opts: KvChartOptions = {}): KvCapacityChart {
  const rp = resolvePools(scenario);
  const serve = rp.pools.find((p) => p.role !== 'prefill')!;
  const dep = serve.dep;
  const contexts = opts.contexts ?? chartContexts(dep.model.maxContextTokens);
  const own = kvStrategyOf(dep);
  const series: KvChartSeries[] = [];
  // The plan as configured: its own strategy, or plain KV at precision.kvCache.
  if (opts.current !== false)
    series.push(
      seriesOf(
        dep,
        'current',
        own ? `current: ${strategyLabel(own)}` : `current: ${dep.precision.kvCache} KV`,
        own ?? {},
        true,
        contexts,
      ),
    );
  for (const id of opts.presets ?? KV_CHART_PRESETS) {
    const p = kvPreset(id);
    if (!p) continue;
    series.push(seriesOf(dep, p.id, p.label, p.strategy ?? {}, false, contexts));
  }
  const w = scenario.workload;
  return {
    contexts: [...contexts],
    series,
    hbmFreeBytesPerGpu: Math.min(...freeKvBytesPerGpu(dep)),
    maxNumSeqsCap: dep.runtime.maxNumSeqs * schedulerGroups(dep),
    workloadContextTokens: w.inputTokens + w.outputTokens,
    gpusUsed: dep.gpusUsed,
    note: rp.disaggregated
      ? 'Decode pool of a disaggregated plan: the prefill pool holds each prompt only until its KV is handed off.'
      : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Tier spans of a simulation

export interface TierSpans {
  /** Instance (global index, as in the simulation timeline) of each span. */
  instance: Int32Array;
  startUs: Float64Array;
  endUs: Float64Array;
  /** Index into `kinds`. */
  kind: Uint8Array;
  bytes: Float64Array;
  /** 0 = swap preemption, 1 = multi-turn reload. */
  cause: Uint8Array;
  kinds: readonly TierTransferKind[];
  /** Rows the run produced (more than listed when the timeline cap was reached). */
  total: number;
}

/** The simulator's tier transfers (needs `evaluateSimulated(…, { timeline: true })`); null without any. */
export function tierSpansFromSimulation(sim: SimulationSummary): TierSpans | null {
  const x = sim.timeline?.tierTransfers;
  if (!x || x.count === 0) return null;
  const n = x.count;
  const startUs = new Float64Array(n);
  const endUs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    startUs[i] = x.startS[i]! * 1e6;
    endUs[i] = (x.startS[i]! + x.durationS[i]!) * 1e6;
  }
  return {
    instance: x.instance.slice(0, n),
    startUs,
    endUs,
    kind: x.kind.slice(0, n),
    bytes: x.bytes.slice(0, n),
    cause: x.cause.slice(0, n),
    kinds: TIER_TRANSFER_KINDS,
    total: x.total,
  };
}

// ---------------------------------------------------------------------------------------------
// Tier transfers of one plan iteration (for planGantt)

export interface PlanTierTransfer {
  phase: Phase;
  /** Per decoder layer of each stage (layer-wise, overlapped with that layer's compute), or once ('swap'). */
  per: 'layer' | 'once';
  transfer: TierTransferKind;
  name: string;
  /** Bytes per GPU per layer (per = layer) or in total (per = once). */
  bytes: number;
  /** Link time for those bytes, µs. */
  us: number;
  describe: string;
}

const MB = (b: number) => `${(b / 1e6).toFixed(b >= 1e8 ? 0 : 2)} MB`;

/**
 * What crosses the host link in one decode step and one prefill iteration of the plan under its KV
 * strategy, per GPU: pages promoted from host (top-k / per-head with evicted pages in host), multi-turn
 * KV reloaded layer by layer and the new KV written back (CachedAttention), evicted KV parked in host
 * after prefill, and — with an offload component — swapping one mean sequence out and back in
 * (FastSwitch). Empty without a strategy or when nothing crosses the link.
 */
export function planTierTransfers(dep: Deployment, scenario: Scenario, concurrency: number): PlanTierTransfer[] {
  const kv = kvEngineOf(dep);
  if (!kv) return [];
  const r = kv.r;
  const GBps = r.hostGBps * 1e9;
  const us = (bytes: number) => (bytes / GBps) * 1e6;
  const out: PlanTierTransfer[] = [];
  const w = scenario.workload;
  const evictHost = r.evict !== undefined && (r.evict.evictedTo ?? defaultEvictedTo(r.evict.policy)) === 'host';

  if (evictHost) {
    const ops = iterationCost(dep, decodePhaseShape(dep, scenario, concurrency).shape, true).ops ?? [];
    const op = ops.find((o) => o.name === 'KV H2D page refetch');
    if (op && op.bytes > 0)
      out.push({
        phase: 'decode',
        per: 'layer',
        transfer: 'H2D',
        name: 'H2D promoted pages',
        bytes: op.bytes,
        us: op.memoryS * 1e6,
        describe: `pages newly selected this step, fetched from host per layer (${MB(op.bytes)} per GPU per layer)`,
      });
  }

  const prefill = prefillPhaseShape(dep, scenario);
  const prompts = prefill.shape.seqs;
  const layers = kv.fullLayers + kv.slidingLayers;
  const layerBytesGpu = r.quantBytesPerTokenLayer * r.gpuShare;
  const mt = r.offload?.multiTurnReuse;
  if (mt) {
    const pw = kv.promptWork(w);
    const perLayer = (pw.loadBytesPerGpu * prompts * dep.instance.pp) / layers;
    if (perLayer > 0)
      out.push({
        phase: 'prefill',
        per: 'layer',
        transfer: 'H2D',
        name: 'H2D multi-turn KV reload',
        bytes: perLayer,
        us: us(perLayer),
        describe: `${Math.round(mt.hitRate * 100)}% of each prompt's KV loaded from the host store layer by layer instead of prefilled (CachedAttention)`,
      });
    const save = Math.min(prefill.shape.tokens, prompts * pw.computed) * layerBytesGpu;
    if (save > 0)
      out.push({
        phase: 'prefill',
        per: 'layer',
        transfer: 'D2H',
        name: 'D2H KV write-back',
        bytes: save,
        us: us(save),
        describe: 'the new prompt KV saved to the host store for the next turn (CachedAttention / Continuum TTL)',
      });
  }
  if (evictHost && prefill.phase === 'prefill') {
    const l = kv.layer('full', w.inputTokens);
    const perLayer =
      Math.min(1, prefill.shape.tokens / Math.max(1, prompts * w.inputTokens)) * prompts * l.hostBytes * r.gpuShare;
    if (perLayer > 0)
      out.push({
        phase: 'prefill',
        per: 'layer',
        transfer: 'D2H',
        name: 'D2H evicted pages',
        bytes: perLayer,
        us: us(perLayer),
        describe: 'KV outside the budget parked in host memory after prefill',
      });
  }
  if (r.offload) {
    const L = w.inputTokens + w.outputTokens / 2;
    // One sequence's KV on one GPU of the fullest stage (fragmentation excluded).
    const bytes = stageFootprints(r, L).reduce((m, f) => Math.max(m, f.hbmBytes - f.wasteBytes), 0);
    out.push({
      phase: 'decode',
      per: 'once',
      transfer: 'D2H',
      name: 'swap out one sequence',
      bytes,
      us: us(bytes),
      describe: `preempting one ${Math.round(L).toLocaleString('en-US')}-token sequence copies its KV to host (FastSwitch; only when HBM runs out)`,
    });
    out.push({
      phase: 'decode',
      per: 'once',
      transfer: 'H2D',
      name: 'swap it back in',
      bytes,
      us: us(bytes),
      describe: 'and back when it is rescheduled',
    });
  }
  return out;
}
