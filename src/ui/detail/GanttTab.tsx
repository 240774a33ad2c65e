/** Gantt of the plan: one lane per GPU, spans from the op costs of a decode step and a prefill iteration. */
import { memo, useMemo } from 'react';
import { GanttCanvas } from '../../charts/index.ts';
import type { GanttDetail as ChartDetail, SpanTable } from '../../charts/index.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { GANTT_KINDS, type PlanGantt } from '../../core/views/gantt.ts';
import { ganttOf } from '../../state/evaluation.ts';
import { useActions, useApp } from '../../state/react.tsx';
import type { GanttPhases } from '../../state/store.ts';
import { fmtMs } from '../format.ts';
import { useSettled } from '../hooks.ts';
import { Segmented } from '../inputs/fields.tsx';

const KIND_LABEL: Record<(typeof GANTT_KINDS)[number], string> = {
  attention: 'attention',
  gemm: 'GEMM',
  moe: 'MoE experts',
  collective: 'communication',
  'kv-transfer': 'KV transfer',
  bubble: 'pipeline bubble',
  idle: 'idle',
  elementwise: 'norms / elementwise',
  sampling: 'sampling',
  other: 'launch + host overhead',
};

/** Chart props from the core Gantt; details are split per decoder layer so the tooltip names the layer. Only kinds present get a legend entry. */
export function chartData(g: PlanGantt): { spans: SpanTable; details: ChartDetail[]; kinds: { name: string; color: string }[] } {
  const used = [...new Set(g.spans.kind)].sort((a, b) => a - b);
  const remap = new Map(used.map((k, i) => [k, i]));
  const kinds = used.map((k) => {
    const name = GANTT_KINDS[k]!;
    return { name: KIND_LABEL[name], color: `var(--kind-${name})` };
  });
  const kind = Uint8Array.from(g.spans.kind, (k) => remap.get(k) ?? 0);
  const details: ChartDetail[] = [];
  const index = new Map<string, number>();
  const detail = new Array<number>(g.spans.detail.length);
  for (let i = 0; i < g.spans.detail.length; i++) {
    const d = g.spans.detail[i]!;
    const layer = g.spans.layer[i]!;
    const key = `${d}|${layer}`;
    let k = index.get(key);
    if (k === undefined) {
      const src = g.details[d]!;
      const where = [src.phase, g.lanes.length > 0 && src.stage > 0 ? `stage ${src.stage}` : null, layer >= 0 ? `layer ${layer}` : null].filter(Boolean).join(' · ');
      details.push({ op: `${src.name} (${where})`, shape: src.shape || undefined, flops: src.flops || undefined, bytes: src.bytes || undefined, timeUs: src.timeUs, bound: src.bound });
      k = details.length - 1;
      index.set(key, k);
    }
    detail[i] = k;
  }
  return { spans: { lane: g.spans.lane, startUs: g.spans.startUs, endUs: g.spans.endUs, kind, detail }, details, kinds };
}

const PHASES: Record<GanttPhases, ('decode' | 'prefill')[]> = { both: ['decode', 'prefill'], decode: ['decode'], prefill: ['prefill'] };

export const PlanGanttChart = memo(function PlanGanttChart({ scenario, concurrency, phases, title, height }: { scenario: Scenario; concurrency: number; phases: GanttPhases; title: string; height?: number }) {
  const out = ganttOf(scenario, concurrency, { phases: PHASES[phases] });
  const data = useMemo(() => (out.ok ? chartData(out.value) : null), [out]);
  const lanes = useMemo(() => (out.ok ? out.value.lanes.map((l) => ({ label: l.label, group: l.group })) : []), [out]);
  if (!out.ok || !data) return <p className="caption">The Gantt needs a plan that resolves: {out.ok ? '' : out.message}</p>;
  const g = out.value;
  return (
    <div className="stack">
      <GanttCanvas title={title} lanes={lanes} spans={data.spans} kinds={data.kinds} details={data.details} height={height ?? 360} />
      <p className="caption">
        {g.phases.map((p, i) => (
          <span key={p.phase}>
            {i > 0 ? ' Then ' : ''}
            <strong>{p.label}</strong> ({fmtMs((p.endUs - p.startUs) / 1000)}): {p.describe}.
          </span>
        ))}{' '}
        {g.note}
      </p>
    </div>
  );
});

export function GanttTab({ scenario, result }: { scenario: Scenario; result: EvaluationResult }) {
  const phases = useApp((s) => s.view.ganttPhases);
  // Thousands of spans: redraw once an edit settles, not on every slider step.
  const settledScenario = useSettled(scenario, 200);
  const settledConcurrency = useSettled(result.metrics.concurrency, 200);
  const pending = settledScenario !== scenario;
  const { setGanttPhases } = useActions();
  return (
    <>
      <div className="tab-toolbar">
        <Segmented
          label="Iterations shown"
          hideLabel
          value={phases}
          onChange={setGanttPhases}
          options={[
            { value: 'both', label: 'Decode + prefill' },
            { value: 'decode', label: 'Decode steps' },
            { value: 'prefill', label: 'Prefill iteration' },
          ]}
        />
        <span>Wheel to zoom, drag to pan, double-click to reset; hover a span for its op, shape, FLOPs, bytes and bound.</span>
      </div>
      <div data-testid="gantt-chart" className={pending ? 'is-pending' : undefined} aria-busy={pending}>
        <PlanGanttChart scenario={settledScenario} concurrency={settledConcurrency} phases={phases} title="Per-GPU timeline" />
      </div>
    </>
  );
}
