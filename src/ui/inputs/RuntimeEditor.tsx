/**
 * Runtime & KV: the serving engine (engine + version picker) and its knobs for the selected plan (KV
 * dtype, block size, memory fraction, batch limits, chunked prefill, prefill/decode mixing, prefix
 * caching, overlap scheduling, CUDA graphs, preemption), each marked when it is the engine's default,
 * and which of them the search may vary (KV dtypes, maxNumSeqs, chunk sizes, disaggregation, TP
 * across nodes). Values come from the resolved runtime (core/views/engineUi); edits write the scenario.
 */
import { KV_DTYPES, PREEMPTION_MODES } from '../../core/scenario/schema.ts';
import { ENGINE_LABELS, type KnobName } from '../../core/engine/profiles.ts';
import type { ResolvedRuntime } from '../../core/engine/resolve.ts';
import { engineChoices, runtimeView, runtimeWithEngineDefaults } from '../../core/views/engineUi.ts';
import { useActions, useApp, useAppShallow } from '../../state/react.tsx';
import { kvStrategyName } from '../../core/views/kvStrategyUi.ts';
import { Chips, NumberField, Section, SelectField, Toggle } from './fields.tsx';
import { KvSearchKnobs, KvStrategyEditor } from './KvStrategyEditor.tsx';
import { SpeculativeEditor } from './SpeculativeEditor.tsx';

const BLOCK_SIZES = [8, 16, 32, 64, 128] as const;
const SEQ_CHOICES = [32, 64, 128, 256, 512, 1024] as const;
const CHUNK_CHOICES = [2048, 4096, 8192, 16384, 32768] as const;

function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

const DEFAULT_TAG = 'engine default';

