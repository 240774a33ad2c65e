/**
 * Workload: presets fitted to public traces (cited), request lengths, the arrival process, and a
 * trace upload (file or drop) with a summary, length histograms and line-numbered errors; its
 * means can be applied to the scenario.
 */
import { useId, useState, type DragEvent } from 'react';
import { Histogram } from '../../charts/index.ts';
import type { Arrival } from '../../core/scenario/schema.ts';
import { detectTraceFormat, parseTrace, TRACE_FORMATS, type TraceFormat } from '../../core/workload/traces.ts';
import { empiricalFrom, summarizeTrace, type TraceSummary } from '../../core/workload/summary.ts';
import type { RequestSpec } from '../../core/workload/types.ts';
import { matchWorkloadPreset, WORKLOAD_PRESETS } from '../../core/views/workloadPresets.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { fmtInt, fmtNum, fmtPct } from '../format.ts';
import { IconChevron, IconUpload } from '../icons.tsx';
import { ScenarioNumber, Section, SelectField } from './fields.tsx';
import { LengthField } from './LengthField.tsx';

const ARRIVALS: readonly { value: Arrival['kind']; label: string }[] = [
  { value: 'poisson', label: 'Open loop · Poisson' },
  { value: 'gamma', label: 'Open loop · bursty (Gamma)' },
  { value: 'concurrency', label: 'Closed loop · N users' },
  { value: 'offline', label: 'Offline batch (all at t=0)' },
];

function rateOf(a: Arrival): number {
  return a.kind === 'poisson' || a.kind === 'gamma' ? a.ratePerSec : 10;
}

interface TraceState {
  fileName: string;
  text: string;
  requests: RequestSpec[];
  format: TraceFormat;
  summary: TraceSummary | null;
  inputs: number[];
  outputs: number[];
  errors: { line: number; message: string }[];
  message: string | null;
  warnings: { line: number; message: string }[];
  warningCount: number;
}

const MAX_TRACE_BYTES = 64 * 1024 * 1024;

