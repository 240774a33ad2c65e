/**
 * Results: the search (run, progress with best-so-far, cancel, stale flag), the ranked plan table,
 * the Pareto chart, the rejected plans with reasons, and CSV/JSON export.
 */
import { useMemo } from 'react';
import { ParetoScatter } from '../../charts/index.ts';
import type { FrontierStep, ParetoPoint } from '../../charts/index.ts';
import { resultsCsv, resultsJson } from '../../core/export/results.ts';
import { objectiveBandPct } from '../../core/calibrate/bands.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { OBJECTIVE_INFO } from '../../core/search/objectives.ts';
import { countCandidates } from '../../core/search/space.ts';
import type { RankedPlan, SearchResult } from '../../core/search/types.ts';
import { useActions, useApp, useAppShallow } from '../../state/react.tsx';
import { currentKnobsId, searchKey } from '../../state/store.ts';
import { downloadText } from '../download.ts';
import { fmtDuration, fmtInt, fmtNum } from '../format.ts';
import { IconAlert, IconDownload, IconPlay, IconStop } from '../icons.tsx';
import { objectiveAxisLabel } from '../inputs/ObjectivesEditor.tsx';
import { LoadVerdictBanner } from './LoadVerdictBanner.tsx';
import { PlanTable, shortLabel } from './PlanTable.tsx';
import { humanizeFieldError } from '../../core/scenario/field-labels.ts';

/** Are the results computed for the current inputs? */
export function useStale(): boolean {
  return useApp((s) => s.search.key !== null && s.search.key !== searchKey(s.scenario, s.searchOptions));
}

