/**
 * The speculative-decoding search variable (SearchOptions.speculative): each entry is "off" or a
 * runtime.speculative setting, tried as a runtime knob like the KV dtype. Empty = the scenario's own.
 */
import type { ModelSpec } from '../model/types.ts';
import { speculativeSchema, type Runtime } from '../scenario/schema.ts';
import { acceptanceOf } from '../spec/defaults.ts';
import { speculativeConflict } from '../spec/draft.ts';
import type { SpeculativeConfig } from '../spec/types.ts';

export type SpeculativeOption = SpeculativeConfig | 'off';

export interface SpecChoice {
  /** Stable id for candidate ids: "off", "mtp1", "eagle3-4@0.7". */
  id: string;
  /** Short label: "no spec", "MTP-1", "EAGLE3-4 @0.70". */
  label: string;
  /** null = speculative decoding off. */
  config: SpeculativeConfig | null;
}

const NAMES: Record<SpeculativeConfig['method'], string> = {
  mtp: 'MTP',
  eagle: 'EAGLE',
  eagle3: 'EAGLE-3',
  ngram: 'n-gram',
};

export function specChoiceOf(option: SpeculativeOption | undefined): SpecChoice {
  if (option === undefined || option === 'off') return { id: 'off', label: 'no spec', config: null };
  const a = option.acceptanceRate;
  return {
    id: `${option.method}${option.draftTokens}${a === undefined ? '' : `@${a}`}`,
    label: `${NAMES[option.method]}-${option.draftTokens}${a === undefined ? '' : ` @${a.toFixed(2)}`}`,
    config: option,
  };
}

/**
 * Check each entry (the scenario schema's rules; errors name `speculative[i]`) and drop duplicates. `fail`
 * builds the caller's error type (SearchOptionError).
 */
export function checkSpeculativeOptions(list: unknown, fail: (message: string) => Error): SpeculativeOption[] {
  if (!Array.isArray(list)) throw fail('must be a list of "off" or { method, draftTokens, acceptanceRate? }');
  const out: SpeculativeOption[] = [];
  const ids = new Set<string>();
  list.forEach((x: unknown, i) => {
    let opt: SpeculativeOption;
    if (x === 'off') opt = 'off';
    else {
      const r = speculativeSchema.safeParse(x);
      // The schema's messages already name the field (runtime.speculative.draftTokens must be …).
      if (!r.success) throw fail(`[${i}]: ${r.error.issues.map((e) => e.message).join('; ')}`);
      opt = r.data;
    }
    const id = specChoiceOf(opt).id;
    if (!ids.has(id)) {
      ids.add(id);
      out.push(opt);
    }
  });
  return out;
}

/** The choices to try on `model`; a setting the model cannot use (MTP without MTP heads) is refused with why. */
export function specChoicesFor(
  model: ModelSpec,
  list: readonly SpeculativeOption[],
  fail: (message: string) => Error,
): SpecChoice[] {
  return list.map((opt, i) => {
    if (opt !== 'off') {
      const why = speculativeConflict(model, opt.method);
      if (why) throw fail(`[${i}]: ${why}`);
    }
    return specChoiceOf(opt);
  });
}

/** A runtime with the choice applied (off removes runtime.speculative). */
export function withSpeculative(runtime: Runtime, choice: SpecChoice): Runtime {
  const { speculative: _own, ...rest } = runtime;
  void _own;
  return choice.config ? { ...rest, speculative: choice.config } : rest;
}

/** "MTP-1 at 0.85 acceptance: 1.5× faster decode per user" — the reason a search gives for a choice. */
export function specReason(config: SpeculativeConfig, tpotOffMs: number, tpotOnMs: number): string {
  const a = acceptanceOf(config);
  const x = tpotOnMs > 0 ? tpotOffMs / tpotOnMs : NaN;
  const how = Number.isFinite(x)
    ? x >= 1
      ? `${x.toFixed(1)}× faster decode per user`
      : `${(1 / x).toFixed(1)}× slower decode per user`
    : 'decode speed unknown';
  return `${NAMES[config.method]}-${config.draftTokens} at ${a.toFixed(2)} acceptance: ${how}`;
}

/**
 * One speculative setting written as text (the CLI's --speculative list): "off", or method:k with an optional
 * @acceptance, e.g. "mtp:1", "eagle3:3@0.7", "ngram:4". Null when the text is not of that form.
 */
export function parseSpeculativeToken(text: string): SpeculativeOption | null {
  const t = text.trim();
  if (t === 'off') return 'off';
  const m = /^(mtp|eagle3|eagle|ngram):(\d+)(?:@(\d*\.?\d+))?$/.exec(t);
  if (!m) return null;
  const out: SpeculativeConfig = { method: m[1] as SpeculativeConfig['method'], draftTokens: Number(m[2]) };
  if (m[3] !== undefined) out.acceptanceRate = Number(m[3]);
  return out;
}
