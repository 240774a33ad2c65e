/**
 * Speculative decoding of the selected plan (runtime.speculative, issue 13): on/off, the drafting method
 * (MTP only where the model ships MTP heads), draft tokens k, and the per-position acceptance (empty = the
 * method's cited default, shown with its source). What it buys (E tokens per verify step) comes from
 * core/views/specUi; the search chips choose which settings the search may try.
 */
import type { SpecMethod } from '../../core/spec/types.ts';
import { MAX_DRAFT_TOKENS, MIN_DRAFT_TOKENS } from '../../core/spec/types.ts';
import { defaultSpeculative, specSearchPresets, specSearchSelectedIds, specView } from '../../core/views/specUi.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { Chips, NumberField, SelectField, Toggle } from './fields.tsx';

export function SpeculativeEditor() {
  const scenario = useApp((s) => s.scenario);
  const searchSpec = useApp((s) => s.searchOptions.speculative);
  const kError = useApp((s) => s.fieldErrors['runtime.speculative.draftTokens']);
  const aError = useApp((s) => s.fieldErrors['runtime.speculative.acceptanceRate']);
  const { setField, setSearchOptions } = useActions();
  const v = specView(scenario);
  const c = v.config;
  const presets = specSearchPresets(scenario, searchSpec);
  const byId = new Map(presets.map((p) => [p.id, p.option]));
  const selected = specSearchSelectedIds(searchSpec);
  return (
    <div className="stack" data-testid="speculative-editor">
      <h3 className="subhead">Speculative decoding</h3>
      <Toggle
        label="Speculative decoding"
        checked={c !== undefined}
        onChange={(on) => setField(['runtime', 'speculative'], on ? defaultSpeculative(scenario) : undefined)}
        note={c ? v.summary : 'Off: one token per sequence per decode step.'}
        testId="spec-on"
      />
      {c && (
        <>
          <SelectField
            label="Method"
            value={c.method}
            options={v.methods}
            onChange={(m: SpecMethod) =>
              setField(['runtime', 'speculative'], { method: m, draftTokens: c.draftTokens })
            }
            error={v.refusal ?? undefined}
            testId="spec-method"
          />
          <div className="grid-2">
            <NumberField
              label="Draft tokens (k)"
              value={c.draftTokens}
              onCommit={(k) => setField(['runtime', 'speculative', 'draftTokens'], k)}
              min={MIN_DRAFT_TOKENS}
              max={MAX_DRAFT_TOKENS}
              step={1}
              error={kError}
              testId="spec-draft-tokens"
            />
            <NumberField
              label="Acceptance per position"
              value={c.acceptanceRate}
              placeholder={String(v.defaultAcceptance)}
              optional
              onCommit={(a) => setField(['runtime', 'speculative', 'acceptanceRate'], a)}
              min={0}
              max={1}
              step={0.05}
              error={aError}
              title={v.defaultSource}
              note={
                c.acceptanceRate === undefined ? `Default ${v.defaultAcceptance} (hover for the source)` : undefined
              }
              testId="spec-acceptance"
            />
          </div>
        </>
      )}
      <Chips
        label="Speculative settings the search may try"
        options={presets.map((p) => ({ value: p.id, label: p.label }))}
        selected={selected}
        onToggle={(id) => {
          const next = selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
          setSearchOptions({ speculative: next.map((x) => byId.get(x)!).filter((x) => x !== undefined) });
        }}
        note={
          selected.length === 0 ? 'Only this plan’s own setting.' : `${selected.length} settings multiply the space.`
        }
        testId="spec-search"
      />
    </div>
  );
}
