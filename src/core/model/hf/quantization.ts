/**
 * config.json `quantization_config` → the precision the checkpoint ships in. Formats, as written by
 * their producers:
 * - `quant_method: "fp8"` (DeepSeek, Qwen, MiniMax, GLM): FP8 E4M3 weights, per-128×128 blocks when
 *   `weight_block_size` is set; `activation_scheme: "dynamic"` quantizes activations to FP8 on the fly
 *   (W8A8). NVIDIA's mixed exports add `moe_quant_algo: "NVFP4"` for the routed experts.
 * - `quant_method: "mxfp4"` (gpt-oss): MXFP4 expert weights, bf16 activations.
 * - `quant_method: "modelopt"` with `quant_algo` "NVFP4" (W4A4, group 16) or "FP8" (NVIDIA ModelOpt);
 *   `quant_algo: "MIXED_PRECISION"` lists `quantized_layers`, and the most common format wins.
 * - `quant_method: "compressed-tensors"` (llm-compressor): `config_groups.*.weights` num_bits / type
 *   (int 4 = W4A16 int4, float 4 = MXFP4/NVFP4, float 8 = FP8) and `input_activations`.
 * - `quant_method: "awq"` / `"gptq"`: int4 weights (`bits` / `w_bit`), bf16 activations.
 */
import type { Dtype } from '../../hardware/types.ts';
import { describe, isObj, ModelImportError, type Obj } from './reader.ts';

export interface CheckpointQuantization {
  /** Producer's name for the format, e.g. "fp8-block", "nvfp4", "mxfp4", "awq-int4". */
  method: string;
  weightsDtype: Dtype;
  /** Activation precision the format runs with (W8A8 fp8, W4A4 nvfp4; bf16 for weight-only formats). */
  activationsDtype: Dtype;
}

export const SUPPORTED_QUANT_METHODS = ['fp8', 'mxfp4', 'modelopt', 'compressed-tensors', 'awq', 'gptq'] as const;

const MODELOPT_ALGOS: Readonly<Record<string, { weights: Dtype; activations: Dtype }>> = {
  NVFP4: { weights: 'nvfp4', activations: 'nvfp4' },
  FP8: { weights: 'fp8', activations: 'fp8' },
  W4A16_NVFP4: { weights: 'nvfp4', activations: 'bf16' },
  W4A16_AWQ: { weights: 'int4', activations: 'bf16' },
  W4A8_AWQ: { weights: 'int4', activations: 'fp8' },
};

/**
 * The weight format of a ModelOpt `quantized_layers` map: that of the FFN / expert layers (`mlp`,
 * `experts`, `ffn` in the name), which hold most of the weight bytes; else the most common one.
 */
function dominantAlgo(layers: Obj): string | null {
  const all = new Map<string, number>();
  const ffn = new Map<string, number>();
  for (const [name, v] of Object.entries(layers)) {
    const a = isObj(v) ? v['quant_algo'] : undefined;
    if (typeof a !== 'string') continue;
    all.set(a, (all.get(a) ?? 0) + 1);
    if (/mlp|experts|ffn/.test(name)) ffn.set(a, (ffn.get(a) ?? 0) + 1);
  }
  const counts = ffn.size > 0 ? ffn : all;
  let best: string | null = null;
  for (const [a, n] of counts) if (best === null || n > counts.get(best)!) best = a;
  return best;
}

function modelopt(q: Obj, field: string): CheckpointQuantization {
  let algo = q['quant_algo'];
  if (algo === 'MIXED_PRECISION') {
    algo =
      typeof q['moe_quant_algo'] === 'string'
        ? q['moe_quant_algo']
        : isObj(q['quantized_layers'])
          ? dominantAlgo(q['quantized_layers'])
          : null;
  }
  const known = typeof algo === 'string' ? MODELOPT_ALGOS[algo] : undefined;
  if (!known || typeof algo !== 'string') {
    throw new ModelImportError(
      `${field}.quant_algo`,
      `ModelOpt format ${describe(algo)} is not supported; supported: ${Object.keys(MODELOPT_ALGOS).join(', ')}, MIXED_PRECISION`,
    );
  }
  return { method: algo.toLowerCase(), weightsDtype: known.weights, activationsDtype: known.activations };
}

/** One compressed-tensors quantization args object (`weights` / `input_activations`) → a dtype. */
function ctDtype(args: unknown, format: string): Dtype | null {
  if (!isObj(args)) return null;
  const bits = args['num_bits'];
  const type = args['type'];
  if (bits === 8) return type === 'float' ? 'fp8' : 'int8';
  if (bits === 4)
    return type === 'float' ? (format.includes('mxfp4') || args['group_size'] === 32 ? 'fp4' : 'nvfp4') : 'int4';
  return null;
}

function compressedTensors(q: Obj, field: string): CheckpointQuantization {
  const format = typeof q['format'] === 'string' ? q['format'] : '';
  const groups = isObj(q['config_groups']) ? Object.values(q['config_groups']) : [];
  const first = groups.find(isObj);
  const weights = first ? ctDtype(first['weights'], format) : null;
  if (!first || !weights) {
    throw new ModelImportError(
      `${field}.config_groups`,
      'expected a config group whose weights have num_bits 4 or 8 (int or float); other compressed-tensors schemes are not supported',
    );
  }
  const acts = ctDtype(first['input_activations'], format);
  return {
    method: `compressed-tensors ${format || weights}`.trim(),
    weightsDtype: weights,
    activationsDtype: acts ?? 'bf16',
  };
}

/**
 * The checkpoint precision stated by `quantization_config` (the text config's, else the top-level
 * one), or null when the config has none. An unknown `quant_method` is refused, naming the field and
 * the supported methods: a quantized checkpoint is never silently planned in bf16.
 */
export function readCheckpointQuantization(q: unknown, field: string): CheckpointQuantization | null {
  if (q === undefined || q === null) return null;
  if (!isObj(q)) throw new ModelImportError(field, `expected an object, got ${describe(q)}`);
  const method = q['quant_method'] ?? (typeof q['quant_algo'] === 'string' ? 'modelopt' : undefined);
  switch (method) {
    case 'fp8': {
      if (q['quant_algo'] === 'MIXED_PRECISION' && typeof q['moe_quant_algo'] === 'string') return modelopt(q, field);
      const block = Array.isArray(q['weight_block_size']);
      const dynamic = q['activation_scheme'] === 'dynamic' || q['activation_scheme'] === 'static';
      return { method: block ? 'fp8-block' : 'fp8', weightsDtype: 'fp8', activationsDtype: dynamic ? 'fp8' : 'bf16' };
    }
    case 'mxfp4':
      return { method: 'mxfp4', weightsDtype: 'fp4', activationsDtype: 'bf16' };
    case 'modelopt':
      return modelopt(q, field);
    case 'compressed-tensors':
      return compressedTensors(q, field);
    case 'awq':
    case 'gptq': {
      const bits = q['bits'] ?? q['w_bit'];
      if (bits !== 4 && bits !== 8) {
        throw new ModelImportError(`${field}.bits`, `expected 4 or 8 bits for ${method}, got ${describe(bits)}`);
      }
      return { method: `${method}-int${bits}`, weightsDtype: bits === 4 ? 'int4' : 'int8', activationsDtype: 'bf16' };
    }
    default:
      throw new ModelImportError(
        `${field}.quant_method`,
        `${describe(method)} is not a supported checkpoint format; supported: ${SUPPORTED_QUANT_METHODS.join(', ')}`,
      );
  }
}
