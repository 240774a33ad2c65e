/**
 * Plan detail: the selected plan (= the scenario's plan) with its numbers, what limits it in words,
 * warnings, and tabs for memory, Gantt, roofline, latency distributions and the engine command.
 * Numbers come from "Simulate this plan" when it ran for exactly the current inputs, else from the
 * search row when the selection is a fresh search result, else from the closed-form evaluation of
 * the current inputs (recomputed on every edit).
 */
import { bandsOf, formatBand } from '../../core/calibrate/bands.ts';
import { useId, type KeyboardEvent, type ReactNode } from 'react';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import type { RankedPlan } from '../../core/search/types.ts';
import { memoryHeadroom } from '../../core/views/headroom.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { currentKnobsId, findCandidate, scenarioKey, searchKey, type DetailTab } from '../../state/store.ts';
import { shapeGroup } from '../../core/evaluate/plan-label.ts';
import type { SimulatedEvaluation } from '../../core/evaluate/simulated.ts';
import { fmtGB, fmtInt, fmtMs, fmtMsPair, fmtNum, fmtPct, fmtUsd } from '../format.ts';
import { useEngineError, useEvaluation } from '../hooks.ts';
import { PENDING } from '../../state/live-evaluation.ts';
import { IconAlert, IconInfo } from '../icons.tsx';
import { ScenarioNumber } from '../inputs/fields.tsx';
import { CommandTab } from './CommandTab.tsx';
import { GanttTab } from './GanttTab.tsx';
import { KvCapacityTab } from './KvCapacityTab.tsx';
import { LatencyTab } from './LatencyTab.tsx';
import { MemoryTab } from './MemoryTab.tsx';
import { RooflineTab } from './RooflineTab.tsx';
import { humanizeFieldError } from '../../core/scenario/field-labels.ts';

const TABS: readonly { id: DetailTab; label: string }[] = [
  { id: 'memory', label: 'Memory' },
  { id: 'kv', label: 'KV capacity' },
  { id: 'gantt', label: 'Gantt' },
  { id: 'roofline', label: 'Roofline' },
  { id: 'latency', label: 'Latency' },
  { id: 'command', label: 'Engine command' },
];

/** The fresh search row for the current selection, if any. */
export function useSelectedRow(): RankedPlan | undefined {
  return useApp((s) => {
    const r = s.search.result;
    if (!r || s.search.key !== searchKey(s.scenario, s.searchOptions)) return undefined;
    return findCandidate(r, currentKnobsId(s.scenario, s.searchOptions));
  });
}

/** The finished "Simulate this plan" run for exactly the current scenario, if any. */
export function useSimulatedSelection(): SimulatedEvaluation | null {
  return useApp((s) =>
    s.sim.status === 'done' && s.sim.result && s.sim.key === scenarioKey(s.scenario) ? s.sim.result : null,
  );
}

export function planLabel(s: Scenario): string {
  const p = s.plan;
  // Each pool's full shape (TP, PP, EP, ADP), as the search table labels it.
  if (p.prefill && p.decode)
    return `Prefill ${p.prefill.instances}× ${shapeGroup(p.prefill)} + Decode ${p.decode.instances}× ${shapeGroup(p.decode)}`;
  const parts = [`TP${p.tp}`];
  if (p.pp > 1) parts.push(`PP${p.pp}`);
  parts.push(`DP${p.dp}`);
  if (p.ep > 1) parts.push(`EP${p.ep}`);
  if (p.attentionDp > 1) parts.push(`ADP${p.attentionDp}`);
  return parts.join(' · ');
}

function Kpi({
  label,
  value,
  unit,
  sub,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  unit?: string;
  sub?: ReactNode;
  tone?: 'good' | 'bad';
  testId?: string;
}) {
  return (
    <div className={`kpi${tone ? ` kpi--${tone}` : ''}`} data-testid={testId}>
      <div className="kpi__label">{label}</div>
      <div className="kpi__value">
        {value}
        {unit && <small>{unit}</small>}
      </div>
      {sub && <div className="kpi__sub">{sub}</div>}
    </div>
  );
}

/** A latency pair in the unit that fits it, with the expected-error band after the unit. */
function bandedMs(a: number | undefined, b: number | undefined, bandText: string): { value: string; unit: string } {
  const pair = fmtMsPair(a, b);
  return { value: pair.value, unit: bandText ? `${pair.unit} ${bandText}` : pair.unit };
}

