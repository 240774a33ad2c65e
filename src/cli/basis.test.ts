import { afterEach, describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../core/evaluate/evaluate.ts';
import { clearKernelProfiles, loadKernelProfile } from '../core/kernels/registry.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { formatResultTable } from './evaluate.ts';

afterEach(() => clearKernelProfiles());

describe('the CLI table names the basis of its numbers', () => {
  it('prints measured kernels · GPU · engine version on the second line', async () => {
    await loadKernelProfile('h100-sxm', 'vllm');
    const p = parseScenario({ version: 1, model: 'llama-3.1-70b', cluster: { gpu: 'h100-sxm' }, plan: { tp: 8 } });
    if (!p.ok) throw new Error(p.errors.join('; '));
    const table = formatResultTable(evaluateSteadyState(p.scenario));
    expect(table.split('\n')[1]).toBe('basis: measured kernels · NVIDIA H100 SXM5 80GB · vLLM 0.19.0');
  });
});
