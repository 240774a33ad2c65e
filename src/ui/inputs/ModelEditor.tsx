/**
 * Model: a searchable catalog picker with the facts that matter for serving (params, layers, heads,
 * MoE and MLA shape, KV bytes per token at the chosen KV dtype), Hugging Face config.json import by
 * paste, file or drop, and the weight/activation precision.
 */
import { useDeferredValue, useId, useMemo, useState, type DragEvent, type KeyboardEvent } from 'react';
import { nextActiveIndex } from './listNav.ts';
import { bytesPerElement } from '../../core/hardware/dtype.ts';
import { MODELS, getModel } from '../../core/model/catalog.ts';
import { fromHfConfig, ModelImportError, parseHfConfigText } from '../../core/model/hf.ts';
import { importedModelName } from '../../core/model/import-name.ts';
import { countParams, kvBytesPerToken } from '../../core/model/params.ts';
import type { ModelSpec } from '../../core/model/types.ts';
import { ACTIVATION_DTYPES, WEIGHT_DTYPES, type Scenario } from '../../core/scenario/schema.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { fmtBytes, fmtInt, fmtParams } from '../format.ts';
import { useEngineError } from '../hooks.ts';
import { untrustedOps } from '../../state/untrusted.ts';
import { IconChevron, IconUpload } from '../icons.tsx';
import { Section, SelectField } from './fields.tsx';
import { humanizeFieldError } from '../../core/scenario/field-labels.ts';

type Resolved = { ok: true; spec: ModelSpec } | { ok: false; message: string };

const customCache = new WeakMap<object, Resolved>();

