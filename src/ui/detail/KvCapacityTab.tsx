/**
 * KV capacity: maximum concurrent sequences (or decode throughput) vs context length, 1K…1M tokens,
 * for this plan under its own KV strategy and each preset (core/views/kv → kvStrategyUi.kvChartLines),
 * with the HBM limit, where offload starts, the workload's context and the engine's sequence cap.
 * Lossy strategies are dashed; the numbers are also listed in a table.
 */
import { useMemo, useState } from 'react';
import { LineChart, categoricalColor } from '../../charts/index.ts';
import type { LineSeries } from '../../charts/index.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import { KV_CHART_PRESETS } from '../../core/kv/presets.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { kvStrategyInfo } from '../../core/views/kvStrategyUi.ts';
import { contextLabel, kvChartLines, type KvChartMetric } from '../../core/views/kvChart.ts';
import { useKvChart } from './useKvChart.ts';
import { fmtBytes, fmtInt, fmtNum } from '../format.ts';
import { useSettled } from '../hooks.ts';
import { IconAlert } from '../icons.tsx';
import { FidelityBadge } from '../inputs/KvStrategyEditor.tsx';
import { Segmented } from '../inputs/fields.tsx';

/** One colour per strategy, stable whichever presets are hidden; the plan's own is drawn in the text colour. */
function colorOf(id: string): string {
  const i = KV_CHART_PRESETS.indexOf(id);
  return i < 0 ? 'var(--chart-fg, #1f2328)' : categoricalColor(i);
}

const METRIC_TEXT: Record<KvChartMetric, { title: string; y: string; fmt: (v: number) => string }> = {
  seqs: {
    title: 'KV capacity: concurrent sequences vs context length',
    y: 'Max concurrent sequences (log)',
    fmt: (v) => `${fmtInt(v)} seqs`,
  },
  throughput: {
    title: 'Decode throughput vs context length (at that many sequences)',
    y: 'Decode output (tok/s, log)',
    fmt: (v) => `${fmtNum(v)} tok/s`,
  },
};

