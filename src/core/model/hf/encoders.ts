/**
 * Vision towers of multimodal checkpoints, counted so their weights take memory. One function per
 * tower layout, each following the modeling code named on it: Qwen3-VL (transformers qwen3_vl),
 * Kimi MoonViT (moonshotai remote code modeling_kimi_k25.py, the Kimi-VL MoonViT plus a patch-merger
 * projector) and Gemma-4 (transformers gemma4, Gemma4VisionModel + Gemma4MultimodalEmbedder). A
 * vision_config of another layout, or an audio_config, is not counted and the import says so.
 * NVFP4 checkpoints keep these towers unquantised (their quantization_config ignores vision_tower*,
 * mm_projector*, embed_vision*), so memory counts them in bf16.
 */
import { Cfg, isObj } from './reader.ts';

/** Encoder (patch embed, position table, blocks) and projector into the text width, in parameters. */
export interface TowerParams {
  tower: number;
  projector: number;
  /** What the count assumes that the config does not say. */
  assumed?: string;
}

/** What the import counts: the total and the notes to show, or why nothing is counted. */
export interface EncoderCount {
  params: number | null;
  notes: string[];
}

/** The width, block count, MLP width and patch side every tower reads, under its own key names. */
function towerDims(v: Cfg, keys: { width: string; blocks: string; mlp: string }) {
  return {
    d: v.int(keys.width, 'vision tower width'),
    layers: v.int(keys.blocks, 'vision tower blocks'),
    inter: v.int(keys.mlp, 'vision MLP width'),
    p: v.int('patch_size', 'vision patch size'),
  };
}

/**
 * One pre-norm ViT block with biases (Qwen3-VL and MoonViT): two LayerNorms (2·2d), qkv (d→3d),
 * the output projection (d→d) and a 2-matrix MLP (d→I→d).
 */
const biasedBlock = (d: number, inter: number) =>
  2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * inter + inter) + (inter * d + d);

/**
 * Parameters of a Qwen3-VL vision tower (transformers qwen3_vl modeling): the Conv3d patch embed
 * (in·t·p·p·d + d), learned position embeddings (n·d), `depth` blocks of two LayerNorms (2·2d),
 * qkv (d→3d) and proj (d→d) with biases and a biased 2-matrix MLP (d→I→d), the patch merger
 * (LayerNorm d, d·m² → d·m² → out, biased) and one post-shuffle merger (LayerNorm d·m²) per
 * deepstack layer. d = hidden_size, m = spatial_merge_size.
 */
function qwenVisionParams(v: Cfg): TowerParams {
  const { d, layers, inter, p } = towerDims(v, { width: 'hidden_size', blocks: 'depth', mlp: 'intermediate_size' });
  const t = v.optInt('temporal_patch_size', 'temporal patch size', 1);
  const inCh = v.optInt('in_channels', 'image channels', 3);
  const out = v.int('out_hidden_size', 'vision output width (the text hidden size)');
  const m = v.optInt('spatial_merge_size', 'spatial merge size', 2);
  const pos = v.optInt('num_position_embeddings', 'vision position embeddings', 0, 0);
  const deepstack = v.raw('deepstack_visual_indexes');
  const nDeep = Array.isArray(deepstack) ? deepstack.length : 0;
  const merged = d * m * m;
  const patchEmbed = inCh * t * p * p * d + d;
  const block = biasedBlock(d, inter);
  const merger = (extraNorm: number) => extraNorm + merged * merged + merged + merged * out + out;
  return { tower: patchEmbed + pos * d + layers * block, projector: merger(2 * d) + nDeep * merger(2 * merged) };
}

/** MoonViT fields that only other variants set; the K2.5 layout below does not read them. */
const MOONVIT_VARIANT_KEYS = ['norm_type', 'mlp_type', 'qkv_hidden_size', 'linear_bias', 'attn_bias'] as const;

/**
 * Kimi-K2.5/K2.6 MoonViT (modeling_kimi_k25.py; the encoder is Kimi-VL's MoonVitPretrainedModel):
 * a biased Conv2d patch embed (3·p·p·d + d), a learned 2-D position table (h·w·d; the temporal
 * sin-cos table of pos_emb_type divided_fixed is a buffer), `vt_num_hidden_layers` pre-norm blocks of
 * two LayerNorms (2·2d), biased wqkv (d→3d) and wo (d→d), a biased 2-matrix GELU MLP (d→I→d), a
 * final LayerNorm (2d); then the patchmerger projector: LayerNorm(mm_hidden) on each patch, the
 * kh·kw merged patches (D = mm_hidden·kh·kw) through Linear D→D, GELU, Linear D→text, biased.
 * d = vt_hidden_size, I = vt_intermediate_size; the 2-D RoPE has no weights. Returns null for the
 * variants it does not model (another projector type, or one of MOONVIT_VARIANT_KEYS set).
 */
