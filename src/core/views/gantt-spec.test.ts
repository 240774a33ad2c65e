import { describe, expect, it } from 'vitest';
import { resolveDeployment } from '../cost/deployment.ts';
import { decodeStepS } from '../cost/estimator.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { planGantt } from './gantt.ts';

function scenario(speculative?: Record<string, unknown>, pp = 1): Scenario {
  const r = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
    plan: { tp: 1, pp },
    runtime: speculative ? { speculative } : {},
    workload: { inputTokens: 1024, outputTokens: 256 },
  });
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.scenario;
}

describe('Gantt with speculative decoding', () => {
  it('a decode step is a (k + 1)-wide verify followed by k draft passes, lasting what the estimator costs', () => {
    const s = scenario({ method: 'eagle3', draftTokens: 3 });
    const g = planGantt(s, 16, { phases: ['decode'], decodeSteps: 1 });
    const mark = g.phases[0]!;
    expect(mark.describe).toMatch(
      /^verify step: 16 seqs × 4 positions .* then 3 eagle3 draft passes; 2\.95 tokens emitted/,
    );
    const names = g.details.map((d) => d.name);
    for (const i of [1, 2, 3]) expect(names.some((n) => n.startsWith(`draft ${i}/3 · `))).toBe(true);
    // The verify's GEMMs run 16 × 4 = 64 rows; the draft's 16.
    expect(g.details.find((d) => d.name === 'qkv proj')?.shape).toMatch(/^M=64 /);
    expect(g.details.find((d) => d.name === 'draft 1/3 · qkv proj')?.shape).toMatch(/^M=16 /);
    // Drafts come after the last verify op on the timeline.
    const draftIdx = new Set(g.details.flatMap((d, i) => (d.name.startsWith('draft ') ? [i] : [])));
    let lastVerifyEnd = 0;
    let firstDraftStart = Infinity;
    for (let i = 0; i < g.spans.lane.length; i++) {
      if (g.spans.lane[i] !== 0) continue;
      if (draftIdx.has(g.spans.detail[i]!)) firstDraftStart = Math.min(firstDraftStart, g.spans.startUs[i]!);
      else lastVerifyEnd = Math.max(lastVerifyEnd, g.spans.endUs[i]!);
    }
    expect(firstDraftStart).toBeGreaterThanOrEqual(lastVerifyEnd - 1e-6);
    // Same step time as the estimator (host overhead once, in the verify).
    const dep = resolveDeployment(s);
    expect((mark.endUs - mark.startUs) / 1e6).toBeCloseTo(decodeStepS(dep, 16, 1024 + 128), 9);
  });

  it('n-gram drafts on the host: a verify step with no draft spans; off is unchanged', () => {
    const ng = planGantt(scenario({ method: 'ngram', draftTokens: 2 }), 8, { phases: ['decode'] });
    expect(ng.details.some((d) => d.name.startsWith('draft '))).toBe(false);
    expect(ng.phases[0]!.describe).toMatch(/× 3 positions .* ngram drafts on the host/);
    const off = planGantt(scenario(), 8, { phases: ['decode'] });
    expect(off.phases[0]!.describe).toMatch(/^decode step: 8\.0 seqs × 1 token/);
  });
});

describe('Gantt prefill with speculative decoding', () => {
  it('the draft runs once over the prompt tokens after the target’s prefill, as the estimator costs', async () => {
    const { prefillTimeS } = await import('../cost/estimator.ts');
    const s = scenario({ method: 'eagle3', draftTokens: 3 });
    const g = planGantt(s, 16, { phases: ['prefill'] });
    expect(g.details.some((d) => d.name === 'draft 1/1 · qkv proj')).toBe(true);
    expect(g.details.some((d) => d.name.startsWith('draft 2/'))).toBe(false);
    const mark = g.phases[0]!;
    // One 1,024-token prompt per 8,192-token chunk → 8 prompts in the iteration.
    expect((mark.endUs - mark.startUs) / 1e6).toBeCloseTo(prefillTimeS(resolveDeployment(s), 8, 1024), 9);
  });
});
