/**
 * What the draft of each method is, as a ModelSpec the cost formulas can read, and which models can use it.
 *
 * - mtp: the checkpoint's own multi-token-prediction module: one decoder block of the target's shape plus a
 *   projection of [embedding; hidden] (2h → h), sharing the target's embedding and output head (DeepSeek-V3
 *   report §2.2, arXiv 2412.19437; Qwen3.5 / GLM `mtp_num_hidden_layers` / `num_nextn_predict_layers`).
 *   With k > the shipped heads, engines reuse the head autoregressively (vLLM deepseek_mtp; ENGINE-FACTS §4).
 * - eagle: a one-layer dense decoder at the target's hidden size over [embedding; feature] (2h → h fc), sharing
 *   the target's embedding and LM head (Li et al. 2024, arXiv 2401.15077 §4).
 * - eagle3: the same one-layer decoder, fed a fusion of low, middle and high target features (3h → h fc;
 *   Li et al. 2025, arXiv 2503.01840 §3). Its reduced draft vocabulary is not modelled (the full head is costed).
 * - ngram: prompt lookup on the host; no draft weights, KV or GPU work.
 */
import type { LayerSpec, ModelSpec } from '../model/types.ts';
import type { SpecMethod } from './types.ts';

/** The feature-fusion projection of each draft, as a multiple of hidden² (MTP eh_proj / EAGLE fc). */
export const DRAFT_FUSION_WIDTH: Readonly<Record<SpecMethod, number>> = Object.freeze({
  mtp: 2,
  eagle: 2,
  eagle3: 3,
  ngram: 0,
});

/** Why `method` cannot run on `model`, naming the field; null when it can. */
export function speculativeConflict(model: ModelSpec, method: SpecMethod): string | null {
  if (method === 'mtp' && !((model.numMtpLayers ?? 0) > 0)) {
    return `mtp needs multi-token-prediction heads in the checkpoint (config.json num_nextn_predict_layers / mtp_num_hidden_layers / num_mtp_modules > 0), and ${model.name} has none — use eagle, eagle3 or ngram, or remove runtime.speculative`;
  }
  return null;
}

/** The decoder block a draft runs: for MTP the target's own attention block type (MoE if the target is MoE). */
function draftLayer(model: ModelSpec, method: SpecMethod): LayerSpec {
  if (method === 'mtp') {
    const ffn = model.moe ? 'moe' : 'dense';
    return model.layers.find((l) => l.attention === 'full' && l.ffn === ffn) ?? { attention: 'full', ffn };
  }
  return { attention: 'full', ffn: 'dense' };
}

/**
 * The draft as a one-layer ModelSpec (null for ngram). It keeps the target's vocabulary (the draft runs the
 * shared LM head every step) and attention shape; EAGLE drafts are dense at the target's dense FFN width.
 */
export function draftModelOf(model: ModelSpec, method: SpecMethod): ModelSpec | null {
  if (method === 'ngram') return null;
  const layer = draftLayer(model, method);
  const dense = method !== 'mtp';
  const { reusesIndexer: _r, ...own } = layer;
  void _r;
  return {
    ...model,
    id: `${model.id}#draft-${method}`,
    name: `${model.name} ${method} draft`,
    tieWordEmbeddings: true,
    moe: dense ? null : model.moe,
    layers: [own],
    // An EAGLE draft head has no DSA indexer, state layers or MTP heads of its own.
    sparseIndexer: dense ? undefined : model.sparseIndexer,
    numMtpLayers: 0,
    encoderParams: undefined,
  };
}