function Kpis({ r, scenario }: { r: EvaluationResult; scenario: Scenario }) {
  const m = r.metrics;
  const slo = scenario.slo;
  const h = memoryHeadroom(r, scenario.workload.inputTokens, scenario.workload.outputTokens);
  // Expected error of each number for its basis (core/calibrate/bands.ts), e.g. "ms ± 12 %".
  const band = bandsOf(r, scenario);
  return (
    <div className="kpis" data-testid="plan-kpis">
      <Kpi
        label="Throughput"
        value={fmtNum(m.outputTokPerSecPerGpu, 4)}
        unit={`tok/s/GPU ${formatBand(band.outputTokPerSecPerGpu)}`}
        sub={`${fmtNum(m.outputTokPerSec, 4)} tok/s total`}
        testId="kpi-throughput"
      />
      <Kpi
        label="Goodput within SLOs"
        value={fmtNum(m.goodputReqPerSec)}
        unit="req/s"
        sub={`of ${fmtNum(m.requestsPerSec)} req/s served · ${fmtPct(m.sloAttainment)} in SLO`}
        tone={m.goodputReqPerSec > 0 ? 'good' : 'bad'}
        testId="kpi-goodput"
      />
      <Kpi
        label="TTFT p50 / p99"
        {...bandedMs(m.ttftMs?.p50, m.ttftMs?.p99, formatBand(band.ttftMs))}
        sub={`SLO ≤ ${fmtMs(slo.ttftMs)}`}
        tone={(m.ttftMs?.p99 ?? 0) > slo.ttftMs ? 'bad' : undefined}
        testId="kpi-ttft"
      />
      <Kpi
        label="TPOT p50 / p99"
        {...bandedMs(m.tpotMs?.p50, m.tpotMs?.p99, formatBand(band.tpotMs))}
        sub={`SLO ≤ ${fmtMs(slo.tpotMs)}`}
        tone={(m.tpotMs?.p99 ?? 0) > slo.tpotMs ? 'bad' : undefined}
        testId="kpi-tpot"
      />
      <Kpi
        label="Cost"
        value={fmtUsd(m.costUsdPerMOutputTokens)}
        unit="/M tok"
        sub={`${r.plan.gpusUsed} GPUs`}
        testId="kpi-cost"
      />
      <Kpi
        label="Energy"
        value={fmtNum(m.energyJPerOutputToken)}
        unit="J/tok"
        sub={`GPU busy ${fmtPct(m.busyFraction)}`}
        testId="kpi-energy"
      />
      <Kpi
        label="Memory"
        value={h.fits ? fmtPct(h.kvFreeFraction) : `−${fmtGB(h.shortfallGB)}`}
        unit={h.fits ? 'KV free' : 'per GPU'}
        sub={
          h.fits
            ? `${fmtInt(r.memory.maxConcurrentSeqs)} seqs · ${fmtInt(r.memory.maxKvTokens)} KV tokens`
            : 'does not fit'
        }
        tone={h.fits ? undefined : 'bad'}
        testId="kpi-memory"
      />
      <Kpi
        label="Steady-state batch"
        value={fmtNum(m.concurrency)}
        unit="seqs"
        sub={!r.memory.fits ? 'plan does not fit' : m.overloaded ? 'overloaded: queue grows' : 'per instance'}
        tone={m.overloaded || !r.memory.fits ? 'bad' : undefined}
        testId="kpi-batch"
      />
    </div>
  );
}

function PlanEditor() {
  const plan = useApp((s) => s.scenario.plan);
  const engineError = useEngineError();
  // "dp·pp·tp·attentionDp GPUs > cluster" names the plan as a whole: mark the replica count.
  const planWide =
    engineError('plan') !== undefined &&
    ['tp', 'pp', 'dp', 'ep', 'attentionDp'].every((f) => engineError(`plan.${f}`) === undefined);
  const disagg = Boolean(plan.prefill && plan.decode);
  const { setField } = useActions();
  if (disagg) {
    return (
      <div className="plan-editor">
        <button
          type="button"
          className="btn btn--sm"
          onClick={() =>
            setField(['plan'], { tp: plan.tp, pp: plan.pp, dp: plan.dp, ep: plan.ep, attentionDp: plan.attentionDp })
          }
        >
          Edit as a colocated plan
        </button>
      </div>
    );
  }
  return (
    <div className="plan-editor" role="group" aria-label="Edit the plan by hand">
      <ScenarioNumber
        path={['plan', 'tp']}
        label="TP"
        step={1}
        min={1}
        testId="plan-tp"
        invalid={Boolean(engineError('plan.tp'))}
      />
      <ScenarioNumber
        path={['plan', 'pp']}
        label="PP"
        step={1}
        min={1}
        testId="plan-pp"
        invalid={Boolean(engineError('plan.pp'))}
      />
      <ScenarioNumber
        path={['plan', 'dp']}
        label="DP"
        step={1}
        min={1}
        testId="plan-dp"
        invalid={Boolean(engineError('plan.dp')) || planWide}
      />
      <ScenarioNumber
        path={['plan', 'ep']}
        label="EP"
        step={1}
        min={1}
        testId="plan-ep"
        invalid={Boolean(engineError('plan.ep'))}
      />
      <ScenarioNumber
        path={['plan', 'attentionDp']}
        label="Attn-DP"
        step={1}
        min={1}
        invalid={Boolean(engineError('plan.attentionDp'))}
      />
    </div>
  );
}

