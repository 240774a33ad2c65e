import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseScenario } from './validate.ts';
import { resolveDeployment, ScenarioError } from '../cost/deployment.ts';

const base = { version: 1, model: 'llama-3.1-8b', cluster: { gpu: 'h100-sxm' } };

function errorsOf(x: unknown): string[] {
  const r = parseScenario(x);
  return r.ok ? [] : r.errors;
}

describe('scenario schema', () => {
  it('fills defaults for everything but model and cluster', () => {
    const r = parseScenario(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.plan).toEqual({ tp: 1, pp: 1, dp: 1, ep: 1, attentionDp: 1 });
    // Engine-dependent knobs stay unset in the scenario; core/engine resolveRuntime fills them.
    expect(r.scenario.runtime.gpuMemoryUtilization).toBeUndefined();
    expect(r.scenario.runtime.router).toBe('least-outstanding');
    expect(r.scenario.workload.arrival).toEqual({ kind: 'offline' });
  });

  it.each([
    [{ ...base, cluster: { gpu: 'h100-sxm', nodes: 0 } }, /cluster\.nodes must be at least 1/],
    [{ ...base, cluster: { gpu: 'h100-sxm', nodes: 1e9 } }, /cluster\.nodes must be at most 1024/],
    [{ ...base, plan: { tp: -2 } }, /plan\.tp must be at least 1/],
    [{ ...base, plan: { tp: 2.5 } }, /plan\.tp must be a whole number/],
    [{ ...base, runtime: { gpuMemoryUtilization: 1.5 } }, /runtime\.gpuMemoryUtilization must be at most 0\.99/],
    [{ ...base, workload: { inputTokens: 'lots' } }, /workload\.inputTokens must be a number/],
    [{ ...base, precision: { weights: 'fp3' } }, /precision\.weights must be one of/],
    [{ ...base, version: 7 }, /version must be 1/],
    [{ ...base, workload: { arrival: { kind: 'poisson', ratePerSec: 0 } } }, /ratePerSec must be at least/],
    [null, /scenario must be a JSON object/],
    [[1, 2], /scenario must be a JSON object/],
  ])('rejects %j naming the field', (input, pattern) => {
    expect(errorsOf(input).join('\n')).toMatch(pattern);
  });

  it('rejects NaN and Infinity', () => {
    expect(errorsOf({ ...base, workload: { inputTokens: NaN } }).join()).toMatch(/inputTokens/);
    expect(errorsOf({ ...base, slo: { ttftMs: Infinity } }).join()).toMatch(/slo\.ttftMs/);
  });

  it('property: arbitrary JSON never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => void parseScenario(v)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            version: fc.constant(1),
            model: fc.string(),
            cluster: fc.record({ gpu: fc.string(), nodes: fc.integer() }),
            plan: fc.record({ tp: fc.integer(), pp: fc.integer() }),
          },
          { requiredKeys: [] },
        ),
        (v) => void parseScenario(v),
      ),
      { numRuns: 300 },
    );
  });
});

describe('plan meaning checks', () => {
  function resolve(x: unknown) {
    const r = parseScenario(x);
    if (!r.ok) throw new Error(r.errors.join());
    return resolveDeployment(r.scenario);
  }
  it('unknown catalog ids name the field and the fix', () => {
    expect(() => resolve({ ...base, model: 'gpt-5' })).toThrow(
      /model: unknown model "gpt-5" — run `parakv list models`/,
    );
    expect(() => resolve({ ...base, cluster: { gpu: 'h900' } })).toThrow(/cluster\.gpu: unknown GPU "h900"/);
  });
  it('a plan larger than the cluster is refused', () => {
    expect(() => resolve({ ...base, plan: { tp: 8, dp: 2 } })).toThrow(/16 GPUs, but the cluster has 1×8 = 8/);
  });
  it('tp must divide the heads, ep needs an MoE model', () => {
    expect(() => resolve({ ...base, plan: { tp: 3 } })).toThrow(ScenarioError);
    expect(() => resolve({ ...base, plan: { ep: 2, tp: 2 } })).toThrow(/ep=2 needs a mixture-of-experts model/);
  });
  it('GPUs used = dp·pp·tp·attentionDp and moeTp = tp·attentionDp/ep', () => {
    const dep = resolve({
      version: 1,
      model: 'deepseek-v3',
      cluster: { gpu: 'h200', nodes: 2, gpusPerNode: 8 },
      plan: { tp: 4, attentionDp: 4, ep: 8 },
    });
    expect(dep.gpusUsed).toBe(16);
    expect(dep.instance.moeTp).toBe(2);
  });
  it('a pasted HF config with a missing field errors under model.hf', () => {
    expect(() => resolve({ ...base, model: { name: 'mine', hf: { num_hidden_layers: 4 } } })).toThrow(/^model\.hf\./);
  });
});

describe('precision defaults from the checkpoint (issue 13)', () => {
  const base = { version: 1, cluster: { gpu: 'h200', nodes: 1, gpusPerNode: 8 }, plan: { tp: 8 } };
  it('DeepSeek-V3 without precision plans its FP8 checkpoint; explicit fields win', () => {
    const a = parseScenario({ ...base, model: 'deepseek-v3' });
    if (!a.ok) throw new Error(a.errors.join());
    expect(a.scenario.precision).toEqual({ weights: 'fp8', activations: 'fp8', kvCache: 'bf16' });
    const b = parseScenario({ ...base, model: 'deepseek-v3', precision: { weights: 'int4' } });
    if (!b.ok) throw new Error(b.errors.join());
    expect(b.scenario.precision).toEqual({ weights: 'int4', activations: 'bf16', kvCache: 'bf16' });
    const c = parseScenario({ ...base, model: 'llama-3.1-70b' });
    if (!c.ok) throw new Error(c.errors.join());
    expect(c.scenario.precision).toEqual({ weights: 'bf16', activations: 'bf16', kvCache: 'bf16' });
  });
  it('a pasted config with quantization_config sets the default too', () => {
    const hf = {
      architectures: ['LlamaForCausalLM'],
      hidden_size: 64,
      intermediate_size: 128,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      vocab_size: 100,
      max_position_embeddings: 1024,
      quantization_config: { quant_method: 'awq', bits: 4 },
    };
    const p = parseScenario({ ...base, model: { name: 'awq', hf } });
    if (!p.ok) throw new Error(p.errors.join());
    expect(p.scenario.precision.weights).toBe('int4');
  });
});
