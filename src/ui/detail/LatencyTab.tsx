/**
 * Latency distributions and KV-cache usage over time, from the simulator. Sources, best first:
 * an on-demand simulation of this exact scenario (with a per-request timeline → real CDFs), the
 * search's simulated result for this plan (percentiles and KV usage, no per-request data), or
 * nothing yet — then the tab offers to simulate the plan. The simulation runs in a worker (the page
 * stays responsive, with a Cancel) and is dropped when the scenario changes under it.
 */
import { useEffect, useMemo, useState } from 'react';
import { GanttCanvas, LineChart } from '../../charts/index.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { SimulatedEvaluation, SimulationSummary } from '../../core/evaluate/simulated.ts';
import type { Stats } from '../../core/evaluate/metrics.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { kvUsageSeries, latencyCdfs } from '../../core/views/latency.ts';
import { bandsOf, formatBand } from '../../core/calibrate/bands.ts';
import { REQUEST_KINDS, requestTimeline } from '../../core/views/requestTimeline.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { scenarioKey } from '../../state/store.ts';
import { fmtInt, fmtMs, fmtNum, fmtPct } from '../format.ts';
import { IconAlert, IconInfo, IconPlay, IconStop } from '../icons.tsx';
import { humanizeFieldError } from '../../core/scenario/field-labels.ts';

function isSimulated(r: EvaluationResult): r is SimulatedEvaluation {
  return r.method === 'simulation' && 'simulation' in r;
}

/** Whiskers on the CDF: the mean TTFT × (1 ± its expected error), core/calibrate/bands.ts. */
function ttftWhiskers(r: EvaluationResult, scenario: Scenario): { x: number; label: string }[] {
  const mean = r.metrics.ttftMs?.mean;
  if (mean === undefined || !(mean > 0)) return [];
  const b = bandsOf(r, scenario).ttftMs;
  const lo = mean * (1 - b.pct / 100);
  return [
    ...(lo > 0 ? [{ x: lo, label: `TTFT mean −${b.pct} %` }] : []),
    { x: mean * (1 + b.pct / 100), label: `TTFT mean +${b.pct} %` },
  ];
}

