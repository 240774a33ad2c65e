/**
 * Issue 13 item 5: the KV capacity chart, the memory view and the roofline treat state-based layers
 * (Gated DeltaNet, Mamba-2) correctly (the memory bars: charts/memory/state.test.ts): a recurrent state is one fixed block per sequence, flat in
 * context length, while only the attention layers' KV grows with it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getModel } from '../model/catalog.ts';
import { kvBytesForContext, stateBytesPerSequence } from '../model/params.ts';
import type { Scenario } from '../scenario/schema.ts';
import { parseScenario } from '../scenario/validate.ts';
import { kvCapacityChart } from './kv.ts';
import { planRoofline } from './roofline.ts';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

function example(file: string, workload?: Record<string, unknown>): Scenario {
  const raw = JSON.parse(readFileSync(`${EXAMPLES}${file}`, 'utf8')) as Record<string, unknown>;
  if (workload) raw['workload'] = { ...(raw['workload'] as object), ...workload };
  const p = parseScenario(raw);
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

for (const [file, mixerOp] of [
  ['qwen3.5-397b-b200.json', 'GDN recurrence (state)'],
  ['nemotron-3-super-b200.json', 'Mamba-2 scan (state)'],
] as const) {
  describe(`${file}: state layers in the views`, () => {
    const s = example(file);
    const m = getModel(s.model as string)!;
    const state = stateBytesPerSequence(m);
    // fp8 KV (the scenario's precision.kvCache): one byte per element, attention layers only.
    const kvPerToken = kvBytesForContext(m, 1, 1);

    it('capacity chart: bytes per sequence = flat state + attention KV × context (page rounding aside)', () => {
      expect(state).toBeGreaterThan(0);
      const pts = kvCapacityChart(s, { presets: [] }).series[0]!.points;
      const intercepts = pts.map((p) => p.hbmBytesPerSeq - p.contextTokens * kvPerToken);
      // The same intercept at 1K and at 1M tokens: the state does not grow with context.
      for (const b of intercepts) expect(b).toBeCloseTo(intercepts[0]!, 0);
      // It is the state plus at most one 16-token page of KV (a sequence's last page is half full).
      expect(intercepts[0]).toBeGreaterThanOrEqual(state);
      expect(intercepts[0]).toBeLessThanOrEqual(state + 16 * kvPerToken);
      // Capacity still falls with context: the attention layers' KV grows.
      expect(pts.at(-1)!.hbmSeqs).toBeLessThan(pts[0]!.hbmSeqs);
    });

    it('roofline: the state op is unchanged at 16× the context while attention decode grows', () => {
      const at = (inputTokens: number) => {
        const r = planRoofline(example(file, { inputTokens }), 64);
        const get = (label: string) => r.points.find((p) => p.phase === 'decode' && p.label === label)!;
        return { state: get(mixerOp), attn: get('attention decode') };
      };
      const short = at(2048);
      const long = at(32768);
      // Same FLOPs and bytes per step (one state read + write per sequence): same point on the roof.
      expect(long.state.intensityFlopPerByte).toBeCloseTo(short.state.intensityFlopPerByte, 9);
      expect(long.state.achievedTflops).toBeCloseTo(short.state.achievedTflops, 9);
      // The attention layers read a 16× longer KV cache: their share of the step grows, the state's falls.
      expect(long.attn.timeShare).toBeGreaterThan(short.attn.timeShare);
      expect(long.state.timeShare).toBeLessThan(short.state.timeShare);
    });
  });
}
