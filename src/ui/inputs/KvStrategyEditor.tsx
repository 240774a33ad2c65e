/**
 * The KV strategy of the selected plan (runtime.kvStrategy, issue 6): pick a preset, or compose one
 * component per family (quantization, eviction, offload, sharing, paging, KV across devices) and edit
 * its knobs. Each strategy is labelled exact / near-lossless / approximate (lossy) with core/kv's one-line
 * description on this plan; every knob shows the schema's message next to it when an edit is refused.
 * Also: which strategies the search may vary, and whether lossy ones may win.
 */
import { useMemo, type ReactNode } from 'react';
import { strategyFidelity } from '../../core/kv/presets.ts';
import {
  EVICT_POLICIES,
  EVICTED_TO,
  KV_QUANT_DTYPES,
  PAGING_SCHEMES,
  type EvictPolicy,
  type Fidelity,
  type KvFamily,
  type KvStrategy,
  type KvStrategyInput,
} from '../../core/kv/types.ts';
import {
  FIDELITY_TEXT,
  KV_EDITOR_PRESETS,
  KV_SEARCH_PRESETS,
  defaultComponent,
  evictDefaults,
  evictedToDefault,
  kvChoiceId,
  kvPresetIdOf,
  kvPresetOption,
  kvStrategyInfo,
  kvStrategyName,
} from '../../core/views/kvStrategyUi.ts';
import { getIn, pathKey, type FieldPath } from '../../state/paths.ts';
import { useActions, useApp, useAppShallow, useAppStore } from '../../state/react.tsx';
import { useDeferredScenario, useEngineError } from '../hooks.ts';
import { Chips, NumberField, SelectField, Toggle, type ChipOption } from './fields.tsx';

const ROOT = ['runtime', 'kvStrategy'] as const;

const FAMILIES: readonly { id: KvFamily; title: string; add: string }[] = [
  { id: 'quant', title: 'Quantization', add: 'Quantize' },
  { id: 'evict', title: 'Eviction / sparse attention', add: 'Evict' },
  { id: 'offload', title: 'Tiered offload (host / NVMe)', add: 'Offload' },
  { id: 'share', title: 'Sharing and reuse', add: 'Share' },
  { id: 'paging', title: 'Memory management', add: 'Paging' },
  { id: 'distributed', title: 'KV across devices', add: 'Distribute' },
];

const DTYPE_LABEL: Record<(typeof KV_QUANT_DTYPES)[number], string> = {
  bf16: 'bf16 (no quantization)',
  fp8: 'fp8 (e4m3, per-tensor scale)',
  int8: 'int8 (group scale + zero)',
  int4: 'int4 (group scale + zero)',
  kivi2: 'KIVI 2-bit (per-channel K, per-token V)',
};

const POLICY_LABEL: Record<EvictPolicy, string> = {
  h2o: 'H2O: heavy hitters + recent',
  'sink-window': 'Attention sink + sliding window',
  'per-head': 'Per-head budgets (RazorAttention)',
  'topk-pages': 'Top-k pages (Quest / ShadowKV)',
};

const FIDELITY_BADGE: Record<Fidelity, string> = {
  exact: 'badge badge--ok',
  'near-lossless': 'badge badge--accent',
  approximate: 'badge badge--warn',
};

export function FidelityBadge({ fidelity, testId }: { fidelity: Fidelity; testId?: string }) {
  return (
    <span
      className={FIDELITY_BADGE[fidelity]}
      data-testid={testId}
      title={
        fidelity === 'approximate'
          ? 'Changes model outputs measurably on some tasks; the search never picks it unless lossy strategies are allowed.'
          : fidelity === 'near-lossless'
            ? 'Lossy in principle; engines deploy it by default with negligible accuracy change.'
            : 'Bit-for-bit the same attention.'
      }
    >
      {FIDELITY_TEXT[fidelity]}
    </span>
  );
}

