/**
 * Runtime & KV: the engine knobs of the selected plan (KV dtype, block size, memory utilisation,
 * batch limits, chunked prefill, prefix caching, CUDA graphs, scheduling), and which of them the
 * search may vary (KV dtypes, maxNumSeqs, chunk sizes, disaggregation, TP across nodes).
 */
import { KV_DTYPES } from '../../core/scenario/schema.ts';
import { useActions, useApp, useAppShallow } from '../../state/react.tsx';
import { kvStrategyName } from '../../core/views/kvStrategyUi.ts';
import { Chips, NumberField, ScenarioNumber, ScenarioToggle, Section, SelectField, Toggle } from './fields.tsx';
import { KvSearchKnobs, KvStrategyEditor } from './KvStrategyEditor.tsx';

const BLOCK_SIZES = [8, 16, 32, 64, 128] as const;
const SEQ_CHOICES = [32, 64, 128, 256, 512, 1024] as const;
const CHUNK_CHOICES = [2048, 4096, 8192, 16384, 32768] as const;

function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export function RuntimeEditor() {
  const runtime = useApp((s) => s.scenario.runtime);
  const kv = useApp((s) => s.scenario.precision.kvCache);
  const kvStrategy = useApp((s) => s.scenario.runtime.kvStrategy);
  const kvStrategiesVaried = useApp((s) => s.searchOptions.kvStrategies.length > 1);
  const utilError = useApp((s) => s.fieldErrors['runtime.gpuMemoryUtilization']);
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
      summary={`${kvStrategy?.quant ? '' : `${kv} KV · `}${kvStrategy ? `${kvStrategyName(kvStrategy)} · ` : ''}${runtime.maxNumSeqs} seqs${varied.length ? ` · varies ${varied.join(', ')}` : ''}`}
      testId="runtime-editor"
    >
      <div className="grid-2">
        <SelectField
          label="KV cache dtype"
          value={kv}
          options={KV_DTYPES.map((d) => ({ value: d, label: d }))}
          onChange={(v) => setField(['precision', 'kvCache'], v)}
          testId="kv-dtype"
          note={
            kvStrategy?.quant
              ? 'The strategy’s quantization sets the stored format (keep bf16 as its base).'
              : undefined
          }
        />
        <SelectField
          label="KV block size"
          hint="tokens"
          value={String(runtime.kvBlockSize)}
          options={[...new Set([...BLOCK_SIZES, runtime.kvBlockSize])]
            .sort((a, b) => a - b)
            .map((b) => ({ value: String(b), label: String(b) }))}
          onChange={(v) => setField(['runtime', 'kvBlockSize'], Number(v))}
        />
      </div>
      <div className="field">
        <label className="field__label" htmlFor="gpu-util">
          <span>GPU memory utilisation</span>
          <span className="field__hint">share of HBM</span>
        </label>
        <div className="range-row">
          <input
            id="gpu-util"
            type="range"
            min={0.5}
            max={0.98}
            step={0.01}
            value={runtime.gpuMemoryUtilization}
            aria-valuetext={`${Math.round(runtime.gpuMemoryUtilization * 100)} percent`}
            data-testid="gpu-util-slider"
            onChange={(e) => setField(['runtime', 'gpuMemoryUtilization'], Number(e.target.value))}
          />
          <NumberField
            label="GPU memory utilisation (number)"
            value={runtime.gpuMemoryUtilization}
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
        <ScenarioNumber
          path={['runtime', 'maxNumSeqs']}
          label="Max sequences"
          step={16}
          min={1}
          testId="max-num-seqs"
          title="maxNumSeqs: most sequences in one batch"
        />
        <ScenarioNumber
          path={['runtime', 'maxBatchedTokens']}
          label="Batched tokens"
          unit="tok"
          step={1024}
          min={16}
          title="maxBatchedTokens: most tokens per iteration (the prefill chunk size)"
        />
      </div>
      <ScenarioToggle
        path={['runtime', 'chunkedPrefill']}
        label="Chunked prefill"
        note="Split long prompts into max-batched-token chunks that share steps with decodes."
      />
      <ScenarioToggle path={['runtime', 'prefixCaching']} label="Prefix caching" />
      <ScenarioToggle path={['runtime', 'cudaGraphs']} label="CUDA graphs for decode" />
      <SelectField
        label="Scheduler priority"
        value={runtime.schedulerPolicy}
        options={[
          { value: 'decode-first', label: 'Decode first (vLLM default)' },
          { value: 'prefill-first', label: 'Prefill first' },
        ]}
        onChange={(v) => setField(['runtime', 'schedulerPolicy'], v)}
      />
      <KvStrategyEditor />
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
