/** Roofline of the plan's ops (after sharding) for a prefill iteration and a decode step. */
import { Roofline } from '../../charts/index.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { rooflineOf } from '../../state/evaluation.ts';
import { fmtPct } from '../format.ts';
import { useSettled } from '../hooks.ts';

export function RooflineTab({ scenario, result }: { scenario: Scenario; result: EvaluationResult }) {
  const settledScenario = useSettled(scenario, 120);
  const settledConcurrency = useSettled(result.metrics.concurrency, 120);
  const out = rooflineOf(settledScenario, settledConcurrency);
  if (!out.ok) return <p className="caption">The roofline needs a plan that resolves: {out.message}</p>;
  const r = out.value;
  const off = (phase: 'prefill' | 'decode') =>
    r.offRoof
      .filter((o) => o.phase === phase && o.timeShare >= 0.01)
      .slice(0, 4)
      .map((o) => `${o.name} ${fmtPct(o.timeShare)}`)
      .join(', ');
  return (
    <>
      <div data-testid="roofline-chart">
        <Roofline
          title={`Roofline · ${r.gpuLabel} · GEMMs in ${r.gemmMathDtype.toUpperCase()}`}
          gpuLabel={r.gpuLabel}
          ceilings={r.ceilings}
          memoryGBps={r.memoryGBps}
          links={r.links}
          points={r.points}
          height={430}
        />
      </div>
      <p className="caption">
        One point per op of one GPU, summed over layers: <strong>prefill</strong> = {r.describe.prefill};{' '}
        <strong>decode</strong> = {r.describe.decode}. Dot size = share of that iteration’s time. Not on the chart (no
        FLOPs): prefill — {off('prefill') || 'none over 1%'}; decode — {off('decode') || 'none over 1%'}.
      </p>
    </>
  );
}
