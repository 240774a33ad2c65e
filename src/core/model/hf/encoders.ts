/**
 * Vision towers of multimodal checkpoints, counted so their weights take memory. Only the layout of
 * HF Qwen3VLVisionModel (Qwen3-VL, Qwen3.5/3.6 `vision_config`: depth, hidden_size, …) is modeled;
 * other towers (Kimi MoonViT, Gemma SigLIP) return null and the import notes they are not counted.
 */
import { Cfg, isObj } from './reader.ts';

/**
 * Parameters of a Qwen3-VL vision tower (transformers qwen3_vl modeling): the Conv3d patch embed
 * (in·t·p·p·d + d), learned position embeddings (n·d), `depth` blocks of two LayerNorms (2·2d),
 * qkv (d→3d) and proj (d→d) with biases and a biased 2-matrix MLP (d→I→d), the patch merger
 * (LayerNorm d, d·m² → d·m² → out, biased) and one post-shuffle merger (LayerNorm d·m²) per
 * deepstack layer. d = hidden_size, m = spatial_merge_size.
 */
export function qwenVisionParams(v: Cfg): number {
  const d = v.int('hidden_size', 'vision tower width');
  const depth = v.int('depth', 'vision tower blocks');
  const inter = v.int('intermediate_size', 'vision MLP width');
  const p = v.int('patch_size', 'vision patch size');
  const t = v.optInt('temporal_patch_size', 'temporal patch size', 1);
  const inCh = v.optInt('in_channels', 'image channels', 3);
  const out = v.int('out_hidden_size', 'vision output width (the text hidden size)');
  const m = v.optInt('spatial_merge_size', 'spatial merge size', 2);
  const pos = v.optInt('num_position_embeddings', 'vision position embeddings', 0, 0);
  const deepstack = v.raw('deepstack_visual_indexes');
  const nDeep = Array.isArray(deepstack) ? deepstack.length : 0;
  const merged = d * m * m;
  const patchEmbed = inCh * t * p * p * d + d;
  const block = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * inter + inter) + (inter * d + d);
  const merger = (extraNorm: number) => extraNorm + merged * merged + merged + merged * out + out;
  return patchEmbed + pos * d + depth * block + merger(2 * d) + nDeep * merger(2 * merged);
}

/** Vision parameters of the top-level config (null when it has no tower this file models). */
export function encoderParamsOf(top: Cfg): number | null {
  const v = top.raw('vision_config');
  if (!isObj(v) || v['depth'] === undefined || v['out_hidden_size'] === undefined) return null;
  return qwenVisionParams(new Cfg(v, top.path('vision_config')));
}
