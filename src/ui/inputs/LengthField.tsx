/**
 * One request-length input (prompt or output): fixed, or a distribution (log-normal by mean and CV,
 * uniform, normal) with a histogram preview of a seeded sample. The scenario keeps the mean in
 * inputTokens/outputTokens (what the closed form and the plan views use) and the distribution in
 * workload.input/output (what the simulator samples).
 */
import { useMemo } from 'react';
import { Histogram } from '../../charts/index.ts';
import { distMean } from '../../core/evaluate/workload-view.ts';
import { makeDist, sampleLengths, type LengthMode } from '../../core/views/lengthPreview.ts';
import type { LengthDist } from '../../core/workload/types.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { fmtInt } from '../format.ts';
import { NumberField, ScenarioNumber, SelectField } from './fields.tsx';

const MODES: readonly { value: LengthMode | 'empirical'; label: string }[] = [
  { value: 'fixed', label: 'Fixed' },
  { value: 'lognormal', label: 'Log-normal' },
  { value: 'uniform', label: 'Uniform' },
  { value: 'normal', label: 'Normal' },
];

interface Params {
  mean: number;
  cv: number;
  min: number;
  max: number;
}

function paramsOf(d: LengthDist | undefined, fixed: number): Params {
  const mean = d ? distMean(d) : fixed;
  const base = { mean, cv: 1, min: 1, max: Math.max(2, Math.round(mean * 4)) };
  if (!d) return base;
  switch (d.kind) {
    case 'lognormal':
      return { mean, cv: Math.sqrt(Math.exp(d.sigma * d.sigma) - 1), min: d.min ?? 1, max: d.max ?? base.max };
    case 'normal':
      return { mean, cv: d.mean > 0 ? d.std / d.mean : 0, min: d.min ?? 1, max: d.max ?? base.max };
    case 'uniform':
      return { ...base, min: d.min, max: d.max };
    default:
      return base;
  }
}

export function LengthField({ which }: { which: 'input' | 'output' }) {
  const tokensKey = which === 'input' ? 'inputTokens' : 'outputTokens';
  const dist = useApp((s) => s.scenario.workload[which]);
  const fixed = useApp((s) => s.scenario.workload[tokensKey]);
  const seed = useApp((s) => s.scenario.workload.seed);
  const errors = useApp((s) => s.fieldErrors);
  const { setField } = useActions();
  const mode: LengthMode | 'empirical' = dist ? (dist.kind === 'fixed' ? 'fixed' : dist.kind) : 'fixed';
  const p = paramsOf(dist, fixed);
  const label = which === 'input' ? 'Prompt length' : 'Output length';
  const sample = useMemo(() => (dist && dist.kind !== 'fixed' ? sampleLengths(dist, 2000, seed) : null), [dist, seed]);

  const apply = (m: LengthMode, next: Params) => {
    if (m === 'fixed') {
      setField(['workload', which], undefined);
      setField(['workload', tokensKey], Math.max(1, Math.round(next.mean)));
      return;
    }
    const d = makeDist(m, next);
    if (setField(['workload', which], d)) setField(['workload', tokensKey], Math.max(1, Math.round(distMean(d))));
  };
  const err = errors[`workload.${which}`];

  return (
    <div className="stack">
      <div className="grid-2">
        <SelectField
          label={label}
          hint="shape"
          value={mode}
          options={mode === 'empirical' ? [...MODES, { value: 'empirical', label: 'From a trace' }] : MODES}
          onChange={(m) => {
            if (m !== 'empirical') apply(m, p);
          }}
          testId={`${which}-dist`}
        />
        {mode === 'fixed' ? (
          <ScenarioNumber
            path={['workload', tokensKey]}
            label={which === 'input' ? 'Input tokens' : 'Output tokens'}
            unit="tok"
            step={which === 'input' ? 64 : 16}
            min={1}
            testId={which === 'input' ? 'input-tokens' : 'output-tokens'}
          />
        ) : mode === 'uniform' || mode === 'empirical' ? (
          <NumberField
            label={which === 'input' ? 'Mean input' : 'Mean output'}
            unit="tok"
            value={Math.round(p.mean)}
            onCommit={() => undefined}
            note={
              mode === 'empirical'
                ? `${fmtInt(dist?.kind === 'empirical' ? dist.values.length : 0)} trace values`
                : 'from min and max'
            }
          />
        ) : (
          <NumberField
            label={which === 'input' ? 'Mean input' : 'Mean output'}
            unit="tok"
            value={Math.round(p.mean)}
            step={16}
            min={1}
            onCommit={(v) => v !== undefined && apply(mode, { ...p, mean: v })}
            error={err}
          />
        )}
      </div>
      {(mode === 'lognormal' || mode === 'normal' || mode === 'uniform') && (
        <div className="grid-3">
          {mode !== 'uniform' && (
            <NumberField
              label="CV"
              hint="std/mean"
              value={Number(p.cv.toFixed(2))}
              step={0.1}
              min={0}
              onCommit={(v) => v !== undefined && apply(mode, { ...p, cv: v })}
            />
          )}
          <NumberField
            label="Min"
            unit="tok"
            value={p.min}
            step={16}
            min={1}
            onCommit={(v) => v !== undefined && apply(mode, { ...p, min: v })}
          />
          <NumberField
            label="Max"
            unit="tok"
            value={p.max}
            step={64}
            min={1}
            onCommit={(v) => v !== undefined && apply(mode, { ...p, max: v })}
          />
        </div>
      )}
      {sample && <Histogram title={`${label} (preview)`} xLabel="tokens" values={sample} bins={24} height={140} />}
    </div>
  );
}