function TraceUpload() {
  const { setField } = useActions();
  const workload = useApp((st) => st.scenario.workload);
  const [trace, setTrace] = useState<TraceState | null>(null);
  const [drag, setDrag] = useState(false);
  const [busy, setBusy] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const [applied, setApplied] = useState<string | null>(null);
  const id = useId();

  const load = async (file: File, forced?: TraceFormat) => {
    setApplied(null);
    setFileError(null);
    if (file.size > MAX_TRACE_BYTES) {
      setFileError(`${file.name} is ${fmtNum(file.size / 1e6)} MB; traces up to 64 MB are read in the browser.`);
      return;
    }
    setBusy(true);
    try {
      const text = await file.text();
      const format = forced ?? detectTraceFormat(text);
      if (!format) {
        setTrace(null);
        setFileError(
          `Could not tell the format of ${file.name} from its first line. Supported: Azure CSV (TIMESTAMP,ContextTokens,GeneratedTokens), BurstGPT CSV, Mooncake JSONL, APEX JSONL, Vidur CSV.`,
        );
        return;
      }
      const r = parseTrace(format, text);
      if (!r.ok) {
        setTrace({
          fileName: file.name,
          text: '',
          requests: [],
          format,
          summary: null,
          inputs: [],
          outputs: [],
          errors: r.errors,
          message: r.message,
          warnings: [],
          warningCount: 0,
        });
        return;
      }
      const n = Math.min(r.requests.length, 20_000);
      setTrace({
        fileName: file.name,
        text,
        requests: r.requests,
        format,
        summary: summarizeTrace(r.requests),
        inputs: r.requests.slice(0, n).map((q) => q.inputTokens),
        outputs: r.requests.slice(0, n).map((q) => q.outputTokens),
        errors: [],
        message: null,
        warnings: r.warnings,
        warningCount: r.warningCount,
      });
    } finally {
      setBusy(false);
    }
  };

  /** Mean lengths and rate (closed form); optionally the trace's length distributions or the trace itself (simulator). */
  const apply = (how: 'means' | 'distributions' | 'replay') => {
    const s = trace?.summary;
    if (!trace || !s) return;
    const arrival =
      s.ratePerSec !== null && s.ratePerSec > 0
        ? { kind: 'poisson' as const, ratePerSec: Number(s.ratePerSec.toPrecision(4)) }
        : { kind: 'offline' as const };
    const next: Record<string, unknown> = {
      ...workload,
      inputTokens: Math.max(1, Math.round(s.input.mean)),
      outputTokens: Math.max(1, Math.round(s.output.mean)),
      requests: Math.min(1_000_000, s.requests),
      arrival,
    };
    delete next.input;
    delete next.output;
    delete next.trace;
    if (how === 'distributions') {
      const e = empiricalFrom(trace.requests, 2000);
      next.input = e.input;
      next.output = e.output;
    }
    if (how === 'replay') next.trace = { format: trace.format, data: trace.text, timing: 'trace' };
    if (!setField(['workload'], next)) return;
    if (s.prefixReuseFraction !== null && s.prefixReuseFraction > 0.2) setField(['runtime', 'prefixCaching'], true);
    const what =
      how === 'means'
        ? 'mean lengths'
        : how === 'distributions'
          ? 'length distributions (2,000 values each)'
          : 'the full trace for the simulator to replay';
    setApplied(
      `Workload set from ${trace.fileName}: ${what}, ${fmtInt(s.requests)} requests, ${s.ratePerSec ? `Poisson at ${fmtNum(s.ratePerSec)} req/s` : 'offline'}.${how === 'replay' && trace.text.length > 40_000 ? ' The trace is too large for a share link: save the scenario to keep it.' : ''}`,
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDrag(false);
    const f = e.dataTransfer.files[0];
    if (f) void load(f);
  };

  return (
    <details className="disclosure" data-testid="trace-upload">
      <summary>
        <IconChevron /> Upload a request trace
      </summary>
      <div
        className={`disclosure__body dropzone${drag ? ' dropzone--active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDrag(true);
        }}
        onDragLeave={() => setDrag(false)}
        onDrop={onDrop}
      >
        <div className="field__note">
          Drop a trace here or choose a file: Azure LLM CSV, BurstGPT CSV, Mooncake JSONL, APEX JSONL or Vidur CSV. It
          is read in your browser; nothing is uploaded.
        </div>
        <div className="row">
          <label className="btn btn--sm">
            <IconUpload /> Choose trace…
            <input
              id={`${id}-file`}
              type="file"
              accept=".csv,.jsonl,.json,.txt,text/csv"
              className="visually-hidden"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void load(f);
                e.target.value = '';
              }}
            />
          </label>
          {busy && <span className="field__note">Reading…</span>}
        </div>
        {fileError && (
          <div className="field__error" role="alert">
            {fileError}
          </div>
        )}
        {trace && trace.message && (
          <div className="stack" role="alert">
            <div className="field__error">{trace.message}</div>
            <ol className="issues">
              {trace.errors.map((e, i) => (
                <li key={i}>{e.line > 0 ? `line ${e.line}: ${e.message}` : e.message}</li>
              ))}
            </ol>
            <SelectField
              label="Read it as"
              value={trace.format}
              options={TRACE_FORMATS.map((f) => ({ value: f, label: f }))}
              onChange={() => setFileError('Choose the file again after picking a format.')}
            />
          </div>
        )}
        {trace?.summary && (
          <div className="stack">
            <div className="field__note">
              <strong>{trace.fileName}</strong> · {trace.format}
            </div>
            <dl className="facts">
              <dt>Requests</dt>
              <dd>{fmtInt(trace.summary.requests)}</dd>
              <dt>Mean rate</dt>
              <dd>
                {trace.summary.ratePerSec !== null
                  ? `${fmtNum(trace.summary.ratePerSec)} req/s over ${fmtNum(trace.summary.durationS)} s`
                  : 'offline (no time span)'}
              </dd>
              <dt>Prompt mean · p50 · p99</dt>
              <dd>
                {fmtInt(trace.summary.input.mean)} · {fmtInt(trace.summary.input.p50)} ·{' '}
                {fmtInt(trace.summary.input.p99)}
              </dd>
              <dt>Output mean · p50 · p99</dt>
              <dd>
                {fmtInt(trace.summary.output.mean)} · {fmtInt(trace.summary.output.p50)} ·{' '}
                {fmtInt(trace.summary.output.p99)}
              </dd>
              <dt>Prefix reuse</dt>
              <dd>
                {trace.summary.prefixReuseFraction !== null
                  ? fmtPct(trace.summary.prefixReuseFraction, 1)
                  : 'no prefix hashes'}
              </dd>
            </dl>
            <Histogram title="Prompt lengths" xLabel="tokens" values={trace.inputs} bins={24} height={150} />
            <Histogram title="Output lengths" xLabel="tokens" values={trace.outputs} bins={24} height={150} />
            {trace.warningCount > 0 && (
              <ol className="issues issues--warn" aria-label="Trace warnings">
                {trace.warnings.map((w, i) => (
                  <li key={i}>{w.line > 0 ? `line ${w.line}: ${w.message}` : w.message}</li>
                ))}
                {trace.warningCount > trace.warnings.length && (
                  <li>… {fmtInt(trace.warningCount - trace.warnings.length)} more</li>
                )}
              </ol>
            )}
            <div className="row row--wrap">
              <button
                type="button"
                className="btn btn--sm btn--primary"
                onClick={() => apply('means')}
                data-testid="trace-apply-means"
              >
                Use means &amp; rate
              </button>
              <button type="button" className="btn btn--sm" onClick={() => apply('distributions')}>
                Use its distributions
              </button>
              <button type="button" className="btn btn--sm" onClick={() => apply('replay')}>
                Replay the trace
              </button>
            </div>
            <div className="field__note">
              The closed form plans on mean lengths; distributions and a replayed trace are used by the simulator
              (Latency tab, and the search’s top plans).
            </div>
          </div>
        )}
        {applied && <div className="field__note">{applied}</div>}
      </div>
    </details>
  );
}

export function WorkloadEditor() {
  const workload = useApp((s) => s.scenario.workload);
  const prefixCaching = useApp((s) => s.scenario.runtime.prefixCaching);
  const { setField } = useActions();
  const preset = matchWorkloadPreset(workload);
  const a = workload.arrival;
  const summary = `${fmtInt(workload.inputTokens)} → ${fmtInt(workload.outputTokens)} tok · ${a.kind === 'poisson' || a.kind === 'gamma' ? `${fmtNum(a.ratePerSec)} req/s` : a.kind === 'concurrency' ? `${a.users} users` : 'offline'}`;

  return (
    <Section title="Workload" summary={summary} testId="workload-editor">
      <div className="field" role="group" aria-label="Workload presets">
        <span className="field__label">Presets (fitted to public traces)</span>
        <div className="chips">
          {WORKLOAD_PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className="chip"
              aria-pressed={preset?.id === p.id}
              title={`${p.note} Source: ${p.source}`}
              data-testid={`preset-${p.id}`}
              onClick={() => {
                const { input: _i, output: _o, trace: _t, ...rest } = workload;
                void _i;
                void _o;
                void _t;
                setField(['workload'], { ...rest, ...p.workload });
                if (p.suggests.prefixCaching && !prefixCaching) setField(['runtime', 'prefixCaching'], true);
              }}
            >
              {p.label}
            </button>
          ))}
        </div>
        {preset && (
          <div className="field__note">
            {preset.note} <span className="source">Source: {preset.source}.</span>
          </div>
        )}
      </div>
      <LengthField which="input" />
      <LengthField which="output" />
      <SelectField
        label="Arrivals"
        value={a.kind}
        options={ARRIVALS}
        testId="arrival-kind"
        onChange={(kind) => {
          const next: Arrival =
            kind === 'poisson'
              ? { kind, ratePerSec: rateOf(a) }
              : kind === 'gamma'
                ? { kind, ratePerSec: rateOf(a), cv: 2 }
                : kind === 'concurrency'
                  ? { kind, users: 32 }
                  : { kind };
          setField(['workload', 'arrival'], next);
        }}
      />
      {(a.kind === 'poisson' || a.kind === 'gamma') && (
        <div className="grid-2">
          <ScenarioNumber
            path={['workload', 'arrival', 'ratePerSec']}
            label="Rate"
            unit="req/s"
            step={1}
            min={0}
            testId="arrival-rate"
          />
          {a.kind === 'gamma' && (
            <ScenarioNumber
              path={['workload', 'arrival', 'cv']}
              label="Burstiness"
              hint="CV of gaps"
              step={0.5}
              min={0.01}
              note="1 = Poisson; BurstGPT fits > 1"
            />
          )}
        </div>
      )}
      {a.kind === 'concurrency' && (
        <ScenarioNumber
          path={['workload', 'arrival', 'users']}
          label="Concurrent users"
          unit="users"
          step={1}
          min={1}
        />
      )}
      <div className="grid-2">
        <ScenarioNumber
          path={['workload', 'requests']}
          label="Requests"
          step={100}
          min={1}
          note={a.kind === 'offline' ? 'the batch size of the job' : 'length of the run'}
        />
        <ScenarioNumber path={['workload', 'seed']} label="Random seed" step={1} min={0} />
      </div>
      {workload.trace && (
        <div className="callout callout--info" data-testid="trace-active">
          <div className="stack">
            <span>
              Replaying a {workload.trace.format} trace ({fmtInt(workload.trace.data?.length ?? 0)} characters): the
              simulator uses its requests and arrival times; the closed form uses its means.
            </span>
            <div>
              <button type="button" className="btn btn--sm" onClick={() => setField(['workload', 'trace'], undefined)}>
                Stop replaying
              </button>
            </div>
          </div>
        </div>
      )}
      <TraceUpload />
    </Section>
  );
}