function useCandidateCount(): { total: number; tooLarge: boolean } | { error: string } {
  const scenario = useApp((s) => s.scenario);
  const options = useApp((s) => s.searchOptions);
  return useMemo(() => {
    try {
      const c = countCandidates(scenario, options);
      return { total: c.total, tooLarge: c.tooLarge };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }, [scenario, options]);
}

function SearchBar() {
  const s = useAppShallow((st) => ({
    status: st.search.status,
    progress: st.search.progress,
    error: st.search.error,
    hasResult: st.search.result !== null,
    elapsedMs: st.search.elapsedMs,
    backend: st.search.backend,
    objective: st.searchOptions.objective,
  }));
  const stale = useStale();
  const { runSearch, cancelSearch } = useActions();
  const count = useCandidateCount();
  const running = s.status === 'running';
  const p = s.progress;
  const frac = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const info = OBJECTIVE_INFO[s.objective];
  const countText = 'error' in count ? null : `${fmtInt(count.total)} candidate plan${count.total === 1 ? '' : 's'}`;

  return (
    <div className="stack">
      <div className="searchbar">
        {running ? (
          <button type="button" className="btn" onClick={cancelSearch} data-testid="cancel-search">
            <IconStop /> Cancel
          </button>
        ) : (
          <button
            type="button"
            className="btn btn--primary"
            onClick={runSearch}
            data-testid="run-search"
            disabled={'error' in count || count.tooLarge}
          >
            <IconPlay /> {s.hasResult ? 'Re-run search' : 'Run search'}
          </button>
        )}
        {running ? (
          <div className="progress" data-testid="search-progress" role="status" aria-live="polite">
            <div
              className="progress__bar"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={p?.total ?? 0}
              aria-valuenow={p?.done ?? 0}
              aria-label="Search progress"
            >
              <div className="progress__fill" style={{ width: `${(frac * 100).toFixed(1)}%` }} />
            </div>
            <div className="progress__text">
              <span className="num">
                {p && p.total > 0
                  ? p.done >= p.total
                    ? `${fmtInt(p.total)} plans evaluated · simulating the best ones…`
                    : `${fmtInt(p.done)} / ${fmtInt(p.total)} plans evaluated`
                  : 'Starting…'}
              </span>
              <span>{p?.bestLabel ? `Best so far: ${p.bestLabel} · ${fmtNum(p.bestValue)} ${info.unit}` : ''}</span>
            </div>
          </div>
        ) : (
          <div className="panel__sub" data-testid="search-progress" role="status">
            {s.status === 'done' && s.elapsedMs !== null ? `Done in ${fmtDuration(s.elapsedMs)} · ${s.backend}. ` : ''}
            {s.status === 'cancelled'
              ? `Search cancelled${s.hasResult ? ' — showing the previous results' : ''}. `
              : ''}
            {countText ? `${countText} for these inputs` : ''}
            {'error' in count
              ? null
              : count.tooLarge
                ? ' — too many: narrow the knobs the search varies (Runtime & KV).'
                : ''}
          </div>
        )}
      </div>
      {'error' in count && (
        <div className="callout callout--danger" role="alert">
          <IconAlert />
          <p>The search cannot start: {humanizeFieldError(count.error)}</p>
        </div>
      )}
      {s.status === 'error' && s.error && (
        <div className="callout callout--danger" role="alert">
          <IconAlert />
          <p>
            The search failed: {humanizeFieldError(s.error)}. Check the inputs marked in red, or narrow what the search
            varies, then run it again.
          </p>
        </div>
      )}
      {stale && !running && (
        <div className="stale" role="status" data-testid="stale">
          <IconAlert />
          <span>Inputs changed since this search: the table shows results for the previous inputs.</span>
          <span className="spacer" />
          <button type="button" className="btn btn--sm btn--primary" onClick={runSearch}>
            Re-run
          </button>
        </div>
      )}
    </div>
  );
}

function paretoPoints(result: SearchResult, kvVaried: boolean, scenario: Scenario): ParetoPoint[] {
  const byId = new Map<string, RankedPlan>();
  for (const p of [...result.ranked, ...result.pareto]) if (!byId.has(p.candidate.id)) byId.set(p.candidate.id, p);
  const pts: ParetoPoint[] = [];
  for (const p of byId.values()) {
    if (!Number.isFinite(p.value) || !Number.isFinite(p.secondaryValue)) continue;
    pts.push({
      id: p.candidate.id,
      x: p.secondaryValue,
      y: p.value,
      label: shortLabel(p.candidate.label, kvVaried),
      group: p.candidate.group,
      onFrontier: p.onPareto,
      // Whiskers: the expected error of each objective for this plan's basis (core/calibrate/bands.ts).
      ...bandFields(p, result, scenario),
    });
  }
  return pts;
}

function bandFields(
  p: RankedPlan,
  result: SearchResult,
  scenario: Scenario,
): Pick<ParetoPoint, 'xBandPct' | 'yBandPct'> {
  if (!p.result) return {};
  const x = objectiveBandPct(result.secondary, p.result, scenario);
  const y = objectiveBandPct(result.objective, p.result, scenario);
  return { ...(x !== undefined ? { xBandPct: x } : {}), ...(y !== undefined ? { yBandPct: y } : {}) };
}

function ParetoPanel({ result }: { result: SearchResult }) {
  const scenario = useApp((s) => s.scenario);
  const options = useApp((s) => s.searchOptions);
  const { selectCandidate } = useActions();
  const kvVaried = useApp((s) => s.searchOptions.kvDtypes.length > 1);
  const points = useMemo(() => paretoPoints(result, kvVaried, scenario), [result, kvVaried, scenario]);
  const xs = points.map((p) => p.x).filter((x) => x > 0);
  const xLog = xs.length > 1 && Math.max(...xs) / Math.min(...xs) > 100;
  const step: FrontierStep = OBJECTIVE_INFO[result.secondary].maximize ? 'before' : 'after';
  if (points.length === 0) {
    return <p className="caption">No plan has finite values on both objectives, so there is nothing to plot.</p>;
  }
  return (
    <div data-testid="pareto-chart">
      <ParetoScatter
        title={`Pareto front: ${OBJECTIVE_INFO[result.objective].label} vs ${OBJECTIVE_INFO[result.secondary].label}`}
        xLabel={objectiveAxisLabel(result.secondary)}
        yLabel={objectiveAxisLabel(result.objective)}
        xLog={xLog}
        points={points}
        selectedId={currentKnobsId(scenario, options)}
        onSelect={selectCandidate}
        frontierStep={step}
        height={340}
      />
    </div>
  );
}

/** KV strategies the options refused (lossy / near-lossless not allowed), by name, from the rejected list. */
function refusedStrategies(result: SearchResult): string[] {
  const names = new Set<string>();
  for (const r of result.rejected)
    if (r.candidate.knobs.kvStrategy && / not allowed: /.test(r.reason)) names.add(r.candidate.knobs.kvStrategy.label);
  return [...names];
}

function Rejected({ result }: { result: SearchResult }) {
  const n = result.counts.infeasible;
  const refused = useMemo(() => refusedStrategies(result), [result]);
  if (result.rejected.length === 0) return <p className="caption">No plan was rejected as infeasible.</p>;
  return (
    <>
      {refused.length > 0 && (
        <div className="callout callout--warn" data-testid="refused-strategies">
          <IconAlert />
          <p>
            <strong>Not allowed (lossy): </strong>
            {refused.join(', ')}. Their plans are listed below as rejected; turn on “Allow lossy strategies” (Runtime
            &amp; KV) to rank them.
          </p>
        </div>
      )}
      <RejectedList result={result} n={n} />
    </>
  );
}

function RejectedList({ result, n }: { result: SearchResult; n: number }) {
  return (
    <details className="rejected" data-testid="rejected-plans">
      <summary>
        Rejected plans ({fmtInt(n)}
        {n > result.rejected.length ? `, first ${fmtInt(result.rejected.length)} listed` : ''})
      </summary>
      <ul>
        {result.rejected.slice(0, 300).map((r) => (
          <li key={r.candidate.id}>
            <strong>{r.candidate.label}</strong>
            <span className="why">{r.reason}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Summary({ result }: { result: SearchResult }) {
  const c = result.counts;
  return (
    <>
      {result.stopped && (
        <div className="banner" role="status" data-testid="search-stopped">
          <div className="banner__text">
            <strong>Stopped early:</strong> {result.stopped.message}.
          </div>
        </div>
      )}
      <div className="counts">
        <div className="count">
          <div className="count__v">{fmtInt(c.enumerated)}</div>
          <div className="count__k">plans enumerated</div>
        </div>
        <div className="count">
          <div className="count__v">{fmtInt(c.infeasible)}</div>
          <div className="count__k">infeasible (don’t fit / invalid)</div>
        </div>
        <div className="count">
          <div className="count__v">{fmtInt(c.pruned)}</div>
          <div className="count__k">pruned by bounds</div>
        </div>
        <div className="count">
          <div className="count__v">{fmtInt(c.simulated)}</div>
          <div className="count__k">simulated</div>
        </div>
      </div>
    </>
  );
}

export function ResultsPanel() {
  const result = useApp((s) => s.search.result);
  const searched = useApp((s) => s.search.searched);
  const options = useApp((s) => s.searchOptions);
  const status = useApp((s) => s.search.status);
  const { runSearch } = useActions();

  return (
    <section className="panel" aria-labelledby="results-title" data-testid="results">
      <div className="panel__head">
        <h2 className="panel__title" id="results-title">
          Plans
        </h2>
        {result && (
          <span className="panel__sub">
            ranked by {OBJECTIVE_INFO[result.objective].label}; click a row to inspect it, tick two to compare
          </span>
        )}
        <span className="spacer" />
        {result && searched && (
          <>
            <button
              type="button"
              className="btn btn--sm"
              data-testid="export-csv"
              onClick={() => downloadText('parakv-plans.csv', resultsCsv(result), 'text/csv')}
            >
              <IconDownload /> CSV
            </button>
            <button
              type="button"
              className="btn btn--sm"
              data-testid="export-json"
              onClick={() =>
                downloadText('parakv-plans.json', resultsJson(result, searched, options), 'application/json')
              }
            >
              <IconDownload /> JSON
            </button>
          </>
        )}
      </div>
      <div className="panel__body">
        <SearchBar />
      </div>
      {result ? (
        <>
          <LoadVerdictBanner result={result} />
          {result.ranked.length > 0 ? (
            <PlanTable result={result} />
          ) : (
            <div className="empty">
              <h3>No plan fits</h3>
              <p>
                Every candidate was rejected — see the reasons below. Add GPUs, pick a smaller weight dtype (fp8/int4)
                or a smaller KV dtype, or lower the context length.
              </p>
            </div>
          )}
          <div className="results-grid">
            <ParetoPanel result={result} />
            <div>
              <Summary result={result} />
              <Rejected result={result} />
            </div>
          </div>
        </>
      ) : (
        status !== 'running' && (
          <div className="empty" data-testid="results-empty">
            <h3>No search yet</h3>
            <p>
              The plan below is evaluated live as you edit. Run a search to rank every
              tensor/pipeline/data/expert-parallel layout (and the runtime knobs you allow) for this model on this
              cluster, against your SLOs.
            </p>
            <button type="button" className="btn btn--primary" onClick={runSearch}>
              <IconPlay /> Run search
            </button>
          </div>
        )
      )}
    </section>
  );
}