const fidelityTag = (f: Fidelity): Pick<ChipOption<string>, 'tag' | 'tone' | 'title'> =>
  f === 'approximate'
    ? { tag: 'lossy', tone: 'warn', title: 'Approximate (lossy): never chosen unless “Allow lossy strategies” is on' }
    : f === 'near-lossless'
      ? { tag: '≈', tone: 'muted', title: 'Near-lossless (fp8/int8 KV)' }
      : {};

/** Strategy edits: whole-strategy replacement (presets, components) and one knob at a time. */
function useKvEdits() {
  const store = useAppStore();
  const { setField, clearFieldError } = useActions();
  const clearKvErrors = () => {
    for (const k of Object.keys(store.getState().fieldErrors))
      if (k.startsWith('runtime.kvStrategy')) clearFieldError(k.split('.'));
  };
  /** Replace the whole strategy (undefined or no component = none). */
  const setStrategy = (next: KvStrategyInput | undefined) => {
    const empty = !next || Object.keys(next).filter((k) => k !== 'label').length === 0;
    if (setField(ROOT, empty ? undefined : next)) clearKvErrors();
  };
  /** Set one knob; a preset's label no longer describes an edited strategy, so it is dropped. */
  const setKnob = (path: FieldPath, value: unknown) => {
    const ok = setField([...ROOT, ...path], value);
    if (ok && store.getState().scenario.runtime.kvStrategy?.label !== undefined)
      setField([...ROOT, 'label'], undefined);
    return ok;
  };
  return { setStrategy, setKnob };
}

function KvNumber({
  path,
  label,
  unit,
  hint,
  step,
  min,
  max,
  optional,
  placeholder,
  testId,
  note,
}: {
  path: FieldPath;
  label: string;
  unit?: string;
  hint?: ReactNode;
  step?: number;
  min?: number;
  max?: number;
  optional?: boolean;
  placeholder?: string;
  testId?: string;
  note?: ReactNode;
}) {
  const full = [...ROOT, ...path];
  const value = useApp((s) => getIn(s.scenario, full));
  // The schema names the field ("runtime.kvStrategy.quant.groupSize must be at most 1024"); the label already does.
  const error = useApp((s) => s.fieldErrors[pathKey(full)])?.replace(/^runtime\.kvStrategy\.[\w.]+\s+/, '');
  const { setKnob } = useKvEdits();
  return (
    <NumberField
      label={label}
      unit={unit}
      hint={hint}
      step={step}
      min={min}
      max={max}
      optional={optional}
      placeholder={placeholder}
      testId={testId}
      note={note}
      value={typeof value === 'number' ? value : undefined}
      error={error}
      onCommit={(v) => setKnob(path, v)}
    />
  );
}

function KvToggle({
  path,
  label,
  note,
  on,
  testId,
}: {
  path: FieldPath;
  label: string;
  note?: ReactNode;
  on?: unknown;
  testId?: string;
}) {
  const full = [...ROOT, ...path];
  const value = useApp((s) => getIn(s.scenario, full));
  const { setKnob } = useKvEdits();
  // `on` given: the toggle adds/removes a sub-object (GEAR, multi-turn reuse, RAG reuse).
  const checked = on !== undefined ? value !== undefined : value === true;
  return (
    <Toggle
      label={label}
      note={note}
      checked={checked}
      testId={testId}
      onChange={(v) => setKnob(path, on !== undefined ? (v ? on : undefined) : v)}
    />
  );
}

function FamilyCard({
  title,
  onRemove,
  children,
  testId,
}: {
  title: string;
  onRemove: () => void;
  children: ReactNode;
  testId: string;
}) {
  return (
    <div className="kv-card" data-testid={testId}>
      <div className="kv-card__head">
        <span>{title}</span>
        <button type="button" className="btn btn--sm btn--ghost" onClick={onRemove} aria-label={`Remove ${title}`}>
          Remove
        </button>
      </div>
      <div className="kv-card__body">{children}</div>
    </div>
  );
}

