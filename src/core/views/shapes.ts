/**
 * The two representative iterations the plan views (Gantt, roofline) show, built from the same
 * batch shapes the closed-form estimator costs:
 *  - decode: one step of `concurrency / pp` sequences per micro-batch, each holding input + output/2
 *    tokens of context (what `representativeDecodeOps` in core/evaluate uses);
 *  - prefill: the first prefill iteration of a wave: as many whole prompts as fit in one
 *    `maxBatchedTokens` chunk, or the first chunk of one prompt when a prompt is longer than a chunk.
 */
import { uniformShape, widenDecode, type BatchShape } from '../cost/batch.ts';
import type { Deployment } from '../cost/deployment.ts';
import { draftDeploymentOf, specPlanOf } from '../cost/speculative.ts';
import type { Scenario } from '../scenario/schema.ts';

export type Phase = 'prefill' | 'decode';

export interface PhaseShape {
  phase: Phase;
  /** Batch of one micro-batch (the instance-wide batch when pp = 1). */
  shape: BatchShape;
  /** Micro-batches in flight through the pipeline for this phase. */
  microBatches: number;
  /** One line for captions, e.g. "decode step: 64 seqs × 1 token at 1,152 ctx". */
  describe: string;
  /**
   * Speculative decoding: the draft's one-stage deployment, its per-pass batch and the number of passes it runs
   * on the last stage after the target's pass (decode: k, after the (k + 1)-wide verify; prefill: 1, over the prompt).
   */
  draft?: { dep: Deployment; shape: BatchShape; passes: number };
}

const int = (x: number) => Math.round(x).toLocaleString('en-US');

export function decodePhaseShape(dep: Deployment, scenario: Scenario, concurrency: number): PhaseShape {
  const w = scenario.workload;
  const pp = dep.instance.pp;
  const seqs = Math.max(1, concurrency / pp);
  const ctx = w.inputTokens + w.outputTokens / 2;
  const spec = specPlanOf(dep);
  if (spec) {
    const k = spec.draftTokens;
    const base = uniformShape(seqs, ctx, 1, true, dep.model.slidingWindow);
    const draftDep = draftDeploymentOf(dep);
    return {
      phase: 'decode',
      shape: widenDecode(base, k + 1),
      microBatches: pp,
      describe: `verify step: ${pp > 1 ? `${pp} micro-batches of ` : ''}${seqs >= 10 ? int(seqs) : seqs.toFixed(1)} seqs × ${k + 1} positions at ${int(ctx)} tokens of context, then ${draftDep ? `${k} ${spec.method} draft pass${k === 1 ? '' : 'es'}` : `${spec.method} drafts on the host`}; ${spec.tokensPerStep.toFixed(2)} tokens emitted per sequence`,
      ...(draftDep ? { draft: { dep: draftDep, shape: base, passes: k } } : {}),
    };
  }
  return {
    phase: 'decode',
    shape: uniformShape(seqs, ctx, 1, true, dep.model.slidingWindow),
    microBatches: pp,
    describe: `decode step: ${pp > 1 ? `${pp} micro-batches of ` : ''}${seqs >= 10 ? int(seqs) : seqs.toFixed(1)} seqs × 1 token at ${int(ctx)} tokens of context`,
  };
}

/** Prefill with speculative decoding on: the draft also runs once over the iteration's prompt tokens. */
export function prefillPhaseShape(dep: Deployment, scenario: Scenario): PhaseShape {
  const p = prefillPhaseShapeOnly(dep, scenario);
  const draftDep = dep.runtime.speculative ? draftDeploymentOf(dep) : null;
  return draftDep ? { ...p, draft: { dep: draftDep, shape: p.shape, passes: 1 } } : p;
}

function prefillPhaseShapeOnly(dep: Deployment, scenario: Scenario): PhaseShape {
  const I = scenario.workload.inputTokens;
  const rt = dep.runtime;
  const chunk = rt.chunkedPrefill ? rt.maxBatchedTokens : Math.max(rt.maxBatchedTokens, I);
  if (I <= chunk) {
    const prompts = Math.max(1, Math.min(Math.floor(chunk / I), rt.maxNumSeqs * dep.instance.attentionDp));
    return {
      phase: 'prefill',
      shape: uniformShape(prompts, 0, I, true, dep.model.slidingWindow),
      microBatches: 1,
      describe: `prefill iteration: ${int(prompts)} prompt${prompts === 1 ? '' : 's'} × ${int(I)} tokens`,
    };
  }
  return {
    phase: 'prefill',
    shape: uniformShape(1, 0, chunk, false, dep.model.slidingWindow),
    microBatches: 1,
    describe: `prefill iteration: first ${int(chunk)}-token chunk of a ${int(I)}-token prompt`,
  };
}