/** Engine + version picker and the engine knobs; values are the resolved runtime (core/views/engineUi). */
function EngineKnobs() {
  const scenario = useApp((s) => s.scenario);
  const seqsError = useApp((s) => s.fieldErrors['runtime.maxNumSeqs']);
  const tokensError = useApp((s) => s.fieldErrors['runtime.maxBatchedTokens']);
  const graphError = useApp((s) => s.fieldErrors['runtime.cudaGraphMaxBatch']);
  const utilError = useApp((s) => s.fieldErrors['runtime.gpuMemoryUtilization']);
  const { setField } = useActions();
  const { rt, isDefault, summary } = runtimeView(scenario);
  const choice = engineChoices(rt.engine.name);
  const tag = (k: KnobName) => (isDefault(k) ? DEFAULT_TAG : undefined);
  const label = (text: string, k: KnobName) => (isDefault(k) ? `${text} (${DEFAULT_TAG})` : text);
  const version = scenario.runtime.engine?.version ?? '';
  return (
    <>
      <div className="grid-2">
        <SelectField
          label="Serving engine"
          value={rt.engine.name}
          options={choice.engines}
          onChange={(v) => setField(['runtime', 'engine'], { name: v })}
          testId="engine-name"
        />
        <SelectField
          label="Engine version"
          value={choice.versions.some((o) => o.value === version) ? version : ''}
          options={choice.versions}
          onChange={(v) =>
            setField(['runtime', 'engine'], v ? { name: rt.engine.name, version: v } : { name: rt.engine.name })
          }
          testId="engine-version"
          note={[summary, ...rt.engine.warnings].join(' — ')}
        />
      </div>
      {rt.fromEngine.length < 12 && (
        <button
          type="button"
          className="btn btn--sm"
          data-testid="engine-defaults"
          title={`Clear the knobs set by hand, so ${rt.engine.profile} fills every one`}
          onClick={() => setField(['runtime'], runtimeWithEngineDefaults(scenario.runtime))}
        >
          Use engine defaults for every knob
        </button>
      )}
      <SelectField
        label="KV block size"
        hint={tag('kvBlockSize') ?? 'tokens'}
        value={String(rt.kvBlockSize)}
        options={[...new Set([1, ...BLOCK_SIZES, rt.kvBlockSize])]
          .sort((a, b) => a - b)
          .map((b) => ({ value: String(b), label: String(b) }))}
        onChange={(v) => setField(['runtime', 'kvBlockSize'], Number(v))}
      />
      <div className="field">
        <label className="field__label" htmlFor="gpu-util">
          <span>GPU memory fraction</span>
          <span className="field__hint">
            {MEMORY_MEANING[rt.memorySemantics]}
            {isDefault('gpuMemoryUtilization') ? ` · ${DEFAULT_TAG}` : ''}
          </span>
        </label>
        <div className="range-row">
          <input
            id="gpu-util"
            type="range"
            min={0.5}
            max={0.98}
            step={0.01}
            value={rt.gpuMemoryUtilization}
            aria-valuetext={`${Math.round(rt.gpuMemoryUtilization * 100)} percent`}
            data-testid="gpu-util-slider"
            onChange={(e) => setField(['runtime', 'gpuMemoryUtilization'], Number(e.target.value))}
          />
          <NumberField
            label="GPU memory utilisation (number)"
            value={rt.gpuMemoryUtilization}
            onCommit={(v) => setField(['runtime', 'gpuMemoryUtilization'], v)}
            step={0.01}
            min={0.05}
            max={0.99}
            error={utilError}
            compact
          />
        </div>
      </div>
      <div className="grid-2">
        <NumberField
          label="Max sequences"
          hint={tag('maxNumSeqs')}
          value={rt.maxNumSeqs}
          onCommit={(v) => setField(['runtime', 'maxNumSeqs'], v)}
          error={seqsError}
          step={16}
          min={1}
          testId="max-num-seqs"
          title="maxNumSeqs: most sequences in one batch"
        />
        <NumberField
          label="Batched tokens"
          hint={tag('maxBatchedTokens')}
          unit="tok"
          value={rt.maxBatchedTokens}
          onCommit={(v) => setField(['runtime', 'maxBatchedTokens'], v)}
          error={tokensError}
          step={1024}
          min={16}
          title="maxBatchedTokens: most tokens per iteration (the prefill chunk size)"
        />
      </div>
      <Toggle
        label={label('Chunked prefill', 'chunkedPrefill')}
        checked={rt.chunkedPrefill}
        onChange={(v) => setField(['runtime', 'chunkedPrefill'], v)}
        note="Split long prompts into batched-token chunks."
      />
      <Toggle
        label={label('Prefill and decode share a step', 'mixedPrefillDecode')}
        checked={rt.mixedPrefillDecode}
        onChange={(v) => setField(['runtime', 'mixedPrefillDecode'], v)}
        note="Off: prefill batches run alone and decodes wait (SGLang without --enable-mixed-chunk)."
      />
      <Toggle
        label={label('Prefix caching', 'prefixCaching')}
        checked={rt.prefixCaching}
        onChange={(v) => setField(['runtime', 'prefixCaching'], v)}
      />
      <Toggle
        label={label('Overlap / async scheduling', 'overlapScheduling')}
        checked={rt.overlapScheduling}
        onChange={(v) => setField(['runtime', 'overlapScheduling'], v)}
        note="Host work of one step hides behind the GPU work of the next."
      />
      <Toggle
        label={label('CUDA graphs for decode', 'cudaGraphs')}
        checked={rt.cudaGraphs}
        onChange={(v) => setField(['runtime', 'cudaGraphs'], v)}
      />
      <div className="grid-2">
        <NumberField
          label="CUDA-graph max batch"
          hint={tag('cudaGraphMaxBatch')}
          value={rt.cudaGraphMaxBatch}
          onCommit={(v) => setField(['runtime', 'cudaGraphMaxBatch'], v)}
          error={graphError}
          step={8}
          min={1}
        />
        <SelectField
          label="When KV runs out"
          hint={tag('preemption')}
          value={rt.preemption}
          options={PREEMPTION_MODES.map((m) => ({ value: m, label: PREEMPTION_LABEL[m] }))}
          onChange={(v) => setField(['runtime', 'preemption'], v)}
        />
      </div>
    </>
  );
}

const MEMORY_MEANING: Record<ResolvedRuntime['memorySemantics'], string> = {
  'share-of-total': 'share of total HBM',
  'weights-and-kv': 'weights + KV pool share of HBM',
  'share-of-free': 'share of memory free after weights',
};

const PREEMPTION_LABEL: Record<(typeof PREEMPTION_MODES)[number], string> = {
  recompute: 'Preempt, recompute later',
  swap: 'Preempt, swap to host',
  retract: 'Retract (SGLang)',
  reserve: 'Reserve to completion (no eviction)',
};