function QuantKnobs({ q }: { q: NonNullable<KvStrategy['quant']> }) {
  const error = useApp(
    (s) => s.fieldErrors['runtime.kvStrategy.quant.dtype'] ?? s.fieldErrors['runtime.kvStrategy.quant'],
  );
  const engineError = useEngineError()('runtime.kvStrategy.quant.dtype');
  const kvCache = useApp((s) => s.scenario.precision.kvCache);
  const { setKnob } = useKvEdits();
  const { setField } = useActions();
  const grouped = q.dtype === 'int8' || q.dtype === 'int4' || q.dtype === 'kivi2';
  return (
    <>
      <SelectField
        label="Stored format"
        value={q.dtype}
        options={KV_QUANT_DTYPES.map((d) => ({ value: d, label: DTYPE_LABEL[d] }))}
        onChange={(v) => setKnob(['quant', 'dtype'], v)}
        error={error ?? engineError}
        testId="kv-quant-dtype"
      />
      {engineError && (
        <button
          type="button"
          className="btn btn--sm"
          onClick={() => setField(['precision', 'kvCache'], 'bf16')}
          data-testid="kv-fix-base"
        >
          Set the KV cache dtype to bf16 (was {kvCache})
        </button>
      )}
      {grouped && (
        <div className="grid-2">
          <KvNumber
            path={['quant', 'groupSize']}
            label="Group size"
            unit="elem"
            optional
            placeholder={q.dtype === 'int8' ? '128' : '32'}
            step={8}
            min={8}
            max={1024}
          />
          <KvNumber
            path={['quant', 'residualTokens']}
            label="Full-precision window"
            unit="tok"
            optional
            placeholder={q.dtype === 'kivi2' ? '128' : '0'}
            step={32}
            min={0}
          />
        </div>
      )}
      {q.dtype !== 'bf16' && (
        <KvToggle path={['quant', 'gear']} label="GEAR: low-rank + sparse residual" on={{ rank: 4, sparsityPct: 2 }} />
      )}
      {q.gear && (
        <div className="grid-2">
          <KvNumber path={['quant', 'gear', 'rank']} label="GEAR rank" step={1} min={1} max={128} />
          <KvNumber path={['quant', 'gear', 'sparsityPct']} label="Outliers" unit="%" step={0.5} min={0} max={20} />
        </div>
      )}
    </>
  );
}

function EvictKnobs({ e }: { e: NonNullable<KvStrategy['evict']> }) {
  const { setKnob } = useKvEdits();
  const policyError = useApp((s) => s.fieldErrors['runtime.kvStrategy.evict']);
  const to = e.evictedTo ?? evictedToDefault(e.policy);
  return (
    <>
      <SelectField
        label="Policy"
        value={e.policy}
        options={EVICT_POLICIES.map((p) => ({ value: p, label: POLICY_LABEL[p] }))}
        onChange={(p) => setKnob(['evict'], evictDefaults(p))}
        error={policyError}
        testId="kv-evict-policy"
      />
      <div className="grid-2">
        <KvNumber
          path={['evict', 'budgetFraction']}
          label="Budget fraction"
          optional
          placeholder="—"
          step={0.05}
          min={0.001}
          max={1}
          testId="kv-evict-budget"
        />
        <KvNumber
          path={['evict', 'budgetTokens']}
          label="Budget tokens"
          unit="tok"
          optional
          placeholder="—"
          step={256}
          min={1}
        />
      </div>
      <div className="field__note">
        Share of the context kept (0.2 = 20%), or a token count; with both, the smaller wins.
      </div>
      <div className="grid-2">
        <KvNumber path={['evict', 'sinkTokens']} label="Sink tokens" unit="tok" step={1} min={0} max={4096} />
        <KvNumber path={['evict', 'recentTokens']} label="Recent window" unit="tok" step={128} min={0} />
      </div>
      {(e.policy === 'per-head' || e.fullHeadsFraction > 0) && (
        <KvNumber
          path={['evict', 'fullHeadsFraction']}
          label="Full heads"
          hint="fraction that keep every token"
          step={0.05}
          min={0}
          max={1}
        />
      )}
      {e.policy === 'topk-pages' && (
        <KvNumber path={['evict', 'pageSize']} label="Page size" unit="tok" step={16} min={1} max={1024} />
      )}
      <SelectField
        label="Out-of-budget tokens go to"
        value={e.evictedTo ?? 'default'}
        options={[
          { value: 'default', label: `default (${evictedToDefault(e.policy)})` },
          ...EVICTED_TO.map((t) => ({
            value: t,
            label:
              t === 'drop' ? 'dropped' : t === 'host' ? 'host DRAM (fetched on selection)' : 'HBM (only reads shrink)',
          })),
        ]}
        onChange={(v) => setKnob(['evict', 'evictedTo'], v === 'default' ? undefined : v)}
      />
      {to === 'host' && (
        <KvNumber
          path={['evict', 'refetchFraction']}
          label="Promoted per step"
          hint="fraction of budget (assumed)"
          step={0.01}
          min={0}
          max={1}
        />
      )}
    </>
  );
}

