/**
 * Default precision of a scenario from its model's checkpoint (`ModelSpec.checkpointQuantization`,
 * read from config.json `quantization_config`): an FP8 checkpoint plans in fp8 unless the scenario
 * says otherwise. Works on the raw scenario model field (catalog id or `{ name, hf }`), before the
 * scenario is validated, and never throws: a broken config is reported by the import itself.
 */
import type { Dtype } from '../hardware/types.ts';
import { getModel } from './catalog.ts';
import { readCheckpointQuantization } from './hf/quantization.ts';

export interface CheckpointPrecision {
  weights: Dtype;
  activations: Dtype;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Weights/activations the checkpoint of `model` ships in, or null (bf16 checkpoint, unknown model). */
export function checkpointPrecisionOf(model: unknown): CheckpointPrecision | null {
  if (typeof model === 'string') {
    const q = getModel(model)?.checkpointQuantization;
    return q ? { weights: q.weightsDtype, activations: q.activationsDtype ?? 'bf16' } : null;
  }
  if (!isObj(model) || !isObj(model['hf'])) return null;
  const hf = model['hf'];
  const text = isObj(hf['text_config']) ? hf['text_config'] : null;
  try {
    const q = readCheckpointQuantization(
      text?.['quantization_config'] ?? hf['quantization_config'],
      'quantization_config',
    );
    return q ? { weights: q.weightsDtype, activations: q.activationsDtype } : null;
  } catch {
    return null;
  }
}
