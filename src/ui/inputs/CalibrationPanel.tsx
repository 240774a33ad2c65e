/**
 * Calibrate on your own benchmark (issue 15): paste or drop vLLM bench serve / SGLang bench_serving /
 * aiperf / trtllm-bench output; core/calibrate fits runtime.engine.calibration to it. Shows the chip,
 * the before/after errors on the user's points, the split check and predicted-vs-measured scatters.
 * No arithmetic here: the fit, refusals and errors all come from core/calibrate.
 */
import { useState, type DragEvent } from 'react';
import {
  calibrateScenario,
  calibrationChip,
  FACTOR_LABELS,
  type CalibrationOutcome,
} from '../../core/calibrate/index.ts';
import { MAX_BENCH_BYTES } from '../../core/calibrate/parse/index.ts';
import { CAL_METRICS, type CalMetric } from '../../core/calibrate/schema.ts';
import { CalibrationScatter } from '../../charts/calibration/CalibrationScatter.tsx';
import { useActions, useApp } from '../../state/react.tsx';
import { Section } from './fields.tsx';
import { humanizeFieldError } from '../../core/scenario/field-labels.ts';

const METRIC_LABEL: Record<CalMetric, string> = {
  ttftMs: 'TTFT (ms)',
  tpotMs: 'TPOT (ms)',
  outputTokPerSec: 'output tok/s',
};

const pct = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(1)} %`);

function FitReport({ outcome }: { outcome: Extract<CalibrationOutcome, { ok: true }> }) {
  const { fit, split } = outcome;
  return (
    <div data-testid="calibration-report">
      <table className="table table--compact">
        <thead>
          <tr>
            <th>median error on your points</th>
            <th>before</th>
            <th>after</th>
            {split && <th>held-out half</th>}
          </tr>
        </thead>
        <tbody>
          {CAL_METRICS.filter((m) => fit.beforePct[m] !== undefined).map((m) => (
            <tr key={m}>
              <td>{METRIC_LABEL[m]}</td>
              <td>{pct(fit.beforePct[m])}</td>
              <td>{pct(fit.afterPct[m])}</td>
              {split && <td>{`${pct(split.beforePct[m])} → ${pct(split.afterPct[m])}`}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {split && (
        <p className="field__note">
          Split check: fitted on {split.fitOn} points, scored on the other {split.scoredOn}. A held-out error far above
          the in-sample one means the fit chased noise.
        </p>
      )}
      {fit.leftOut.length > 0 && (
        <p className="field__note">
          Left out of the fit (more than 4× the metric’s expected error, which no scale factor explains):{' '}
          {fit.leftOut.join(', ')}.
        </p>
      )}
      {fit.tied && (
        <p className="field__note">
          Too few points to tell the classes of work apart: one common time scale was fitted.
        </p>
      )}
      <div className="row row--wrap">
        {CAL_METRICS.map((m) => {
          const pts = fit.rows.filter((r) => r.metric === m);
          return pts.length ? (
            <CalibrationScatter key={m} title={METRIC_LABEL[m]} label={METRIC_LABEL[m]} points={pts} />
          ) : null;
        })}
      </div>
    </div>
  );
}

export function CalibrationPanel() {
  const scenario = useApp((s) => s.scenario);
  const { setField } = useActions();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<CalibrationOutcome | null>(null);
  const [drag, setDrag] = useState(false);
  const chip = calibrationChip(scenario);
  const factors = scenario.runtime.engine?.calibration?.factors ?? {};

  const run = (files: { name: string; text: string }[]) => {
    const r = calibrateScenario(scenario, files);
    setOutcome(r);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    setError(null);
    setField(['runtime', 'engine'], r.scenario.runtime.engine);
  };

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDrag(false);
    const files = [...e.dataTransfer.files];
    if (files.some((f) => f.size > MAX_BENCH_BYTES)) {
      setError('A file is larger than 32 MB; a benchmark result is kilobytes.');
      return;
    }
    run(await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))));
  };

  return (
    <Section title="Calibrate on your benchmark" summary={chip ?? 'not calibrated'} testId="calibration-panel">
      {chip && (
        <div className="row">
          <span
            className="chip chip--on"
            data-testid="calibration-chip"
            title={Object.entries(factors)
              .map(([k, v]) => `${FACTOR_LABELS[k as keyof typeof FACTOR_LABELS]} ×${v}`)
              .join('\n')}
          >
            {chip}
          </span>
          <button
            type="button"
            className="btn btn--sm"
            data-testid="calibration-clear"
            onClick={() => {
              const { calibration: _c, ...engine } = scenario.runtime.engine ?? { name: 'vllm' as const };
              void _c;
              setField(['runtime', 'engine'], engine);
              setOutcome(null);
            }}
          >
            Remove calibration
          </button>
        </div>
      )}
      <div
        className={`dropzone${drag ? ' dropzone--active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDrag(true);
        }}
        onDragLeave={() => setDrag(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <div className="field">
          <label className="field__label" htmlFor="calibration-text">
            <span>Benchmark result</span>
            <span className="field__hint">
              vLLM bench serve JSON, SGLang JSONL, aiperf export, trtllm-bench report (text or --report_json): paste or
              drop
            </span>
          </label>
          <textarea
            id="calibration-text"
            className={`textarea${error ? ' input--invalid' : ''}`}
            data-testid="calibration-paste"
            value={text}
            spellCheck={false}
            placeholder={
              '{ "model_id": "meta-llama/Llama-3.1-8B-Instruct", "max_concurrency": 16, "mean_tpot_ms": 8.0, … }'
            }
            onChange={(e) => setText(e.target.value)}
          />
          {error && (
            <div className="field__error" role="alert" data-testid="calibration-error">
              {humanizeFieldError(error)}
            </div>
          )}
          {outcome &&
            outcome.refused.map((r) => (
              <div key={r} className="field__note">
                refused: {r}
              </div>
            ))}
        </div>
        <button
          type="button"
          className="btn btn--sm btn--primary"
          data-testid="calibration-apply"
          disabled={text.trim() === ''}
          onClick={() => run([{ name: 'pasted result', text }])}
        >
          Calibrate
        </button>
      </div>
      {outcome?.ok && <FitReport outcome={outcome} />}
    </Section>
  );
}