function StatsTable({ r, sim, scenario }: { r: EvaluationResult; sim: SimulationSummary; scenario: Scenario }) {
  // An absent metric (no value: see EvaluationResult.metrics.absent) shows as "—".
  const band = bandsOf(r, scenario);
  const rows: [string, Stats | undefined, string][] = [
    ['TTFT', r.metrics.ttftMs, formatBand(band.ttftMs)],
    ['TPOT', r.metrics.tpotMs, formatBand(band.tpotMs)],
    ['End to end', r.metrics.e2eMs, formatBand(band.e2eMs)],
    ['Queueing', sim.queueMs, '—'],
    ['Inter-token', sim.itlMs, '—'],
  ];
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Latency percentiles">
        <thead>
          <tr>
            <th scope="col" className="l">
              Latency (ms)
            </th>
            <th scope="col">mean</th>
            <th scope="col">p50</th>
            <th scope="col">p90</th>
            <th scope="col">p99</th>
            <th scope="col" title="Expected error for this basis (public fidelity residuals, or your calibration)">
              expected error
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, s, b]) => (
            <tr key={k}>
              <th scope="row" className="l">
                {k}
              </th>
              <td>{fmtNum(s?.mean)}</td>
              <td>{fmtNum(s?.p50)}</td>
              <td>{fmtNum(s?.p90)}</td>
              <td>{fmtNum(s?.p99)}</td>
              <td>{b}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const REQUEST_KIND_COLORS: Record<(typeof REQUEST_KINDS)[number], string> = {
  queued: 'var(--kind-bubble, #c3c8cf)',
  prefill: 'var(--chart-prefill, #4269d0)',
  decode: 'var(--chart-decode, #e8590c)',
};

function RequestTimelineChart({ sim }: { sim: SimulationSummary }) {
  const t = useMemo(() => (sim.timeline ? requestTimeline(sim.timeline, 400) : null), [sim]);
  if (!t || t.lanes.length === 0) return null;
  return (
    <div data-testid="request-timeline">
      <GanttCanvas
        title="Request timeline (queued · prefill · decode)"
        lanes={t.lanes}
        spans={t.spans}
        kinds={REQUEST_KINDS.map((k) => ({ name: k, color: REQUEST_KIND_COLORS[k] }))}
        details={t.details}
        height={320}
      />
      <p className="caption">
        The first {fmtInt(t.shown)} of {fmtInt(t.total)} finished requests by arrival, one lane each, grouped by the
        instance that served them.
      </p>
    </div>
  );
}

function SimView({ r, scenario, withTimeline }: { r: SimulatedEvaluation; scenario: Scenario; withTimeline: boolean }) {
  const sim = r.simulation;
  const cdfs = useMemo(() => (withTimeline ? latencyCdfs(sim) : null), [sim, withTimeline]);
  const kv = useMemo(() => kvUsageSeries(sim), [sim]);
  const { simulateSelected } = useActions();
  return (
    <>
      <div className={`callout ${sim.stability.overloaded ? 'callout--danger' : 'callout--info'}`}>
        {sim.stability.overloaded ? <IconAlert /> : <IconInfo />}
        <p>
          Simulated {fmtInt(sim.finished)} of {fmtInt(sim.requests)} requests over {fmtNum(sim.makespanS)} s (
          {sim.source}). {sim.stability.reason}
          {sim.preemptions > 0 ? ` ${fmtInt(sim.preemptions)} preemptions.` : ''}
          {sim.prefixHitRate !== null ? ` Prefix-cache hit rate ${fmtPct(sim.prefixHitRate)}.` : ''} Peak KV use{' '}
          {fmtPct(sim.peakKvFraction)}.
        </p>
      </div>
      {cdfs ? (
        <div data-testid="latency-cdf">
          <LineChart
            title="Latency CDFs (per request)"
            xLabel="Latency (ms, log scale)"
            yLabel="Share of requests"
            xLog
            series={[
              { label: 'TTFT', points: cdfs.ttftMs },
              { label: 'Queueing', points: cdfs.queueMs, dashed: true },
              { label: 'End to end', points: cdfs.e2eMs },
            ]}
            markers={[
              { x: scenario.slo.ttftMs, label: `TTFT SLO ${fmtMs(scenario.slo.ttftMs)}` },
              ...ttftWhiskers(r, scenario),
            ]}
            hLines={[{ y: 0.99, label: 'p99' }]}
            height={300}
          />
        </div>
      ) : (
        <div className="row row--wrap">
          <span className="caption">Per-request CDFs need a run with a timeline.</span>
          <button type="button" className="btn btn--sm" onClick={simulateSelected} data-testid="simulate-plan">
            <IconPlay /> Simulate with per-request timeline
          </button>
        </div>
      )}
      <StatsTable r={r} sim={sim} scenario={scenario} />
      {withTimeline && <RequestTimelineChart sim={sim} />}
      <div data-testid="kv-usage-chart">
        <LineChart
          title="KV-cache usage over time"
          xLabel="Time (s)"
          yLabel="KV pool in use (%)"
          series={[
            { label: 'Mean per bin', points: kv.mean },
            { label: 'Peak per bin', points: kv.max, dashed: true },
          ]}
          hLines={[{ y: 100, label: 'full' }]}
          height={240}
        />
      </div>
      <p className="caption">Not modelled by the simulator: {sim.notModelled.join('; ')}.</p>
    </>
  );
}

/** Milliseconds since `startedAt`, re-rendered a few times a second while mounted. */
/** Milliseconds since `startedAt` (epoch ms), ticking 4× a second; null when not running. */
function useElapsedMs(startedAt: number | null): number | null {
  const [t, setT] = useState(() => Date.now());
  useEffect(() => {
    if (startedAt === null) return;
    const h = setInterval(() => setT(Date.now()), 250);
    return () => clearInterval(h);
  }, [startedAt]);
  return startedAt === null ? null : Math.max(0, t - startedAt);
}

function SimRunning({
  requests,
  startedAt,
  where,
}: {
  requests: number;
  startedAt: number | null;
  where: string | null;
}) {
  const { cancelSimulation } = useActions();
  const elapsedMs = useElapsedMs(startedAt);
  const place = where === 'worker' ? ' in a background worker' : where ? ` on the ${where}` : '';
  return (
    <div className="sim-running" data-testid="latency-running">
      <div className="searchbar">
        <button type="button" className="btn" onClick={cancelSimulation} data-testid="cancel-simulation">
          <IconStop /> Cancel
        </button>
        <div className="progress">
          <div
            className="progress__bar progress__bar--indeterminate"
            role="progressbar"
            aria-label="Simulation progress"
            aria-valuetext="Simulating"
          >
            <div className="progress__fill" />
          </div>
          <div className="progress__text">
            <span role="status">
              Simulating {fmtInt(requests)} requests on this plan{place}…
            </span>
            <span className="num" data-testid="sim-elapsed" aria-hidden="true">
              {elapsedMs !== null ? `${(elapsedMs / 1000).toFixed(1)} s` : ''}
            </span>
          </div>
        </div>
      </div>
      <p className="caption">
        {where === 'worker'
          ? 'The rest of the page stays usable meanwhile; editing the scenario stops this run.'
          : 'Editing the scenario stops this run.'}
      </p>
    </div>
  );
}

export function LatencyTab({ result, scenario }: { result: EvaluationResult; scenario: Scenario }) {
  const sim = useApp((s) => s.sim);
  const { simulateSelected } = useActions();
  const fresh = sim.key === scenarioKey(scenario);

  if (fresh && sim.status === 'running') {
    return <SimRunning requests={scenario.workload.requests} startedAt={sim.startedAt} where={sim.where} />;
  }
  if (fresh && sim.status === 'error') {
    return (
      <div className="callout callout--danger" role="alert">
        <IconAlert />
        <p>
          The simulation failed: {humanizeFieldError(sim.error ?? '')}. Fix the input it names, then simulate again.
        </p>
      </div>
    );
  }
  if (fresh && sim.result) return <SimView r={sim.result} scenario={scenario} withTimeline />;
  if (isSimulated(result)) return <SimView r={result} scenario={scenario} withTimeline={false} />;
  const m = result.metrics;
  return (
    <div className="stack" data-testid="latency-empty">
      <div className="callout callout--info">
        <IconInfo />
        <p>
          This plan has a closed-form estimate only (means: TTFT {fmtMs(m.ttftMs?.mean)}, TPOT {fmtMs(m.tpotMs?.mean)},
          end to end {fmtMs(m.e2eMs?.mean)}), so its p50 and p99 equal the mean. Simulate it to see the distributions,
          queueing and KV usage over time.
        </p>
      </div>
      <div>
        <button type="button" className="btn btn--primary" onClick={simulateSelected} data-testid="simulate-plan">
          <IconPlay /> Simulate this plan
        </button>
      </div>
    </div>
  );
}
