/**
 * Hugging Face `config.json` → ModelSpec: the entry point. The jobs live in `hf/`: `reader.ts`
 * (untrusted text → bounded config object), `architectures.ts` (registry of supported names),
 * `dimensions.ts` (heads, dims, layer patterns) and `families.ts` (per-family builders).
 *
 * Pure TypeScript (no fs, no DOM): runs in Node, the browser and Web Workers.
 *
 * Policy: an architecture is imported only when every parameter and KV-cache figure it implies is
 * modeled here (since issue 13 that covers all 85 configs of data/reference/hf-configs: Gated DeltaNet,
 * Kimi Delta Attention and Mamba-2 hybrids, DSA and block-sparse attention, NAS blocks, per-layer-type
 * attention shapes, DeepSeek-V4 compressed attention). Anything else (unknown architectures, features
 * the builders refuse) throws a `ModelImportError` naming the config field and the reason; an unknown
 * `architectures` value lists the supported ones. A broken config (missing/invalid field) also throws,
 * naming the field and what is expected. This function never returns a number for something it does
 * not model. Models whose serving cost is not modeled yet (per-layer-type shapes, V4) import, and
 * cost/deployment.ts refuses to plan them with the reason.
 *
 * Multimodal configs with a nested `text_config` (Llama-4, Qwen3-VL, Kimi-K2.5, Gemma-4): the text
 * decoder is imported; the vision towers of the layouts hf/encoders.ts models are counted apart
 * (encoderParams), other towers and audio towers are not (a note says which).
 *
 * Per-architecture semantics follow the Hugging Face `transformers` modeling code:
 * - Llama / Llama-4 / Qwen3 / Gemma-2 / gpt-oss: `attention_bias` adds biases to q, k, v AND o.
 * - Qwen2 (and MiMo, a Qwen2 derivative): q/k/v always carry a bias, o never does (not a config key).
 * - Mistral / Mixtral / Phi-3: no attention biases (hard-coded in the modeling code).
 * - Sliding window: `layer_types` wins when present; otherwise Mistral/Mixtral/Phi-3 slide on every
 *   layer when `sliding_window` is set, Qwen2/Qwen3 only when `use_sliding_window` is true and for
 *   layers >= `max_window_layers`, Gemma-2 and gpt-oss alternate starting with a sliding layer 0.
 */
import { countParams, kvBytesPerToken } from './params.ts';
import type { ModelSpec } from './types.ts';
import {
  FAMILY_LABEL,
  firstArchitecture,
  rejectUnsupportedFeatures,
  TIE_DEFAULT,
  unsupportedArch,
  ARCHITECTURES,
  MODEL_TYPES,
  WRAPPERS,
} from './hf/architectures.ts';
import { buildFamily, quantNote } from './hf/families.ts';
import { readCheckpointQuantization } from './hf/quantization.ts';
import { encoderParamsOf } from './hf/encoders.ts';
import { Cfg, describe, fmtInt, type HfImportMeta, isObj, ModelImportError } from './hf/reader.ts';
import { ownEntry } from '../json/untrusted.ts';
import type { Family } from './hf/architectures.ts';

export { SUPPORTED_ARCHITECTURES } from './hf/architectures.ts';
export { MAX_CONFIG_CHARS, ModelImportError, parseHfConfigText, type HfImportMeta } from './hf/reader.ts';

/** Totals above this are not a real model (the largest in hf-configs is ≈ 1.03·10¹² parameters). */
const MAX_TOTAL_PARAMS = 1e14;
/** KV cache of one token above this is not a real model (Llama-3.1-405B in bf16 needs 0.52 MB). */
const MAX_KV_BYTES_PER_TOKEN = 2 ** 30;
/** Longest config.json text accepted (the largest real one in hf-configs is 89 kB). */
// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Import a Hugging Face `config.json` object (already parsed). Throws `ModelImportError` for
 * unsupported architectures and invalid configs.
 */