export function RuntimeEditor() {
  const scenario = useApp((s) => s.scenario);
  const { rt: runtime } = runtimeView(scenario);
  const kv = useApp((s) => s.scenario.precision.kvCache);
  const kvStrategy = useApp((s) => s.scenario.runtime.kvStrategy);
  const kvStrategiesVaried = useApp((s) => s.searchOptions.kvStrategies.length > 1);
  const opts = useAppShallow((s) => ({
    kvDtypes: s.searchOptions.kvDtypes,
    maxNumSeqs: s.searchOptions.maxNumSeqs,
    maxBatchedTokens: s.searchOptions.maxBatchedTokens,
    allowDisaggregation: s.searchOptions.allowDisaggregation,
    allowTpAcrossNodes: s.searchOptions.allowTpAcrossNodes,
    replicas: s.searchOptions.replicas,
  }));
  const { setField, setSearchOptions } = useActions();
  const varied = [
    kvStrategiesVaried && 'KV strategy',
    opts.kvDtypes.length > 1 && 'KV dtype',
    opts.maxNumSeqs.length > 1 && 'seqs',
    opts.maxBatchedTokens.length > 1 && 'chunk',
  ].filter(Boolean);

  return (
    <Section
      title="Runtime & KV"
      summary={`${ENGINE_LABELS[runtime.engine.name]} · ${kvStrategy?.quant ? '' : `${kv} KV · `}${kvStrategy ? `${kvStrategyName(kvStrategy)} · ` : ''}${runtime.maxNumSeqs} seqs${varied.length ? ` · varies ${varied.join(', ')}` : ''}`}
      testId="runtime-editor"
    >
      <SelectField
        label="KV cache dtype"
        value={kv}
        options={KV_DTYPES.map((d) => ({ value: d, label: d }))}
        onChange={(v) => setField(['precision', 'kvCache'], v)}
        testId="kv-dtype"
        note={
          kvStrategy?.quant ? 'The strategy’s quantization sets the stored format (keep bf16 as its base).' : undefined
        }
      />
      <EngineKnobs />
      <KvStrategyEditor />
      <SpeculativeEditor />
      <h3 className="subhead">The search may vary</h3>
      <Chips
        label="KV dtypes to try"
        options={KV_DTYPES.map((d) => ({ value: d, label: d }))}
        selected={opts.kvDtypes.length > 0 ? opts.kvDtypes : [kv]}
        onToggle={(d) => {
          const base = opts.kvDtypes.length > 0 ? opts.kvDtypes : [kv];
          const next = toggle(base, d);
          setSearchOptions({ kvDtypes: next.length === 0 || (next.length === 1 && next[0] === kv) ? [] : next });
        }}
        note={
          opts.kvDtypes.length > 1
            ? `${opts.kvDtypes.length} KV dtypes multiply the space.`
            : 'Only the selected KV dtype.'
        }
      />
      <KvSearchKnobs />
      <Chips
        label="Max sequences to try"
        options={[...new Set([...SEQ_CHOICES, runtime.maxNumSeqs])]
          .sort((a, b) => a - b)
          .map((n) => ({ value: n, label: String(n) }))}
        selected={opts.maxNumSeqs.length > 0 ? opts.maxNumSeqs : [runtime.maxNumSeqs]}
        onToggle={(n) => {
          const base = opts.maxNumSeqs.length > 0 ? opts.maxNumSeqs : [runtime.maxNumSeqs];
          const next = toggle(base, n);
          setSearchOptions({
            maxNumSeqs: next.length === 0 || (next.length === 1 && next[0] === runtime.maxNumSeqs) ? [] : next,
          });
        }}
      />
      <Chips
        label="Chunk sizes to try"
        options={[...new Set([...CHUNK_CHOICES, runtime.maxBatchedTokens])]
          .sort((a, b) => a - b)
          .map((n) => ({ value: n, label: n >= 1024 ? `${n / 1024}k` : String(n) }))}
        selected={opts.maxBatchedTokens.length > 0 ? opts.maxBatchedTokens : [runtime.maxBatchedTokens]}
        onToggle={(n) => {
          const base = opts.maxBatchedTokens.length > 0 ? opts.maxBatchedTokens : [runtime.maxBatchedTokens];
          const next = toggle(base, n);
          setSearchOptions({
            maxBatchedTokens:
              next.length === 0 || (next.length === 1 && next[0] === runtime.maxBatchedTokens) ? [] : next,
          });
        }}
      />
      <Toggle
        label="Prefill/decode disaggregation"
        checked={opts.allowDisaggregation}
        onChange={(v) => setSearchOptions({ allowDisaggregation: v })}
        note="Also try separate prefill and decode pools."
        testId="allow-disagg"
      />
      <Toggle
        label="Allow TP across NVLink domains"
        checked={opts.allowTpAcrossNodes}
        onChange={(v) => setSearchOptions({ allowTpAcrossNodes: v })}
      />
      <SelectField
        label="Replica counts"
        value={opts.replicas}
        options={[
          { value: 'all', label: 'Every count (can use fewer GPUs)' },
          { value: 'max', label: 'Only the most that fit' },
        ]}
        onChange={(v) => setSearchOptions({ replicas: v })}
      />
    </Section>
  );
}
