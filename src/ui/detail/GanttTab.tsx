/** Gantt of the plan: one lane per GPU, spans from the op costs of a decode step and a prefill iteration. */
import { memo, useMemo } from 'react';
import { GanttCanvas } from '../../charts/index.ts';
import type { GanttDetail as ChartDetail, LaneInfo, SpanTable } from '../../charts/index.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { TIER_TRANSFER_KINDS, type TierTransferKind } from '../../core/kv/transfers.ts';
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

/** KV tier transfers (host-link lanes): each direction its own legend entry and colour. */
const TIER_KIND: Record<TierTransferKind, { name: string; color: string }> = {
  H2D: { name: 'KV host → HBM (H2D)', color: 'var(--kind-h2d, #c2255c)' },
  D2H: { name: 'KV HBM → host (D2H)', color: 'var(--kind-d2h, #0c8599)' },
  'D2H→NVMe': { name: 'KV host → NVMe', color: 'var(--kind-nvme-out, #5c940d)' },
  'NVMe→H2D': { name: 'KV NVMe → HBM', color: 'var(--kind-nvme-in, #862e9c)' },
};

const INBOUND: ReadonlySet<TierTransferKind> = new Set(['H2D', 'NVMe→H2D']);

/**
 * Host-link lanes split by direction (the link is full duplex: a reload and a write-back overlap in
 * time), each only where it carries spans. Returns the lanes and each old lane's (in, out) new index.
 */
function splitTierLanes(g: PlanGantt): {
  lanes: LaneInfo[];
  laneOf: (lane: number, transfer: TierTransferKind | undefined) => number;
} {
  const dirs = g.lanes.map(() => ({ inbound: false, outbound: false }));
  for (let i = 0; i < g.spans.lane.length; i++) {
    const t = g.details[g.spans.detail[i]!]?.transfer;
    const l = g.lanes[g.spans.lane[i]!];
    if (!t || l?.tier !== 'host-link') continue;
    if (INBOUND.has(t)) dirs[g.spans.lane[i]!]!.inbound = true;
    else dirs[g.spans.lane[i]!]!.outbound = true;
  }
  const lanes: LaneInfo[] = [];
  const at: { inbound: number; outbound: number }[] = [];
  g.lanes.forEach((l, i) => {
    const d = dirs[i]!;
    if (l.tier !== 'host-link' || !(d.inbound && d.outbound)) {
      at.push({ inbound: lanes.length, outbound: lanes.length });
      lanes.push({
        label: l.tier === 'host-link' ? `${l.label}${d.inbound ? ' (H2D)' : d.outbound ? ' (D2H)' : ''}` : l.label,
        group: l.group,
      });
      return;
    }
    const gpu = l.label.replace(/ ↔ host$/, '');
    at.push({ inbound: lanes.length, outbound: lanes.length + 1 });
    lanes.push({ label: `host → ${gpu} (H2D)`, group: l.group }, { label: `${gpu} → host (D2H)`, group: l.group });
  });
  return { lanes, laneOf: (lane, t) => (t && !INBOUND.has(t) ? at[lane]!.outbound : at[lane]!.inbound) };
}

/**
 * Chart props from the core Gantt; details are split per decoder layer so the tooltip names the layer.
 * Only kinds present get a legend entry; tier transfers are split by direction (H2D, D2H, NVMe), each
 * direction of a host link on its own lane.
 */
export function chartData(g: PlanGantt): {
  lanes: LaneInfo[];
  spans: SpanTable;
  details: ChartDetail[];
  kinds: { name: string; color: string }[];
} {
  // A span's legend key: its Gantt kind, or its tier-transfer direction.
  const keyOf = (i: number): string => {
    const k = g.spans.kind[i]!;
    const t = g.details[g.spans.detail[i]!]?.transfer;
    return GANTT_KINDS[k] === 'kv-transfer' && t ? `tier:${t}` : GANTT_KINDS[k]!;
  };
  const order = (key: string): number =>
    key.startsWith('tier:')
      ? GANTT_KINDS.length + TIER_TRANSFER_KINDS.indexOf(key.slice(5) as TierTransferKind)
      : GANTT_KINDS.indexOf(key as (typeof GANTT_KINDS)[number]);
  const keys = new Array<string>(g.spans.kind.length);
  for (let i = 0; i < keys.length; i++) keys[i] = keyOf(i);
  const used = [...new Set(keys)].sort((a, b) => order(a) - order(b));
  const remap = new Map(used.map((k, i) => [k, i]));
  const kinds = used.map((key) => {
    if (key.startsWith('tier:')) return TIER_KIND[key.slice(5) as TierTransferKind];
    const name = key as (typeof GANTT_KINDS)[number];
    return { name: KIND_LABEL[name], color: `var(--kind-${name})` };
  });
  const kind = Uint8Array.from(keys, (k) => remap.get(k) ?? 0);
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
      // A transfer names its own route; the phase in brackets would only repeat it.
      const where = [
        src.kind === 'kv-transfer' ? null : src.phase,
        g.lanes.length > 0 && src.stage > 0 ? `stage ${src.stage}` : null,
        layer >= 0 ? `layer ${layer}` : null,
      ]
        .filter(Boolean)
        .join(' · ');
      details.push({
        op: where ? `${src.name} (${where})` : src.name,
        shape: src.shape || undefined,
        flops: src.flops || undefined,
        bytes: src.bytes || undefined,
        timeUs: src.timeUs,
        bound: src.bound,
      });
      k = details.length - 1;
      index.set(key, k);
    }
    detail[i] = k;
  }
  const { lanes, laneOf } = splitTierLanes(g);
  const lane = Uint16Array.from(g.spans.lane, (l, i) => laneOf(l, g.details[g.spans.detail[i]!]?.transfer));
  return { lanes, spans: { lane, startUs: g.spans.startUs, endUs: g.spans.endUs, kind, detail }, details, kinds };
}

const PHASES: Record<GanttPhases, ('decode' | 'prefill')[]> = {
  both: ['decode', 'prefill'],
  decode: ['decode'],
  prefill: ['prefill'],
};

export const PlanGanttChart = memo(function PlanGanttChart({
  scenario,
  concurrency,
  phases,
  title,
  height,
}: {
  scenario: Scenario;
  concurrency: number;
  phases: GanttPhases;
  title: string;
  height?: number;
}) {
  const out = ganttOf(scenario, concurrency, { phases: PHASES[phases] });
  const data = useMemo(() => (out.ok ? chartData(out.value) : null), [out]);
  if (!out.ok || !data)
    return <p className="caption">The Gantt needs a plan that resolves: {out.ok ? '' : out.message}</p>;
  const g = out.value;
  return (
    <div className="stack">
      <GanttCanvas
        title={title}
        lanes={data.lanes}
        spans={data.spans}
        kinds={data.kinds}
        details={data.details}
        height={height ?? 360}
      />
      <p className="caption">
        {g.phases.map((p, i) => (
          <span key={`${p.phase}-${i}`}>
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
        <span>
          Wheel to zoom, drag to pan, double-click to reset; hover a span for its op, shape, FLOPs, bytes and bound.
        </span>
      </div>
      <div data-testid="gantt-chart" className={pending ? 'is-pending' : undefined} aria-busy={pending}>
        <PlanGanttChart
          scenario={settledScenario}
          concurrency={settledConcurrency}
          phases={phases}
          title="Per-GPU timeline"
        />
      </div>
    </>
  );
}
