/**
 * The KV strategy section of an evaluation (`EvaluationResult.kv`, issue 6): what the scenario's
 * `runtime.kvStrategy` does to one sequence of the workload's length on the plan — bytes per token,
 * bytes per sequence, sequences in HBM and with the host/NVMe tiers, decode bytes read and extra FLOPs
 * per step, tier transfers, fidelity — from core/kv's effect and capacity models. Plain data, rounded.
 */
import type { Deployment } from '../cost/deployment.ts';
import { kvStrategyOf } from '../cost/kvformat.ts';
import { capacityPoint } from './capacity.ts';
import { effectOf } from './effect.ts';
import { engineCaveats, kvEngineOf } from './engine.ts';
import type { Fidelity } from '../kv/types.ts';

export interface KvStrategySummary {
  label: string;
  /** One line, e.g. "KIVI 2-bit: approximate; 5.3× smaller KV, g32 scale+zero, 128-token full-precision window". */
  description: string;
  fidelity: Fidelity;
  lossless: boolean;
  /** Context the numbers are for: the workload's input + output tokens. */
  contextTokens: number;
  /** bf16 KV of one token over all layers (the reference). */
  bf16BytesPerToken: number;
  /** Stored KV of one token over all layers at the strategy's format, metadata included. */
  storedBytesPerToken: number;
  /** One sequence in HBM: retained tokens, residual window, metadata, summaries, expected fragmentation. */
  hbmBytesPerSeq: number;
  compressionVsBf16: number;
  /** Tokens per allocation unit the engine uses (PagedAttention block or vAttention page). */
  blockTokens: number;
  /** Sequences of this context the whole deployment's HBM holds (core/kv capacity model). */
  hbmSeqs: number;
  /** With the host / NVMe tiers (= hbmSeqs without offload). */
  maxSeqsWithTiers: number;
  decodeReadBytesPerSeq: number;
  bf16DecodeReadBytesPerSeq: number;
  decodeExtraFlopsPerSeq: number;
  tiers: { hostGBPerGpu: number; ssdGBPerGpu: number; hostLinkGBps: number; ssdGBps: number; prefetch: boolean } | null;
  transfers: {
    /** Evicted KV parked in host, written once per sequence. */
    evictD2hBytesPerSeq: number;
    /** Promoted pages fetched from host every decode step. */
    refetchH2dBytesPerStepPerSeq: number;
    /** Swap preemption of one sequence: out and back in over the host link. */
    swapPreemptionS: number;
    multiTurnReloadBytes: number | null;
    disaggHandoffBytes: number;
  };
  sources: string[];
}

/** The strategy section for a deployment carrying `runtime.kvStrategy` (null without one). */
export function kvStrategySummary(dep: Deployment, contextTokens: number): KvStrategySummary | null {
  const kv = kvEngineOf(dep);
  if (!kv || !kvStrategyOf(dep)) return null;
  const L = Math.max(1, Math.round(contextTokens));
  const e = effectOf(kv.r, L);
  const p = capacityPoint(kv.r, L);
  const o = kv.r.offload;
  return {
    label: e.label,
    description: e.description,
    fidelity: e.fidelity,
    lossless: e.lossless,
    contextTokens: L,
    bf16BytesPerToken: e.bf16BytesPerToken,
    storedBytesPerToken: e.storedBytesPerToken,
    hbmBytesPerSeq: e.hbmBytesPerSeq,
    compressionVsBf16: e.compressionVsBf16,
    blockTokens: kv.blockTokens,
    hbmSeqs: p.hbmSeqs,
    maxSeqsWithTiers: p.maxSeqs,
    decodeReadBytesPerSeq: e.decodeReadBytesPerSeq,
    bf16DecodeReadBytesPerSeq: e.bf16DecodeReadBytesPerSeq,
    decodeExtraFlopsPerSeq: e.decodeExtraFlopsPerSeq,
    tiers: o
      ? {
          hostGBPerGpu: o.hostGB,
          ssdGBPerGpu: o.ssdGB,
          hostLinkGBps: kv.r.hostGBps,
          ssdGBps: kv.r.ssdGBps,
          prefetch: o.prefetch,
        }
      : null,
    transfers: {
      evictD2hBytesPerSeq: e.transfers.evictD2hBytesPerSeq,
      refetchH2dBytesPerStepPerSeq: e.transfers.refetchH2dBytesPerStepPerSeq,
      swapPreemptionS: e.transfers.swapPreemptionS,
      multiTurnReloadBytes: e.transfers.multiTurnReload?.bytes ?? null,
      disaggHandoffBytes: e.transfers.disaggHandoff.bytes,
    },
    sources: e.sources,
  };
}

/** Warnings an evaluation under a KV strategy carries: core/kv's, what the engine does not cost, fidelity. */
export function kvStrategyWarnings(dep: Deployment): string[] {
  const kv = kvEngineOf(dep);
  if (!kv) return [];
  const out = [...kv.r.warnings, ...engineCaveats(dep)];
  if (kv.r.fidelity !== 'exact')
    out.push(
      `KV strategy "${kv.r.label}" is ${kv.r.fidelity}: its accuracy cost is not modelled (fidelity is a label, not a predicted quality loss).`,
    );
  return out;
}