function TabPanel({ tab, scenario, result }: { tab: DetailTab; scenario: Scenario; result: EvaluationResult }) {
  switch (tab) {
    case 'memory':
      return <MemoryTab result={result} scenario={scenario} />;
    case 'kv':
      return <KvCapacityTab scenario={scenario} result={result} />;
    case 'gantt':
      return <GanttTab scenario={scenario} result={result} />;
    case 'roofline':
      return <RooflineTab scenario={scenario} result={result} />;
    case 'latency':
      return <LatencyTab result={result} scenario={scenario} />;
    case 'command':
      return <CommandTab scenario={scenario} result={result} />;
  }
}

export function PlanDetail() {
  const { scenario, outcome } = useEvaluation();
  const row = useSelectedRow();
  const simulated = useSimulatedSelection();
  const tab = useApp((s) => s.view.detailTab);
  const { setDetailTab } = useActions();
  const id = useId();
  const result: EvaluationResult | null = simulated ?? (row ? row.result : outcome.ok ? outcome.value : null);
  const source = simulated
    ? `simulated · this plan · ${fmtInt(simulated.simulation.requests)} requests`
    : row
      ? row.method === 'simulation'
        ? 'search result · simulated'
        : 'search result · closed-form'
      : 'closed-form estimate · updates as you edit';
  const gpuName = result?.gpu.name ?? scenario.cluster.gpu;

  const onTabKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    let next: number;
    if (e.key === 'ArrowRight') next = (i + 1) % TABS.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + TABS.length) % TABS.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = TABS.length - 1;
    else return;
    e.preventDefault();
    setDetailTab(TABS[next]!.id);
    document.getElementById(`${id}-tab-${TABS[next]!.id}`)?.focus();
  };

  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="plan-detail">
      <div className="panel__body">
        <div className="plan-head">
          <div>
            <div className="eyebrow">Selected plan</div>
            <h2 className="plan-title" id={`${id}-title`} data-testid="plan-title">
              {planLabel(scenario)}
            </h2>
            <div className="plan-sub">
              {result ? `${result.model.name} on ${result.plan.gpusUsed} × ${gpuName}` : gpuName} ·{' '}
              <span className={row || simulated ? 'badge badge--accent' : 'badge'} data-testid="plan-source">
                {source}
              </span>
              {result?.basis && (
                <>
                  {' '}
                  ·{' '}
                  <span className="badge" data-testid="plan-basis">
                    {result.basis}
                  </span>
                </>
              )}
            </div>
          </div>
          <PlanEditor />
        </div>
        {outcome === PENDING && !row && (
          <p className="field__hint" role="status" data-testid="plan-pending">
            {PENDING.ok ? '' : PENDING.message}
          </p>
        )}
        {!outcome.ok && outcome !== PENDING && !row && (
          <div className="callout callout--danger" role="alert" data-testid="plan-error">
            <IconAlert />
            <p>
              This plan cannot be evaluated: {humanizeFieldError(outcome.message)}. Change the highlighted input, or run
              a search to get valid plans.
            </p>
          </div>
        )}
        {result && (
          <>
            <Kpis r={result} scenario={scenario} />
            <div className="explain">
              <div
                className={`callout ${!result.memory.fits || result.metrics.overloaded ? 'callout--danger' : 'callout--info'}`}
                data-testid="bottleneck"
              >
                {!result.memory.fits || result.metrics.overloaded ? <IconAlert /> : <IconInfo />}
                <p>
                  <strong>What limits this plan: </strong>
                  {result.bottleneck}
                </p>
              </div>
              {row?.reason && (
                <div className="callout callout--info" data-testid="plan-reason">
                  <IconInfo />
                  <p>
                    <strong>Why this plan ranks here: </strong>
                    {row.reason}
                  </p>
                </div>
              )}
              {result.warnings.filter((w) => w !== result.bottleneck).length > 0 && (
                <div className="callout callout--warn" data-testid="warnings">
                  <IconAlert />
                  <ul>
                    {result.warnings
                      .filter((w) => w !== result.bottleneck)
                      .map((w) => (
                        <li key={w}>{w}</li>
                      ))}
                  </ul>
                </div>
              )}
            </div>
          </>
        )}
      </div>
      {result && (
        <>
          <div className="tabs" role="tablist" aria-label="Plan views" onKeyDown={onTabKey}>
            {TABS.map((t) => (
              <button
                key={t.id}
                id={`${id}-tab-${t.id}`}
                type="button"
                role="tab"
                className="tab"
                aria-selected={tab === t.id}
                aria-controls={`${id}-panel`}
                tabIndex={tab === t.id ? 0 : -1}
                data-testid={`tab-${t.id}`}
                onClick={() => setDetailTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div className="tabpanel" role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${tab}`}>
            <TabPanel tab={tab} scenario={scenario} result={result} />
          </div>
        </>
      )}
    </section>
  );
}