function OffloadKnobs({ o }: { o: NonNullable<KvStrategy['offload']> }) {
  return (
    <>
      <div className="grid-2">
        <KvNumber path={['offload', 'hostGB']} label="Host DRAM" unit="GB/GPU" step={16} min={0} testId="kv-host-gb" />
        <KvNumber
          path={['offload', 'hostLinkGBps']}
          label="Host link"
          unit="GB/s"
          optional
          placeholder="GPU's"
          step={8}
          min={0.1}
          note="PCIe Gen5 ≈ 64, NVLink-C2C ≈ 450"
        />
      </div>
      <div className="grid-2">
        <KvNumber path={['offload', 'ssdGB']} label="NVMe" unit="GB/GPU" step={100} min={0} />
        <KvNumber path={['offload', 'ssdGBps']} label="NVMe read" unit="GB/s" step={1} min={0.1} />
      </div>
      <KvToggle path={['offload', 'prefetch']} label="Layer-wise prefetch (overlap with compute)" />
      <KvToggle
        path={['offload', 'multiTurnReuse']}
        label="Multi-turn reuse (keep sessions in host)"
        on={{ ttlS: 600, hitRate: 0.7 }}
      />
      {o.multiTurnReuse && (
        <div className="grid-2">
          <KvNumber
            path={['offload', 'multiTurnReuse', 'hitRate']}
            label="Hit rate"
            hint="0–1"
            step={0.05}
            min={0}
            max={1}
          />
          <KvNumber path={['offload', 'multiTurnReuse', 'ttlS']} label="Time to live" unit="s" step={60} min={0} />
        </div>
      )}
    </>
  );
}

function ShareKnobs({ s }: { s: NonNullable<KvStrategy['share']> }) {
  return (
    <>
      <KvNumber
        path={['share', 'prefixTokens']}
        label="Shared prefix"
        unit="tok"
        step={512}
        min={0}
        note="System prompt / global prefix every sequence shares (stored once)."
      />
      <KvToggle
        path={['share', 'ragChunkReuse']}
        label="RAG chunk reuse (CacheBlend)"
        on={{ chunkTokens: 8192, recomputeFraction: 0.15 }}
      />
      {s.ragChunkReuse && (
        <div className="grid-2">
          <KvNumber
            path={['share', 'ragChunkReuse', 'chunkTokens']}
            label="Reused tokens"
            unit="tok"
            step={512}
            min={1}
          />
          <KvNumber
            path={['share', 'ragChunkReuse', 'recomputeFraction']}
            label="Recomputed"
            hint="0–1"
            step={0.05}
            min={0}
            max={1}
          />
        </div>
      )}
    </>
  );
}

function PagingKnobs({ p }: { p: NonNullable<KvStrategy['paging']> }) {
  const { setKnob } = useKvEdits();
  const blockSize = useApp((s) => s.scenario.runtime.kvBlockSize);
  return (
    <>
      <SelectField
        label="Scheme"
        value={p.scheme}
        options={PAGING_SCHEMES.map((v) => ({
          value: v,
          label: v === 'paged' ? 'PagedAttention blocks' : 'vAttention (contiguous virtual memory)',
        }))}
        onChange={(v) => setKnob(['paging', 'scheme'], v)}
      />
      {p.scheme === 'paged' ? (
        <KvNumber
          path={['paging', 'blockSize']}
          label="Block size"
          unit="tok"
          optional
          placeholder={String(blockSize)}
          step={16}
          min={1}
          max={1024}
        />
      ) : (
        <KvNumber
          path={['paging', 'pageKiB']}
          label="Physical page"
          unit="KiB"
          step={64}
          min={4}
          max={65536}
          note="2048 = CUDA 2 MiB pages; 64–256 with vAttention's driver change."
        />
      )}
    </>
  );
}