export function moonVitParams(v: Cfg): TowerParams | null {
  if (v.optString('mm_projector_type') !== 'patchmerger') return null;
  if (MOONVIT_VARIANT_KEYS.some((k) => v.has(k))) return null;
  const { d, layers, inter, p } = towerDims(v, {
    width: 'vt_hidden_size',
    blocks: 'vt_num_hidden_layers',
    mlp: 'vt_intermediate_size',
  });
  const h = v.int('init_pos_emb_height', 'position table height');
  const w = v.int('init_pos_emb_width', 'position table width');
  const mm = v.optInt('mm_hidden_size', 'projector input width', d);
  const out = v.int('text_hidden_size', 'projector output width (the text hidden size)');
  const [kh, kw, ...rest] = v.intList('merge_kernel_size', 'merge kernel side', 3);
  if (kh === undefined || kw === undefined || rest.length > 0) return null;
  const merged = mm * kh * kw;
  const block = biasedBlock(d, inter);
  const tower = 3 * p * p * d + d + h * w * d + layers * block + 2 * d;
  const projector = 2 * mm + (merged * merged + merged) + (merged * out + out);
  return { tower, projector, assumed: 'biased linears and LayerNorms (the config sets no linear_bias or norm_type)' };
}

/**
 * Gemma-4 vision (transformers gemma4: Gemma4VisionModel, Gemma4MultimodalEmbedder = embed_vision):
 * patch embed Linear(3·p·p → d) without bias, a learned position table per image axis
 * (2·position_embedding_size·d), `num_hidden_layers` blocks of q/k/v/o (d → heads·head_dim, no bias
 * when attention_bias is false), q/k RMSNorms over head_dim (2·head_dim; the v norm has no scale), a
 * gated GELU MLP (gate, up d→I, down I→d: 3·d·I) and four RMSNorms (4d, Gemma's sandwich norms);
 * the standardize scale and bias (2d); then embed_vision: a scale-free RMSNorm and Linear d → text
 * hidden without bias. The pooler (average over pooling_kernel_size²) has no weights.
 */
export function gemma4VisionParams(v: Cfg, textHidden: number): TowerParams {
  const { d, layers, inter, p } = towerDims(v, {
    width: 'hidden_size',
    blocks: 'num_hidden_layers',
    mlp: 'intermediate_size',
  });
  const heads = v.int('num_attention_heads', 'vision attention heads');
  const kvHeads = v.optInt('num_key_value_heads', 'vision KV heads', heads);
  const headDim = v.optInt('head_dim', 'vision head dim', Math.floor(d / heads));
  const posTable = v.optInt('position_embedding_size', 'position table length', 0, 0);
  const bias = v.bool('attention_bias', false) ? 1 : 0;
  const q = heads * headDim;
  const kv = kvHeads * headDim;
  const attn = d * (q + 2 * kv) + bias * (q + 2 * kv) + q * d + bias * d + 2 * headDim;
  const block = attn + 3 * d * inter + 4 * d;
  const standardize = v.bool('standardize', false) ? 2 * d : 0;
  const tower = 3 * p * p * d + 2 * posTable * d + layers * block + standardize;
  return { tower, projector: d * textHidden };
}

const fmtM = (n: number) => `${(n / 1e6).toFixed(1)}M`;

/** Vision parameters of a multimodal top-level config, with the notes the import shows. */
export function encoderParamsOf(top: Cfg): EncoderCount {
  const notes: string[] = [];
  if (top.has('audio_config'))
    notes.push('The audio tower (audio_config) is not modeled; its weights are not counted.');
  const raw = top.raw('vision_config');
  if (!isObj(raw)) {
    notes.push('No vision_config in this config.json: only the text decoder is counted.');
    return { params: null, notes };
  }
  const v = new Cfg(raw, top.path('vision_config'));
  const tc = top.raw('text_config');
  const textHidden = isObj(tc) ? new Cfg(tc, 'text_config').optInt('hidden_size', 'text hidden size', null) : null;
  let t: TowerParams | null = null;
  let layout = '';
  if (v.has('depth') && v.has('out_hidden_size')) [t, layout] = [qwenVisionParams(v), 'Qwen3-VL'];
  else if (v.has('vt_hidden_size')) [t, layout] = [moonVitParams(v), 'MoonViT'];
  else if (v.optString('model_type') === 'gemma4_vision' && textHidden !== null)
    [t, layout] = [gemma4VisionParams(v, textHidden), 'Gemma-4'];
  if (t === null) {
    notes.push(
      `The vision tower (vision_config${layout ? `, a ${layout} variant` : ''}) has a layout not modeled here; its weights are not counted.`,
    );
    return { params: null, notes };
  }
  const params = t.tower + t.projector;
  notes.push(
    `The ${layout} vision tower, ${fmtM(t.tower)} encoder + ${fmtM(t.projector)} projector parameters, is counted in memory as a separate component (encoderParams), not in the decoder totals.${t.assumed ? ` Assumed: ${t.assumed}.` : ''}`,
  );
  return { params, notes };
}
