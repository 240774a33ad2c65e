/**
 * Cost of speculative decoding (runtime.speculative, core/spec) on a deployment.
 *
 * One speculative decode step of a batch of B sequences at context c, k drafts, per-position acceptance a:
 *   draft   k autoregressive passes of the draft (one decoder block + the shared LM head) over B tokens;
 *           MTP / EAGLE run on the GPU inside the engine step, so no extra host overhead; n-gram runs on the
 *           host (prompt lookup) and costs nothing here
 *   verify  one target pass of B·(k + 1) positions (widenDecode): GEMMs and LM head k + 1 times wider,
 *           attention k + 1 queries over each sequence's keys
 *   emits   E(a, k) = (1 − a^(k+1)) / (1 − a) tokens per sequence (Leviathan et al. 2023, eq. 1)
 * so TPOT ≈ (draft + verify) / E and throughput = B·E / (draft + verify). Memory: the draft block's weights
 * (the fusion projection included, embedding and head shared) and its KV (one more KV layer per token) sit on
 * the last pipeline stage, where engines run the drafter.
 */
import { countParams } from '../model/params.ts';
import { acceptanceOf } from '../spec/defaults.ts';
import { expectedAcceptedTokens } from '../spec/acceptance.ts';
import { DRAFT_FUSION_WIDTH, draftModelOf } from '../spec/draft.ts';
import type { SpecMethod } from '../spec/types.ts';
import { uniformShape, widenDecode, type BatchShape } from './batch.ts';
import type { Deployment } from './deployment.ts';
import { geometryOf } from './geometry.ts';
import { iterationCost } from './iteration.ts';

export interface SpecPlan {
  method: SpecMethod;
  draftTokens: number;
  acceptance: number;
  /** Expected tokens emitted per sequence per verify step, E(a, k). */
  tokensPerStep: number;
}

/** The deployment's speculative setting with its acceptance resolved (null when off). */
export function specPlanOf(dep: Deployment): SpecPlan | null {
  const s = dep.runtime.speculative;
  if (!s) return null;
  const acceptance = acceptanceOf(s);
  return {
    method: s.method,
    draftTokens: s.draftTokens,
    acceptance,
    tokensPerStep: expectedAcceptedTokens(acceptance, s.draftTokens),
  };
}

/** Tokens one decode step emits per sequence: E(a, k) with speculative decoding, else 1. */
export function tokensPerDecodeStep(dep: Deployment): number {
  return specPlanOf(dep)?.tokensPerStep ?? 1;
}

const draftDeps = new WeakMap<Deployment, Deployment | null>();

/** The draft as a one-stage deployment on the target's GPUs and tp (null for n-gram or when off). */
export function draftDeploymentOf(dep: Deployment): Deployment | null {
  const hit = draftDeps.get(dep);
  if (hit !== undefined) return hit;
  const s = dep.runtime.speculative;
  const model = s ? draftModelOf(dep.model, s.method) : null;
  const out: Deployment | null = model
    ? {
        ...dep,
        model,
        runtime: { ...dep.runtime, kvStrategy: undefined, speculative: undefined },
        instance: { ...dep.instance, pp: 1, stageLayers: [1], ep: model.moe ? dep.instance.ep : 1 },
      }
    : null;
  if (out && !model?.moe) out.instance.moeTp = dep.instance.tp * dep.instance.attentionDp;
  draftDeps.set(dep, out);
  return out;
}

export interface SpecStepCost {
  /** k draft passes, seconds (0 for n-gram). */
  draftS: number;
  /** The target pass over k + 1 positions per sequence, host overhead included, seconds. */
  verifyS: number;
  stepS: number;
  tokensPerStep: number;
}

/** One speculative step of `seqs` decoding sequences at context `ctx` (seqs = one micro-batch). */
export function specStepCost(dep: Deployment, spec: SpecPlan, seqs: number, ctx: number): SpecStepCost {
  const window = dep.model.slidingWindow;
  const verifyS = iterationCost(dep, widenDecode(uniformShape(seqs, ctx, 1, true, window), spec.draftTokens + 1)).timeS;
  const draft = draftDeploymentOf(dep);
  const draftS = draft
    ? spec.draftTokens * iterationCost(draft, uniformShape(seqs, ctx, 1, true, window), false, false).timeS
    : 0;
  return { draftS, verifyS, stepS: draftS + verifyS, tokensPerStep: spec.tokensPerStep };
}

/**
 * The draft's pass over a prefill iteration: MTP / EAGLE heads run over every prompt token to build their
 * own KV (and propose the first drafts), one decoder block + head rows on the GPU (0 for n-gram or off).
 */
export function draftPrefillS(dep: Deployment, shape: BatchShape): number {
  const draft = dep.runtime.speculative ? draftDeploymentOf(dep) : null;
  return draft ? iterationCost(draft, shape, false, false).timeS : 0;
}

/** Draft weights one GPU of the last stage holds, bytes: the block split like the target's, plus the fusion fc. */
export function draftWeightBytesPerGpu(dep: Deployment): number {
  const draft = draftDeploymentOf(dep);
  if (!draft) return 0;
  const m = draft.model;
  const p = countParams(m).perLayer[0]!;
  const g = geometryOf(draft);
  const tp = draft.instance.tp;
  const experts = m.moe && m.layers[0]!.ffn === 'moe' ? p.ffn / (draft.instance.ep * draft.instance.moeTp) : p.ffn / tp;
  const fusion = DRAFT_FUSION_WIDTH[dep.runtime.speculative!.method] * m.hiddenSize * m.hiddenSize;
  return p.norms * 2 + ((p.attention + fusion) / tp) * g.weightBytes + experts * g.weightBytes;
}

/** KV layers the draft adds per token (one for MTP / EAGLE, none for n-gram). */
export function draftKvLayers(dep: Deployment): number {
  return draftDeploymentOf(dep) ? 1 : 0;
}
