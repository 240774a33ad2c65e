/** Saved scenarios: save the current one, open, rename, duplicate, delete, export all, import a file. */
import { useEffect, useId, useRef, useState } from 'react';
import { clusterGpus } from '../../core/views/planGpus.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { downloadText } from '../download.ts';
import { fmtDate } from '../format.ts';
import { IconAlert, IconDownload, IconUpload, IconX } from '../icons.tsx';
import { resolveModelSpec } from '../inputs/ModelEditor.tsx';

function defaultName(model: ReturnType<typeof resolveModelSpec>, gpus: number, gpu: string): string {
  return `${model.ok ? model.spec.name : 'Custom model'} on ${gpus}× ${gpu}`;
}

function Item({ id, name, savedAt, summary }: { id: string; name: string; savedAt: string; summary: string }) {
  const { openSaved, renameSaved, duplicateSaved, deleteSaved, setSavedOpen } = useActions();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(name);
  const [confirm, setConfirm] = useState(false);
  const inputId = useId();
  return (
    <li className="saved-item" data-testid="saved-item">
      {editing ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (renameSaved(id, text)) setEditing(false);
          }}
        >
          <label htmlFor={inputId} className="visually-hidden">
            New name
          </label>
          <input
            id={inputId}
            className="input"
            value={text}
            maxLength={200}
            autoFocus
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="btn btn--sm btn--primary">
            Save
          </button>
          <button type="button" className="btn btn--sm" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div className="saved-item__top">
          <span className="saved-item__name" title={name}>
            {name}
          </span>
        </div>
      )}
      <div className="saved-item__meta">
        {summary} · saved {fmtDate(savedAt)}
      </div>
      <div className="saved-item__actions">
        <button
          type="button"
          className="btn btn--sm btn--primary"
          onClick={() => {
            if (openSaved(id)) setSavedOpen(false);
          }}
        >
          Open
        </button>
        <button
          type="button"
          className="btn btn--sm"
          onClick={() => {
            setText(name);
            setEditing(true);
          }}
        >
          Rename
        </button>
        <button type="button" className="btn btn--sm" onClick={() => duplicateSaved(id)}>
          Duplicate
        </button>
        {confirm ? (
          <>
            <button type="button" className="btn btn--sm btn--danger" onClick={() => deleteSaved(id)}>
              Delete “{name.length > 18 ? `${name.slice(0, 18)}…` : name}”
            </button>
            <button type="button" className="btn btn--sm" onClick={() => setConfirm(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="btn btn--sm btn--danger" onClick={() => setConfirm(true)}>
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

export function SavedPanel() {
  const open = useApp((s) => s.view.savedOpen);
  const items = useApp((s) => s.saved.items);
  const messages = useApp((s) => s.saved.messages);
  const scenario = useApp((s) => s.scenario);
  const { setSavedOpen, saveCurrent, importSaved, exportSaved, dismissSavedMessages } = useActions();
  const suggested = defaultName(resolveModelSpec(scenario.model), clusterGpus(scenario.cluster), scenario.cluster.gpu);
  const [name, setName] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const nameId = useId();
  const panelRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    panelRef.current?.querySelector<HTMLInputElement>('input')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setSavedOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, setSavedOpen]);

  if (!open) return null;
  return (
    <>
      <div className="drawer-backdrop" onClick={() => setSavedOpen(false)} aria-hidden="true" />
      <div
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${nameId}-title`}
        id="saved-panel"
        data-testid="saved-panel"
        ref={panelRef}
      >
        <div className="drawer__head">
          <h2 className="panel__title" id={`${nameId}-title`}>
            Saved scenarios
          </h2>
          <span className="spacer" />
          <button
            type="button"
            className="btn btn--sm btn--ghost btn--icon"
            aria-label="Close saved scenarios"
            onClick={() => setSavedOpen(false)}
          >
            <IconX />
          </button>
        </div>
        <div className="drawer__body">
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              if (saveCurrent(name.trim() || suggested)) {
                setName('');
                setNote('Saved in this browser.');
              }
            }}
          >
            <label className="field__label" htmlFor={nameId}>
              Save the current scenario as
            </label>
            <div className="row">
              <input
                id={nameId}
                className="input"
                value={name}
                placeholder={suggested}
                maxLength={200}
                onChange={(e) => setName(e.target.value)}
                data-testid="saved-name"
              />
              <button type="submit" className="btn btn--primary" data-testid="save-scenario">
                Save
              </button>
            </div>
            {note && <div className="field__note">{note}</div>}
          </form>
          {messages.length > 0 && (
            <div className="callout callout--warn" role="alert">
              <IconAlert />
              <div className="stack">
                <ul>
                  {messages.map((m, i) => (
                    <li key={i}>{m}</li>
                  ))}
                </ul>
                <button type="button" className="btn btn--sm" onClick={dismissSavedMessages}>
                  Dismiss
                </button>
              </div>
            </div>
          )}
          {items.length === 0 ? (
            <div className="empty">
              <h3>Nothing saved yet</h3>
              <p>
                Save the scenario you are working on to come back to it, or import a library file exported from ParaKV.
              </p>
            </div>
          ) : (
            <ul className="saved-list">
              {items.map((it) => {
                const spec = resolveModelSpec(it.scenario.model);
                const c = it.scenario.cluster;
                return (
                  <Item
                    key={it.id}
                    id={it.id}
                    name={it.name}
                    savedAt={it.savedAt}
                    summary={`${spec.ok ? spec.spec.name : 'custom model'} · ${c.nodes}×${c.gpusPerNode} ${c.gpu}`}
                  />
                );
              })}
            </ul>
          )}
          <div className="row row--wrap">
            <button
              type="button"
              className="btn btn--sm"
              disabled={items.length === 0}
              onClick={() => downloadText('parakv-scenarios.json', exportSaved(), 'application/json')}
            >
              <IconDownload /> Export all
            </button>
            <label className="btn btn--sm">
              <IconUpload /> Import file…
              <input
                type="file"
                accept=".json,application/json"
                className="visually-hidden"
                data-testid="import-saved"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  e.target.value = '';
                  if (!f) return;
                  f.text().then(
                    (text) => {
                      const r = importSaved(text);
                      setNote(
                        r.added > 0
                          ? `Imported ${r.added} scenario${r.added === 1 ? '' : 's'}${r.errors.length ? `; ${r.errors.length} could not be read (see above)` : ''}.`
                          : 'Nothing imported (see above).',
                      );
                    },
                    (err: unknown) =>
                      setNote(`Could not read ${f.name}: ${err instanceof Error ? err.message : String(err)}`),
                  );
                }}
              />
            </label>
          </div>
          <p className="caption">
            Stored in this browser only (localStorage). Export to keep a copy or move it to another machine; share a
            single scenario with Copy link.
          </p>
        </div>
      </div>
    </>
  );
}
