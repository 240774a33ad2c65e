/**
 * Issue 13 item 5, memory view: models with state-based layers (Gated DeltaNet, Mamba-2) reserve a
 * recurrent state per running sequence (core/cost/memory.ts `stateGB`); the bars must show it, or
 * they fall short of the reported per-GPU total.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveDeployment } from '../../core/cost/deployment.ts';
import { memoryReport } from '../../core/cost/memory.ts';
import { parseScenario } from '../../core/scenario/validate.ts';
import { memoryLayout, stackGpu } from './layout';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));

function report(file: string) {
  const p = parseScenario(JSON.parse(readFileSync(`${EXAMPLES}${file}`, 'utf8')));
  if (!p.ok) throw new Error(p.errors.join('; '));
  return memoryReport(resolveDeployment(p.scenario));
}

describe('memory bars with recurrent state', () => {
  for (const file of ['qwen3.5-397b-b200.json', 'nemotron-3-super-b200.json']) {
    it(`${file}: a "Recurrent state" segment; the bar adds up to totalGB`, () => {
      const mem = report(file);
      for (const g of mem.perGpu) {
        expect(g.stateGB).toBeGreaterThan(0);
        const bar = stackGpu(g);
        expect(bar.segments.map((x) => x.key)).toEqual([
          'weightsGB',
          'kvCacheGB',
          'stateGB',
          'activationsGB',
          'reservedGB',
        ]);
        expect(bar.totalGB).toBeCloseTo(g.totalGB, 9);
      }
      const layout = memoryLayout(mem.perGpu[0]!.capacityGB, mem.perGpu, undefined, 640);
      expect(layout.legend.map((l) => l.label)).toContain('Recurrent state');
    });
  }
  it('a model without state layers keeps the legend as before (no state entry)', () => {
    const mem = report('deepseek-v3.2-b200.json');
    expect(mem.perGpu[0]!.stateGB).toBe(0);
    const layout = memoryLayout(mem.perGpu[0]!.capacityGB, mem.perGpu, undefined, 640);
    expect(layout.legend.map((l) => l.label)).not.toContain('Recurrent state');
  });
});