export function fromHfConfig(config: unknown, meta: HfImportMeta): ModelSpec {
  if (!isObj(config)) {
    throw new ModelImportError('config', `expected a config.json object, got ${describe(config)}`);
  }
  const top = new Cfg(config, '');
  const topArch = firstArchitecture(top);
  const topType = top.optString('model_type');

  // Nested text model (multimodal wrappers): import the text decoder only.
  let c = top;
  let family: Family | undefined;
  let archName: string;
  const notes: string[] = [];
  let encoderParams: number | null = null;
  const tc = config['text_config'];
  if (tc !== undefined && tc !== null) {
    if (!isObj(tc)) throw new ModelImportError('text_config', `expected an object, got ${describe(tc)}`);
    c = new Cfg(tc, 'text_config');
    const innerArch = firstArchitecture(c);
    const innerType = c.optString('model_type');
    family =
      (innerArch ? ownEntry(ARCHITECTURES, innerArch) : undefined) ??
      (innerType ? ownEntry(MODEL_TYPES, innerType) : undefined) ??
      (topArch && !innerArch && !innerType ? ownEntry(WRAPPERS, topArch) : undefined);
    rejectUnsupportedFeatures(c, family);
    const innerName = innerArch ?? innerType ?? topArch ?? 'unknown';
    if (!family) {
      throw unsupportedArch(
        innerArch ? 'text_config.architectures' : innerType ? 'text_config.model_type' : 'architectures',
        innerName,
      );
    }
    archName = topArch ?? innerName;
    const enc = encoderParamsOf(top);
    encoderParams = enc.params;
    notes.push(`Decoder from text_config of ${topArch ?? topType ?? 'a multimodal wrapper'}.`, ...enc.notes);
  } else {
    family =
      (topArch ? ownEntry(ARCHITECTURES, topArch) : undefined) ??
      (!topArch && topType ? ownEntry(MODEL_TYPES, topType) : undefined);
    rejectUnsupportedFeatures(top, family);
    archName = topArch ?? topType ?? '';
    if (!family) {
      if (!topArch && !topType) {
        throw new ModelImportError(
          'architectures',
          'missing; expected architectures[0] or model_type naming a supported architecture',
        );
      }
      throw unsupportedArch(topArch ? 'architectures' : 'model_type', archName);
    }
  }

  // Tied embeddings: the text config's value, else the wrapper's, else the architecture default.
  const tieInner = c !== top ? c.raw('tie_word_embeddings') : undefined;
  const tieTop = top.raw('tie_word_embeddings');
  if (c !== top && typeof tieInner === 'boolean' && typeof tieTop === 'boolean' && tieInner !== tieTop) {
    throw new ModelImportError(
      'tie_word_embeddings',
      `text_config says ${tieInner} but the top-level config says ${tieTop}; expected them to agree`,
    );
  }
  const tie =
    c !== top && c.has('tie_word_embeddings')
      ? c.bool('tie_word_embeddings', TIE_DEFAULT[family])
      : top.bool('tie_word_embeddings', TIE_DEFAULT[family]);

  const q = quantNote(c, top);
  if (q) notes.push(q);
  const quantField = c.has('quantization_config') ? c.path('quantization_config') : 'quantization_config';
  const quant = readCheckpointQuantization(c.raw('quantization_config') ?? top.raw('quantization_config'), quantField);

  const body = buildFamily(c, family, notes);
  if (body.layers.some((l) => l.attention === 'sliding')) {
    notes.push(
      `Sliding-window layers keep at most ${body.window} tokens of KV (kvBytesForContext); engines that ignore the window allocate the full context (kvBytesPerToken).`,
    );
  }
  const hfId = meta.hfId ?? null;
  const spec: ModelSpec = {
    id: meta.id,
    name: meta.name ?? hfId ?? meta.id,
    hfId,
    architecture: archName,
    hiddenSize: body.dims.hidden,
    vocabSize: body.dims.vocab,
    tieWordEmbeddings: tie,
    maxContextTokens: body.dims.maxContext,
    slidingWindow: body.window,
    attention: body.attention,
    intermediateSize: body.intermediateSize,
    gatedMlp: body.gatedMlp ?? true,
    mlpBias: body.mlpBias,
    moe: body.moe,
    layers: body.layers,
    source: `Hugging Face config.json${hfId ? ` of ${hfId}` : ''} (${archName})`,
    family: FAMILY_LABEL[family],
  };
  if (body.normsPerLayer !== 2) spec.normsPerLayer = body.normsPerLayer;
  if (body.mtp > 0) {
    spec.numMtpLayers = body.mtp;
    notes.push(`${body.mtp} multi-token-prediction layer(s) in the checkpoint are excluded from params and KV.`);
  }
  if (body.chunk !== null) spec.attentionChunkSize = body.chunk;
  if (body.extra) Object.assign(spec, body.extra);
  if (encoderParams !== null) spec.encoderParams = encoderParams;
  if (quant) {
    spec.checkpointQuantization = {
      method: quant.method,
      weightsDtype: quant.weightsDtype,
      activationsDtype: quant.activationsDtype,
    };
    notes.push(
      `Checkpoint precision from quantization_config: ${quant.method} (weights ${quant.weightsDtype}, activations ${quant.activationsDtype}); scenarios default to it.`,
    );
  }
  if (notes.length > 0) spec.notes = notes;

  checkDerivedSizes(spec);
  return spec;
}

/**
 * Derived sizes of an imported model: every field is already bounded, but their products (experts ×
 * width × layers) can still describe 10¹⁹ parameters, which downstream memory and cost figures
 * cannot represent exactly. Runs on at most MAX layers (CONFIG_INT_LIMITS.num_hidden_layers).
 */
function checkDerivedSizes(spec: ModelSpec): void {
  const total = countParams(spec).totalParams + (spec.encoderParams ?? 0);
  if (!Number.isFinite(total) || total > MAX_TOTAL_PARAMS) {
    throw new ModelImportError(
      'config',
      `${total.toPrecision(3)} total parameters exceeds ${MAX_TOTAL_PARAMS.toPrecision(3)}; the largest real model has about 1.0e12: check hidden_size, intermediate_size, the expert counts and num_hidden_layers`,
    );
  }
  const kvBytes = kvBytesPerToken(spec, 2);
  if (!Number.isFinite(kvBytes) || kvBytes > MAX_KV_BYTES_PER_TOKEN) {
    throw new ModelImportError(
      'config',
      `KV cache of ${fmtInt(kvBytes)} bytes per token (bf16) exceeds ${fmtInt(MAX_KV_BYTES_PER_TOKEN)}: check num_key_value_heads, head_dim and num_hidden_layers`,
    );
  }
}