export function resolveModelSpec(model: Scenario['model']): Resolved {
  if (typeof model === 'string') {
    const spec = getModel(model);
    return spec ? { ok: true, spec } : { ok: false, message: `Unknown model “${model}”: pick one from the catalog.` };
  }
  const hit = customCache.get(model);
  if (hit) return hit;
  let out: Resolved;
  try {
    out = { ok: true, spec: fromHfConfig(model.hf, { id: 'custom', name: model.name }) };
  } catch (e) {
    out = { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  customCache.set(model, out);
  return out;
}

const PARAMS = new Map(MODELS.map((m) => [m.id, countParams(m)]));

function tags(m: ModelSpec): string[] {
  const t: string[] = [];
  if (m.moe) t.push('MoE');
  if (m.attention.kind === 'mla') t.push('MLA');
  else if (m.attention.numKvHeads === 1) t.push('MQA');
  else if (m.attention.numKvHeads < m.attention.numHeads) t.push('GQA');
  else t.push('MHA');
  if (m.slidingWindow !== null) t.push('SWA');
  return t;
}

function ModelFacts({ spec, kvDtype }: { spec: ModelSpec; kvDtype: Scenario['precision']['kvCache'] }) {
  const p = useMemo(() => PARAMS.get(spec.id) ?? countParams(spec), [spec]);
  const kvBytesPerTok = kvBytesPerToken(spec, bytesPerElement(kvDtype));
  const a = spec.attention;
  return (
    <dl className="facts" data-testid="model-facts">
      <div className="facts__title">
        {spec.name}
        {tags(spec).map((t) => (
          <span key={t} className="badge badge--accent">
            {t}
          </span>
        ))}
      </div>
      <dt>Parameters</dt>
      <dd>
        {spec.moe
          ? `${fmtParams(p.totalParams)} total · ${fmtParams(p.activeParams)} active`
          : fmtParams(p.totalParams)}
      </dd>
      <dt>Layers · hidden</dt>
      <dd>
        {spec.layers.length} · {fmtInt(spec.hiddenSize)}
      </dd>
      <dt>Heads · KV heads</dt>
      <dd>{a.kind === 'mla' ? `${a.numHeads} · latent (MLA)` : `${a.numHeads} · ${a.numKvHeads} × ${a.headDim}`}</dd>
      {a.kind === 'mla' && (
        <>
          <dt>MLA latent</dt>
          <dd>
            kv rank {a.kvLoraRank} + rope {a.qkRopeHeadDim}
            {a.qLoraRank !== null ? ` · q rank ${a.qLoraRank}` : ''}
          </dd>
        </>
      )}
      {spec.moe && (
        <>
          <dt>Experts</dt>
          <dd>
            {spec.moe.numExperts} routed, top-{spec.moe.topK}
            {spec.moe.numSharedExperts > 0 ? ` + ${spec.moe.numSharedExperts} shared` : ''}
          </dd>
        </>
      )}
      {spec.slidingWindow !== null && (
        <>
          <dt>Sliding window</dt>
          <dd>{fmtInt(spec.slidingWindow)} tokens</dd>
        </>
      )}
      <dt>KV cache / token</dt>
      <dd>
        {fmtBytes(kvBytesPerTok)} <span className="field__hint">({kvDtype})</span>
      </dd>
      <dt>Context window</dt>
      <dd>{fmtInt(spec.maxContextTokens)} tokens</dd>
      {spec.hfId && <dd className="source facts__full">{spec.hfId}</dd>}
    </dl>
  );
}

/** A dropped config.json larger than this is refused (real ones are a few kB). */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/** An import failure in words: the field it names (unless it is the whole config) and the reason. */
function importErrorText(e: { name: string; field: string | null; message: string }): string {
  if (e.name !== 'ModelImportError' || e.field === null || e.field === 'config') return e.message;
  return `Field “${e.field}”: ${e.message.replace(`${e.field}: `, '')}`;
}

function ConfigImport() {
  const { setModelOrCluster } = useActions();
  // Empty: the name comes from the file or the config (core/model/import-name.ts) unless one is typed.
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [drag, setDrag] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const id = useId();

  const importText = async (raw: string, fileName?: string) => {
    setDone(null);
    const ops = untrustedOps();
    if (ops) {
      // In the app: parsed and checked in a worker with a time limit, so a hostile file never freezes the tab.
      const r = await ops.importConfig(raw, name.trim() || 'Imported model');
      if (!r.ok) {
        setError(importErrorText(r.error));
        return;
      }
      const label = importedModelName(r.value.config, fileName, name);
      setModelOrCluster({ model: { name: label, hf: r.value.config } });
      setError(null);
      setDone(`Imported ${label}: ${r.value.layers} layers, ${r.value.heads} heads.`);
      return;
    }
    try {
      const config = parseHfConfigText(raw);
      const label = importedModelName(config, fileName, name);
      const spec = fromHfConfig(config, { id: 'custom', name: label });
      if (config === null || typeof config !== 'object' || Array.isArray(config))
        throw new ModelImportError('config', 'expected a JSON object');
      setModelOrCluster({ model: { name: label, hf: config as Record<string, unknown> } });
      setError(null);
      setDone(`Imported ${spec.name}: ${spec.layers.length} layers, ${spec.attention.numHeads} heads.`);
    } catch (e) {
      setError(
        importErrorText(
          e instanceof ModelImportError
            ? e
            : { name: 'Error', field: null, message: e instanceof Error ? e.message : String(e) },
        ),
      );
    }
  };

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setDrag(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    if (file.size > MAX_CONFIG_BYTES) {
      setError('That file is larger than 4 MB; a config.json is a few kB.');
      return;
    }
    const t = await file.text();
    setText(t);
    void importText(t, file.name);
  };

  return (
    <details className="disclosure">
      <summary>
        <IconChevron /> Import a Hugging Face config.json
      </summary>
      <div
        className={`disclosure__body dropzone${drag ? ' dropzone--active' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDrag(true);
        }}
        onDragLeave={() => setDrag(false)}
        onDrop={(e) => void onDrop(e)}
      >
        <div className="field">
          <label className="field__label" htmlFor={`${id}-name`}>
            Name
          </label>
          <input
            id={`${id}-name`}
            className="input"
            value={name}
            maxLength={200}
            placeholder="from the file name or the config"
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={`${id}-text`}>
            <span>config.json</span>
            <span className="field__hint">paste, or drop a file here</span>
          </label>
          <textarea
            id={`${id}-text`}
            className={`textarea${error ? ' input--invalid' : ''}`}
            value={text}
            spellCheck={false}
            placeholder={'{ "architectures": ["LlamaForCausalLM"], "hidden_size": 4096, … }'}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-err` : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          {error && (
            <div className="field__error" id={`${id}-err`} role="alert">
              {humanizeFieldError(error)}
            </div>
          )}
          {done && <div className="field__note">{done}</div>}
        </div>
        <div className="row">
          <button
            type="button"
            className="btn btn--sm btn--primary"
            disabled={text.trim() === ''}
            onClick={() => void importText(text)}
          >
            Use this config
          </button>
          <label className="btn btn--sm">
            <IconUpload /> Choose file…
            <input
              type="file"
              accept=".json,application/json"
              className="visually-hidden"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (!f) return;
                f.text().then(
                  (t) => {
                    setText(t);
                    void importText(t, f.name);
                  },
                  (err: unknown) =>
                    setError(`Could not read ${f.name}: ${err instanceof Error ? err.message : String(err)}`),
                );
              }}
            />
          </label>
        </div>
      </div>
    </details>
  );
}

export function ModelEditor() {
  const model = useApp((s) => s.scenario.model);
  const precision = useApp((s) => s.scenario.precision);
  const modelError = useApp((s) => s.fieldErrors['model']);
  const { setModelOrCluster, setField } = useActions();
  const [query, setQuery] = useState('');
  const q = useDeferredValue(query.trim().toLowerCase());
  const list = useMemo(
    () =>
      MODELS.filter(
        (m) =>
          q === '' ||
          `${m.name} ${m.family ?? ''} ${m.id} ${m.hfId ?? ''} ${tags(m).join(' ')}`.toLowerCase().includes(q),
      ),
    [q],
  );
  const resolved = resolveModelSpec(model);
  const engineError = useEngineError();
  const selectedId = typeof model === 'string' ? model : null;
  const id = useId();
  // The option the arrow keys point at (combobox pattern: focus stays in the search field).
  const [active, setActive] = useState(-1);
  const activeModel = active >= 0 && active < list.length ? list[active] : undefined;
  const optionId = (mid: string) => `${id}-opt-${mid.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const onSearchKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      if (!activeModel) return;
      e.preventDefault();
      setModelOrCluster({ model: activeModel.id });
      return;
    }
    if (e.key === 'Escape') {
      setActive(-1);
      return;
    }
    const next = nextActiveIndex(active, e.key, list.length);
    if (next === null || ((e.key === 'Home' || e.key === 'End') && !activeModel)) return;
    e.preventDefault();
    setActive(next);
    const m = list[next];
    if (m) document.getElementById(optionId(m.id))?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <Section title="Model" summary={resolved.ok ? resolved.spec.name : 'invalid'} testId="model-editor">
      <div className="field">
        <label className="field__label" htmlFor={`${id}-q`}>
          <span>Catalog</span>
          <span className="field__hint">{MODELS.length} models</span>
        </label>
        <div className="picker">
          <input
            id={`${id}-q`}
            className="input"
            type="search"
            placeholder="Search: llama, moe, deepseek…"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setActive(-1);
            }}
            onKeyDown={onSearchKey}
            role="combobox"
            aria-expanded="true"
            aria-autocomplete="list"
            aria-controls={`${id}-list`}
            aria-activedescendant={activeModel ? optionId(activeModel.id) : undefined}
            data-testid="model-search"
          />
          <ul className="picker__list" id={`${id}-list`} role="listbox" aria-label="Models">
            {list.map((m) => (
              <li key={m.id} role="presentation">
                <button
                  type="button"
                  role="option"
                  id={optionId(m.id)}
                  tabIndex={-1}
                  aria-selected={m.id === selectedId}
                  className={`picker__item${activeModel?.id === m.id ? ' picker__item--active' : ''}`}
                  data-testid={`model-${m.id}`}
                  onClick={() => setModelOrCluster({ model: m.id })}
                >
                  {m.name}
                  <span className="meta">
                    {fmtParams(PARAMS.get(m.id)?.totalParams ?? 0)}
                    {m.moe ? ` · ${fmtParams(PARAMS.get(m.id)?.activeParams ?? 0)} act` : ''}
                  </span>
                </button>
              </li>
            ))}
            {list.length === 0 && (
              <li className="picker__empty">No catalog model matches “{query}”. Import its config.json below.</li>
            )}
          </ul>
        </div>
        {modelError && (
          <div className="field__error" role="alert">
            {humanizeFieldError(modelError)}
          </div>
        )}
      </div>
      {resolved.ok ? (
        <ModelFacts spec={resolved.spec} kvDtype={precision.kvCache} />
      ) : (
        <div className="field__error" role="alert">
          {humanizeFieldError(resolved.message)}
        </div>
      )}
      {typeof model !== 'string' && (
        <div className="field__note">
          Using an imported config.json (“{model.name}”). Pick a catalog model to switch back.
        </div>
      )}
      <ConfigImport />
      <div className="grid-2">
        <SelectField
          label="Weights"
          hint="dtype"
          value={precision.weights}
          options={WEIGHT_DTYPES.map((d) => ({ value: d, label: d }))}
          onChange={(v) => setField(['precision', 'weights'], v)}
          error={engineError('precision.weights')}
        />
        <SelectField
          label="Activations"
          hint="dtype"
          value={precision.activations}
          options={ACTIVATION_DTYPES.map((d) => ({ value: d, label: d }))}
          onChange={(v) => setField(['precision', 'activations'], v)}
          error={engineError('precision.activations')}
        />
      </div>
    </Section>
  );
}
