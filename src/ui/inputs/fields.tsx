/**
 * Labelled form controls. Every control has a <label>, shows its unit, and shows the schema's
 * message next to it when an edit was rejected (the store keeps the last valid value; the input
 * keeps what the person typed until it is fixed).
 */
import { useId, useState, type ReactNode } from 'react';
import { getIn, pathKey, type FieldPath } from '../../state/paths.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { IconChevron } from '../icons.tsx';
import { humanizeFieldError } from '../../core/scenario/field-labels.ts';

export function Section({
  title,
  summary,
  children,
  defaultOpen = true,
  testId,
}: {
  title: string;
  summary?: ReactNode;
  children: ReactNode;
  defaultOpen?: boolean;
  testId?: string;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const id = useId();
  return (
    <section className="section" data-testid={testId} aria-labelledby={`${id}-h`}>
      <h2 className="visually-hidden" id={`${id}-h`}>
        {title}
      </h2>
      <button
        type="button"
        className="section__toggle"
        aria-expanded={open}
        aria-controls={`${id}-b`}
        onClick={() => setOpen(!open)}
      >
        <IconChevron />
        {title}
        {summary !== undefined && <span className="section__summary">{summary}</span>}
      </button>
      <div className="section__body" id={`${id}-b`} hidden={!open}>
        {children}
      </div>
    </section>
  );
}

export interface NumberFieldProps {
  label: string;
  value: number | undefined;
  onCommit: (v: number | undefined) => void;
  /** Message from the store for a rejected edit. */
  error?: string | undefined;
  unit?: string;
  hint?: ReactNode;
  note?: ReactNode;
  placeholder?: string;
  /** Empty input clears the value (onCommit(undefined)) instead of being an error. */
  optional?: boolean;
  step?: number | 'any';
  min?: number;
  max?: number;
  testId?: string;
  /** Marks a value that overrides a default (e.g. a catalog figure). */
  overridden?: boolean;
  title?: string;
  compact?: boolean;
  /** Mark the input invalid without a message of its own (the message is shown elsewhere). */
  invalid?: boolean;
}

const show = (v: number | undefined) => (v === undefined ? '' : String(v));

export function NumberField(p: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(show(p.value));
  const [local, setLocal] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const [prev, setPrev] = useState(p.value);
  /** The last value this input sent to the store (to tell its own echo from an external change). */
  const [sent, setSent] = useState<number | undefined | null>(null);
  // Follow external changes (back/forward, links, presets); keep the typed text while its own edit echoes back.
  if (p.value !== prev) {
    setPrev(p.value);
    if (!focused || p.value !== sent) {
      setText(show(p.value));
      setLocal(null);
      setSent(null);
    }
  }
  const commit = (v: number | undefined) => {
    setSent(v);
    p.onCommit(v);
  };
  const error = local ?? p.error;
  const onChange = (t: string) => {
    setText(t);
    const trimmed = t.trim();
    if (trimmed === '') {
      if (p.optional) {
        setLocal(null);
        commit(undefined);
      } else setLocal(`${p.label} is required`);
      return;
    }
    const n = Number(trimmed);
    if (!Number.isFinite(n)) {
      setLocal(`${p.label} must be a number`);
      return;
    }
    setLocal(null);
    commit(n);
  };
  return (
    <div className="field">
      <label className={p.compact ? 'visually-hidden' : 'field__label'} htmlFor={id}>
        <span>{p.label}</span>
        {p.hint && <span className="field__hint">{p.hint}</span>}
      </label>
      <div className="field__control">
        <input
          id={id}
          className={`input num${error || p.invalid ? ' input--invalid' : ''}${p.overridden ? ' input--overridden' : ''}`}
          type="text"
          inputMode="decimal"
          value={text}
          placeholder={p.placeholder}
          title={p.title}
          aria-invalid={error || p.invalid ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
          data-testid={p.testId}
          onChange={(e) => onChange(e.target.value)}
          onFocus={() => setFocused(true)}
          onBlur={() => {
            setFocused(false);
            if (!error) setText(show(p.value));
          }}
          onKeyDown={(e) => {
            const step = typeof p.step === 'number' ? p.step : 1;
            if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && p.value !== undefined && p.step !== 'any') {
              e.preventDefault();
              const next = p.value + (e.key === 'ArrowUp' ? step : -step);
              const clamped = Math.min(p.max ?? Infinity, Math.max(p.min ?? -Infinity, next));
              setText(String(clamped));
              setLocal(null);
              commit(clamped);
            }
          }}
        />
        {p.unit && <span className="unit">{p.unit}</span>}
      </div>
      {error ? (
        <div className="field__error" id={`${id}-err`} role="alert">
          {humanizeFieldError(error)}
        </div>
      ) : (
        p.note && <div className="field__note">{p.note}</div>
      )}
    </div>
  );
}

/** A number field bound to a scenario path. */
export function ScenarioNumber({
  path,
  keepPlanValid,
  engineError,
  ...rest
}: Omit<NumberFieldProps, 'value' | 'onCommit' | 'error'> & {
  path: FieldPath;
  keepPlanValid?: 'model' | 'cluster';
  engineError?: string | undefined;
}) {
  const value = useApp((s) => getIn(s.scenario, path));
  const error = useApp((s) => s.fieldErrors[pathKey(path)]);
  const { setField } = useActions();
  return (
    <NumberField
      {...rest}
      value={typeof value === 'number' ? value : undefined}
      error={error ?? engineError}
      onCommit={(v) => setField(path, v, keepPlanValid ? { keepPlanValid } : undefined)}
    />
  );
}

export interface SelectFieldProps<T extends string> {
  label: string;
  value: T;
  options: readonly { value: T; label: string; group?: string }[];
  onChange: (v: T) => void;
  hint?: ReactNode;
  note?: ReactNode;
  error?: string | undefined;
  testId?: string;
}

export function SelectField<T extends string>(p: SelectFieldProps<T>) {
  const id = useId();
  const groups = [...new Set(p.options.map((o) => o.group ?? ''))];
  const opts = (g: string) =>
    p.options
      .filter((o) => (o.group ?? '') === g)
      .map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ));
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        <span>{p.label}</span>
        {p.hint && <span className="field__hint">{p.hint}</span>}
      </label>
      <select
        id={id}
        className={`select${p.error ? ' input--invalid' : ''}`}
        value={p.value}
        data-testid={p.testId}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={p.error ? `${id}-err` : undefined}
        onChange={(e) => p.onChange(e.target.value as T)}
      >
        {groups.length > 1
          ? groups.map((g) => (
              <optgroup key={g} label={g}>
                {opts(g)}
              </optgroup>
            ))
          : opts('')}
      </select>
      {p.error ? (
        <div className="field__error" id={`${id}-err`} role="alert">
          {humanizeFieldError(p.error)}
        </div>
      ) : (
        p.note && <div className="field__note">{p.note}</div>
      )}
    </div>
  );
}

