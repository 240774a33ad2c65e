/** Objectives & SLOs: the latency targets (goodput counts requests meeting both) and what the search ranks by. */
import { OBJECTIVES, OBJECTIVE_INFO } from '../../core/search/objectives.ts';
import type { Objective } from '../../core/search/types.ts';
import { useActions, useApp, useAppShallow } from '../../state/react.tsx';
import { fmtMs } from '../format.ts';
import { ScenarioNumber, Section, SelectField } from './fields.tsx';

const OBJ_LABEL: Record<Objective, string> = {
  'throughput-per-gpu': 'Max throughput per GPU',
  goodput: 'Max goodput (req/s within SLOs)',
  'ttft-p50': 'Min TTFT p50',
  'ttft-p99': 'Min TTFT p99',
  'tpot-p50': 'Min TPOT p50',
  'tpot-p99': 'Min TPOT p99',
  cost: 'Min $ per M output tokens',
  energy: 'Min energy per token',
};

export const objectiveOptions = OBJECTIVES.map((o) => ({ value: o, label: OBJ_LABEL[o] }));
export const objectiveAxisLabel = (o: Objective): string => `${OBJECTIVE_INFO[o].label} (${OBJECTIVE_INFO[o].unit})`;

export function ObjectivesEditor() {
  const slo = useApp((s) => s.scenario.slo);
  const o = useAppShallow((s) => ({
    objective: s.searchOptions.objective,
    secondary: s.searchOptions.secondary,
    top: s.searchOptions.top,
  }));
  const { setSearchOptions } = useActions();
  return (
    <Section
      title="Objectives & SLOs"
      summary={`${fmtMs(slo.ttftMs)} · ${fmtMs(slo.tpotMs)}`}
      testId="objectives-editor"
    >
      <div className="grid-2">
        <ScenarioNumber path={['slo', 'ttftMs']} label="TTFT SLO" unit="ms" step={100} min={1} testId="slo-ttft" />
        <ScenarioNumber path={['slo', 'tpotMs']} label="TPOT SLO" unit="ms" step={5} min={0.1} testId="slo-tpot" />
      </div>
      <div className="field__note">
        Goodput counts requests that meet both targets. TTFT = time to first token; TPOT = time per output token after
        the first.
      </div>
      <SelectField
        label="Rank plans by"
        value={o.objective}
        options={objectiveOptions}
        onChange={(v) => setSearchOptions({ objective: v })}
        testId="objective"
      />
      <SelectField
        label="Pareto second axis"
        value={o.secondary}
        options={objectiveOptions}
        onChange={(v) => setSearchOptions({ secondary: v })}
      />
      <SelectField
        label="Plans listed"
        value={String(o.top)}
        options={[10, 20, 50, 100].map((n) => ({ value: String(n), label: `Top ${n}` }))}
        onChange={(v) => setSearchOptions({ top: Number(v) })}
      />
    </Section>
  );
}