function DistributedKnobs() {
  return (
    <>
      <div className="grid-2">
        <KvNumber
          path={['distributed', 'contextParallel']}
          label="Context parallel"
          unit="×"
          step={1}
          min={1}
          max={1024}
        />
        <KvNumber
          path={['distributed', 'transferCompression']}
          label="Transfer compression"
          unit="×"
          step={1}
          min={1}
          max={100}
        />
      </div>
      <KvToggle path={['distributed', 'distAttention']} label="DistAttention: pool KV over DP replicas" />
    </>
  );
}

/** The strategy section inside Runtime & KV. */
export function KvStrategyEditor() {
  const strategy = useApp((s) => s.scenario.runtime.kvStrategy);
  const deferred = useDeferredScenario();
  const info = useMemo(() => kvStrategyInfo(deferred, deferred.runtime.kvStrategy), [deferred]);
  const rootError = useApp((s) => s.fieldErrors['runtime.kvStrategy']);
  const { setStrategy } = useKvEdits();
  const presetId = kvPresetIdOf(strategy);
  const present = FAMILIES.filter((f) => strategy?.[f.id] !== undefined);
  const absent = FAMILIES.filter((f) => strategy?.[f.id] === undefined);

  const options = [
    ...(presetId === null ? [{ value: 'custom', label: `Custom: ${kvStrategyName(strategy)}`, group: 'Custom' }] : []),
    ...KV_EDITOR_PRESETS.map((p) => ({
      value: p.id,
      label: `${p.id === 'none' ? 'None: plain paged KV' : p.label}${p.fidelity === 'approximate' ? ' · lossy' : p.fidelity === 'near-lossless' ? ' · near-lossless' : ''}`,
      group: p.group,
    })),
  ];

  const without = (family: KvFamily): KvStrategyInput | undefined => {
    if (!strategy) return undefined;
    const { [family]: _gone, label: _label, ...rest } = strategy;
    void _gone;
    void _label;
    return rest;
  };

  return (
    <div className="kv-editor" data-testid="kv-strategy-editor">
      <h3 className="subhead">KV strategy</h3>
      <SelectField
        label="Strategy"
        value={presetId ?? 'custom'}
        options={options}
        onChange={(id) => {
          if (id === 'custom') return;
          setStrategy(kvPresetOption(id)?.strategy ?? undefined);
        }}
        error={rootError}
        testId="kv-strategy-preset"
      />
      <div className="kv-summary" data-testid="kv-strategy-summary">
        <FidelityBadge fidelity={info.fidelity} testId="kv-strategy-fidelity" />
        <span className="kv-summary__text">{info.description}</span>
      </div>
      {present.map((f) => (
        <FamilyCard key={f.id} title={f.title} onRemove={() => setStrategy(without(f.id))} testId={`kv-card-${f.id}`}>
          {f.id === 'quant' && strategy?.quant && <QuantKnobs q={strategy.quant} />}
          {f.id === 'evict' && strategy?.evict && <EvictKnobs e={strategy.evict} />}
          {f.id === 'offload' && strategy?.offload && <OffloadKnobs o={strategy.offload} />}
          {f.id === 'share' && strategy?.share && <ShareKnobs s={strategy.share} />}
          {f.id === 'paging' && strategy?.paging && <PagingKnobs p={strategy.paging} />}
          {f.id === 'distributed' && <DistributedKnobs />}
        </FamilyCard>
      ))}
      {absent.length > 0 && (
        <div className="field" role="group" aria-label="Add a KV strategy component">
          <span className="field__label">Add a component</span>
          <div className="chips">
            {absent.map((f) => (
              <button
                key={f.id}
                type="button"
                className="chip"
                onClick={() => setStrategy({ ...without(f.id), [f.id]: defaultComponent(f.id) })}
                data-testid={`kv-add-${f.id}`}
                title={f.title}
              >
                + {f.add}
              </button>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

/** Which strategies the search may vary, and whether lossy / near-lossless ones may win. */
export function KvSearchKnobs() {
  const o = useAppShallow((s) => ({
    kvStrategies: s.searchOptions.kvStrategies,
    allowLossy: s.searchOptions.allowLossy,
    allowNearLossless: s.searchOptions.allowNearLossless !== false,
  }));
  const strategy = useApp((s) => s.scenario.runtime.kvStrategy);
  const { setSearchOptions } = useActions();

  const { chips, choiceOf, currentId } = useMemo(() => {
    const own = kvPresetIdOf(strategy);
    const list: { id: string; label: string; choice: string | KvStrategyInput; fidelity: Fidelity }[] = [];
    // The plan's own strategy first when it is not one of the usual search presets.
    if (own === null && strategy) {
      const name = `${kvStrategyName(strategy)} (this plan)`;
      const { label: _l, ...rest } = strategy;
      void _l;
      const choice = { ...rest, label: name };
      list.push({ id: kvChoiceId(choice) ?? name, label: name, choice, fidelity: strategyFidelity(strategy) });
    } else if (own !== null && !KV_SEARCH_PRESETS.includes(own)) {
      const p = kvPresetOption(own)!;
      list.push({ id: kvChoiceId(p.choice)!, label: p.label, choice: p.choice, fidelity: p.fidelity });
    }
    for (const id of KV_SEARCH_PRESETS) {
      const p = kvPresetOption(id)!;
      list.push({
        id: kvChoiceId(p.choice)!,
        label: id === 'none' ? 'plain KV' : p.label,
        choice: p.choice,
        fidelity: p.fidelity,
      });
    }
    const ownChoiceId = own === null ? (list[0]?.id ?? 'none') : kvChoiceId(kvPresetOption(own)!.choice)!;
    return { chips: list, choiceOf: new Map(list.map((c) => [c.id, c.choice])), currentId: ownChoiceId };
  }, [strategy]);

  const selected =
    o.kvStrategies.length > 0
      ? o.kvStrategies.map((x) => kvChoiceId(x)).filter((x): x is string => x !== null)
      : [currentId];
  const lossyPicked = chips.filter((c) => selected.includes(c.id) && c.fidelity === 'approximate').map((c) => c.label);
  const note =
    o.kvStrategies.length === 0
      ? 'Only this plan’s own strategy. “lossy” = approximate, “≈” = near-lossless.'
      : `${selected.length} strategies multiply the space.${lossyPicked.length > 0 && !o.allowLossy ? ` ${lossyPicked.join(', ')}: lossy, listed as rejected unless allowed.` : ''}`;
  return (
    <>
      <Chips
        label="KV strategies to try"
        testId="kv-search-strategies"
        options={chips.map((c) => ({
          value: c.id,
          label: c.label,
          testId: `kv-search-${c.id}`,
          ...fidelityTag(c.fidelity),
        }))}
        selected={selected}
        onToggle={(id) => {
          const next = selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
          const choices = next
            .map((x) => choiceOf.get(x))
            .filter((x): x is string | KvStrategyInput => x !== undefined);
          setSearchOptions({
            kvStrategies: next.length === 0 || (next.length === 1 && next[0] === currentId) ? [] : choices,
          });
        }}
        note={note}
      />
      <Toggle
        label="Allow lossy strategies"
        checked={o.allowLossy}
        onChange={(v) => setSearchOptions({ allowLossy: v })}
        testId="allow-lossy"
        note="Approximate strategies (2–4-bit KV, eviction, sparse attention, lossy reuse) change outputs; off, the search lists them as rejected and never picks them."
      />
      <Toggle
        label="Allow near-lossless (fp8 / int8 KV)"
        checked={o.allowNearLossless}
        onChange={(v) => setSearchOptions({ allowNearLossless: v })}
        testId="allow-near-lossless"
      />
    </>
  );
}