export function Toggle({
  label,
  checked,
  onChange,
  note,
  testId,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (v: boolean) => void;
  note?: ReactNode;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label className="toggle" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          data-testid={testId}
          onChange={(e) => onChange(e.target.checked)}
        />
        {label}
      </label>
      {note && <div className="field__note">{note}</div>}
    </div>
  );
}

/** A boolean scenario field. */
export function ScenarioToggle({
  path,
  label,
  note,
  testId,
}: {
  path: FieldPath;
  label: ReactNode;
  note?: ReactNode;
  testId?: string;
}) {
  const value = useApp((s) => getIn(s.scenario, path));
  const { setField } = useActions();
  return (
    <Toggle label={label} checked={value === true} onChange={(v) => setField(path, v)} note={note} testId={testId} />
  );
}

export interface ChipOption<T> {
  value: T;
  label: string;
  /** A small tag after the label (e.g. "lossy"), styled by `tone`. */
  tag?: string;
  tone?: 'warn' | 'muted';
  title?: string;
  testId?: string;
}

/** Multi-select chips (aria-pressed buttons) with a group label. */
export function Chips<T extends string | number>({
  label,
  options,
  selected,
  onToggle,
  note,
  testId,
}: {
  label: string;
  options: readonly ChipOption<T>[];
  selected: readonly T[];
  onToggle: (v: T) => void;
  note?: ReactNode;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field" role="group" aria-labelledby={id} data-testid={testId}>
      <span className="field__label" id={id}>
        {label}
      </span>
      <div className="chips">
        {options.map((o) => (
          <button
            key={String(o.value)}
            type="button"
            className={o.tone ? `chip chip--${o.tone}` : 'chip'}
            aria-pressed={selected.includes(o.value)}
            title={o.title}
            data-testid={o.testId}
            onClick={() => onToggle(o.value)}
          >
            {o.label}
            {o.tag && <span className="chip__tag">{o.tag}</span>}
          </button>
        ))}
      </div>
      {note && <div className="field__note">{note}</div>}
    </div>
  );
}

/** Segmented control (one of a few). */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
  hideLabel,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
  hideLabel?: boolean;
}) {
  const id = useId();
  return (
    <div className="field" role="group" aria-labelledby={id}>
      <span className={hideLabel ? 'visually-hidden' : 'field__label'} id={id}>
        {label}
      </span>
      <div className="btn-group">
        {options.map((o) => (
          <button key={o.value} type="button" aria-pressed={o.value === value} onClick={() => onChange(o.value)}>
            {o.label}
          </button>
        ))}
      </div>
    </div>
  );
}
