import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { flagValue, sglangCommand, trtllmCommand, vllmCommand } from './commands.ts';
import { DRAFT_MODEL_PLACEHOLDER } from './speculative-flags.ts';

function scenario(model: string, speculative?: Record<string, unknown>): Scenario {
  const r = parseScenario({
    version: 1,
    model,
    cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 8 },
    plan: { tp: 8 },
    precision: { weights: 'fp8', activations: 'fp8', kvCache: 'bf16' },
    runtime: speculative ? { speculative } : {},
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('speculative decoding in the launch commands', () => {
  it('off: no speculative flag in any engine', () => {
    const s = scenario('deepseek-v3');
    expect(flagValue(vllmCommand(s).argv, '--speculative-config')).toBeNull();
    expect(flagValue(sglangCommand(s).argv, '--speculative-algorithm')).toBeNull();
    expect(trtllmCommand(s).text).not.toMatch(/speculative_config/);
  });

  it('DeepSeek-V3 MTP-1: vLLM deepseek_mtp, SGLang NEXTN chain, TRT-LLM MTP', () => {
    const s = scenario('deepseek-v3', { method: 'mtp', draftTokens: 1 });
    const v = vllmCommand(s);
    expect(JSON.parse(flagValue(v.argv, '--speculative-config')!)).toEqual({
      method: 'deepseek_mtp',
      num_speculative_tokens: 1,
    });
    expect(v.text).toContain(`--speculative-config '{"method":"deepseek_mtp","num_speculative_tokens":1}'`);
    expect(v.notes.join('\n')).toMatch(/85 % per-position acceptance/);
    const g = sglangCommand(s).argv;
    expect(flagValue(g, '--speculative-algorithm')).toBe('NEXTN');
    expect(flagValue(g, '--speculative-num-steps')).toBe('1');
    expect(flagValue(g, '--speculative-eagle-topk')).toBe('1');
    expect(flagValue(g, '--speculative-num-draft-tokens')).toBe('2');
    const t = trtllmCommand(s).text;
    expect(t).toContain('speculative_config:\n  decoding_type: MTP\n  num_nextn_predict_layers: 1\nEOF');
  });

  it('Qwen3.5 MTP-3 uses vLLM’s generic mtp method', () => {
    const s = scenario('qwen3.5-397b-a17b', { method: 'mtp', draftTokens: 3 });
    expect(JSON.parse(flagValue(vllmCommand(s).argv, '--speculative-config')!)).toEqual({
      method: 'mtp',
      num_speculative_tokens: 3,
    });
  });

  it('EAGLE-3 names a draft model to fill in, in every engine', () => {
    const s = scenario('llama-3.1-70b', { method: 'eagle3', draftTokens: 4, acceptanceRate: 0.7 });
    const v = vllmCommand(s);
    expect(JSON.parse(flagValue(v.argv, '--speculative-config')!)).toEqual({
      method: 'eagle3',
      model: DRAFT_MODEL_PLACEHOLDER,
      num_speculative_tokens: 4,
    });
    expect(v.notes.join('\n')).toMatch(/70 % per-position acceptance/);
    expect(v.notes.join('\n')).toMatch(/draft head trained for this model/);
    const g = sglangCommand(s).argv;
    expect(flagValue(g, '--speculative-algorithm')).toBe('EAGLE3');
    expect(flagValue(g, '--speculative-draft-model-path')).toBe(DRAFT_MODEL_PLACEHOLDER);
    expect(flagValue(g, '--speculative-num-draft-tokens')).toBe('5');
    expect(trtllmCommand(s).text).toContain(
      `  decoding_type: Eagle\n  max_draft_len: 4\n  speculative_model_dir: ${DRAFT_MODEL_PLACEHOLDER}`,
    );
  });

  it('n-gram prompt lookup: no draft model', () => {
    const s = scenario('llama-3.1-70b', { method: 'ngram', draftTokens: 3 });
    expect(JSON.parse(flagValue(vllmCommand(s).argv, '--speculative-config')!)).toEqual({
      method: 'ngram',
      num_speculative_tokens: 3,
      prompt_lookup_max: 4,
    });
    const g = sglangCommand(s).argv;
    expect(flagValue(g, '--speculative-algorithm')).toBe('NGRAM');
    expect(flagValue(g, '--speculative-num-steps')).toBeNull();
    expect(trtllmCommand(s).text).toContain('  decoding_type: NGram\n  max_draft_len: 3');
  });
});