export function KvCapacityTab({ scenario, result }: { scenario: Scenario; result: EvaluationResult }) {
  const [metric, setMetric] = useState<KvChartMetric>('seqs');
  // Eight strategies × eleven contexts: follow the settled scenario, not every slider step.
  const settled = useSettled(scenario, 200);
  const built = useKvChart(settled);
  const pending = settled !== scenario || built.pending;
  const out = built.chart;
  const lines = useMemo(() => (out.ok ? kvChartLines(out.value, metric) : null), [out, metric]);
  const info = useMemo(() => kvStrategyInfo(settled, settled.runtime.kvStrategy), [settled]);
  const series: LineSeries[] = useMemo(
    () =>
      lines
        ? lines.lines.map((l) => ({
            label: l.label,
            points: l.points,
            dashed: l.dashed,
            emphasis: l.current,
            color: colorOf(l.id),
          }))
        : [],
    [lines],
  );
  const hLines = useMemo(
    () => (lines ? lines.hLines.map((h) => ({ ...h, color: 'var(--chart-fg-muted, #59636e)' })) : []),
    [lines],
  );
  const ticks = useMemo(
    () => (out.ok ? out.value.contexts.map((c) => ({ value: c, label: contextLabel(c) })) : []),
    [out],
  );

  if (!out.ok && built.pending)
    return (
      <p className="caption" aria-busy data-testid="kv-chart-building">
        Building the KV capacity chart…
      </p>
    );
  if (!out.ok || !lines)
    return <p className="caption">The KV capacity chart needs a plan that resolves: {out.ok ? '' : out.message}</p>;
  const chart = out.value;
  const current = chart.series.find((s) => s.current);
  const kv = result.kv;
  const t = METRIC_TEXT[metric];
  const lo = chart.contexts[0] ?? 1024;
  const hi = chart.contexts[chart.contexts.length - 1] ?? 1_048_576;

  return (
    <>
      <div className="tab-toolbar">
        <Segmented
          label="Chart"
          hideLabel
          value={metric}
          onChange={setMetric}
          options={[
            { value: 'seqs', label: 'Concurrent sequences' },
            { value: 'throughput', label: 'Decode throughput' },
          ]}
        />
        <span>Hover for each strategy’s value at a context; dashed lines are lossy (approximate) strategies.</span>
      </div>
      <div className="kv-plan-line" data-testid="kv-plan-strategy">
        <strong>This plan:</strong> {info.name} <FidelityBadge fidelity={info.fidelity} />{' '}
        <span className="kv-plan-line__desc">{info.description}</span>
      </div>
      <div
        data-testid="kv-capacity-chart"
        data-metric={metric}
        className={pending ? 'is-pending' : undefined}
        aria-busy={pending}
      >
        <LineChart
          title={t.title}
          xLabel="Context length per sequence (tokens, log scale)"
          yLabel={t.y}
          xLog
          yLog
          xDomain={[lo, hi]}
          xTickValues={ticks}
          xFormat={(x) => `${contextLabel(x)} tokens of context`}
          yFormat={t.fmt}
          series={series}
          markers={lines.markers}
          hLines={hLines}
          height={380}
        />
      </div>
      <p className="caption">
        {metric === 'seqs' ? (
          <>
            Sequences of that length the plan holds at once ({chart.gpusUsed} GPU{chart.gpusUsed === 1 ? '' : 's'}): HBM
            left for KV is <strong>{fmtBytes(chart.hbmFreeBytesPerGpu)}</strong> per GPU after weights, activations and
            the reserve; offload strategies add host DRAM / NVMe. The engine runs at most{' '}
            <strong>{fmtInt(chart.maxNumSeqsCap)}</strong> (maxNumSeqs × scheduler groups).
          </>
        ) : (
          <>
            Decode output tokens/s of the whole plan at the sequences it can run (up to the engine cap); sequences
            beyond HBM stream their KV from host/NVMe every step, which is why offload curves fall.
          </>
        )}{' '}
        {current?.hbmLimitTokens === null ? 'One sequence of this plan fits in HBM beyond 2M tokens. ' : ''}
        {lines.sameAsCurrent.length > 0 ? `${lines.sameAsCurrent.join(', ')}: same curve as this plan. ` : ''}
        {chart.note ?? ''}
      </p>
      {kv && (
        <p className="caption" data-testid="kv-at-context">
          At your context ({contextLabel(kv.contextTokens)} tokens) this strategy stores{' '}
          <strong>{fmtBytes(kv.storedBytesPerToken)}</strong>/token (
          {kv.compressionVsBf16 > 1.005 ? `${fmtNum(kv.compressionVsBf16)}× smaller than bf16` : 'no smaller than bf16'}
          ), <strong>{fmtBytes(kv.hbmBytesPerSeq)}</strong> in HBM per sequence; the plan holds{' '}
          <strong>{fmtInt(kv.hbmSeqs)}</strong> sequences in HBM
          {kv.maxSeqsWithTiers > kv.hbmSeqs ? ` and ${fmtInt(kv.maxSeqsWithTiers)} with the host/NVMe tiers` : ''};
          decode reads {fmtBytes(kv.decodeReadBytesPerSeq)} per sequence per step (bf16:{' '}
          {fmtBytes(kv.bf16DecodeReadBytesPerSeq)}).
        </p>
      )}
      {current && current.warnings.length > 0 && (
        <div className="callout callout--warn">
          <IconAlert />
          <ul>
            {current.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      <details className="rejected">
        <summary>Numbers ({metric === 'seqs' ? 'sequences' : 'tok/s'} per context)</summary>
        <div className="table-wrap">
          <table className="table" data-testid="kv-capacity-table" aria-label="KV capacity by context and strategy">
            <thead>
              <tr>
                <th scope="col" className="l">
                  Context
                </th>
                {lines.lines.map((l) => (
                  <th key={l.id} scope="col" data-series={l.id}>
                    {l.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {chart.contexts.map((c, i) => (
                <tr key={c}>
                  <th scope="row" className="l">
                    {contextLabel(c)}
                  </th>
                  {lines.lines.map((l) => (
                    <td key={l.id} data-series={l.id}>
                      {metric === 'seqs' ? fmtInt(l.points[i]?.[1]) : fmtNum(l.points[i]?.[1])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
