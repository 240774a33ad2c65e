/**
 * What the speculative-decoding editor shows (ui/inputs/SpeculativeEditor): the method choices, the
 * acceptance in use and where its default comes from, E(a, k) tokens per verify step, and whether the
 * model can use MTP. All arithmetic lives here; the component only renders.
 */
import { resolveModel } from '../cost/deployment.ts';
import type { Scenario } from '../scenario/schema.ts';
import { expectedAcceptedTokens } from '../spec/acceptance.ts';
import { ACCEPTANCE_DEFAULTS, acceptanceOf } from '../spec/defaults.ts';
import { speculativeConflict } from '../spec/draft.ts';
import { SPEC_METHODS, type SpecMethod, type SpeculativeConfig } from '../spec/types.ts';
import { specChoiceOf, type SpeculativeOption } from '../search/index.ts';

export const SPEC_METHOD_LABELS: Readonly<Record<SpecMethod, string>> = Object.freeze({
  mtp: 'MTP (the checkpoint’s own multi-token-prediction heads)',
  eagle: 'EAGLE (1-layer draft head)',
  eagle3: 'EAGLE-3 (1-layer draft head, fused features)',
  ngram: 'n-gram prompt lookup (no draft model)',
});

export interface SpecView {
  config: SpeculativeConfig | undefined;
  methods: readonly { value: SpecMethod; label: string }[];
  /** Acceptance used by the cost model (the scenario's, else the default). */
  acceptance: number;
  defaultAcceptance: number;
  defaultSource: string;
  /** E(a, k): tokens emitted per verify step. */
  tokensPerStep: number;
  /** The model has MTP heads (MTP can be chosen). */
  mtpAvailable: boolean;
  /** Why the current setting is refused (null when fine or off). */
  refusal: string | null;
  /** "2.95 tokens per verify step of 4 positions (k = 3 drafts at 0.80)". */
  summary: string;
}

function mtpAvailableFor(s: Scenario): boolean {
  try {
    return speculativeConflict(resolveModel(s.model), 'mtp') === null;
  } catch {
    return false;
  }
}

/** The setting a fresh "on" switch writes: MTP-1 where the model has MTP heads, else EAGLE-3 with 3 drafts. */
export function defaultSpeculative(s: Scenario): SpeculativeConfig {
  return mtpAvailableFor(s) ? { method: 'mtp', draftTokens: 1 } : { method: 'eagle3', draftTokens: 3 };
}

export function specView(s: Scenario): SpecView {
  const config = s.runtime.speculative;
  const mtpAvailable = mtpAvailableFor(s);
  const method = config?.method ?? (mtpAvailable ? 'mtp' : 'eagle3');
  const k = config?.draftTokens ?? 1;
  const acceptance = config ? acceptanceOf(config) : ACCEPTANCE_DEFAULTS[method].acceptance;
  const e = expectedAcceptedTokens(acceptance, k);
  let refusal: string | null = null;
  if (config) {
    try {
      refusal = speculativeConflict(resolveModel(s.model), config.method);
    } catch {
      refusal = null;
    }
  }
  return {
    config,
    methods: SPEC_METHODS.filter((m) => m !== 'mtp' || mtpAvailable || config?.method === 'mtp').map((m) => ({
      value: m,
      label: SPEC_METHOD_LABELS[m],
    })),
    acceptance,
    defaultAcceptance: ACCEPTANCE_DEFAULTS[method].acceptance,
    defaultSource: ACCEPTANCE_DEFAULTS[method].source,
    tokensPerStep: e,
    mtpAvailable,
    refusal: refusal ? `runtime.speculative.method: ${refusal}` : null,
    summary: `${e.toFixed(2)} tokens per verify step of ${k + 1} positions (k = ${k} draft${k === 1 ? '' : 's'} at ${acceptance.toFixed(2)} acceptance)`,
  };
}

/**
 * Search chips: off plus a few common settings the model can use, then any setting already chosen that
 * is not among them (a link's, or MTP kept after switching to a model without MTP heads), so it shows
 * and can be unselected: the search refuses it with the reason.
 */
export function specSearchPresets(
  s: Scenario,
  chosen: readonly SpeculativeOption[] = [],
): { id: string; label: string; option: SpeculativeOption }[] {
  const opts: SpeculativeOption[] = ['off'];
  if (mtpAvailableFor(s)) opts.push({ method: 'mtp', draftTokens: 1 }, { method: 'mtp', draftTokens: 3 });
  opts.push({ method: 'eagle3', draftTokens: 3 }, { method: 'ngram', draftTokens: 3 });
  const ids = new Set(opts.map((o) => specChoiceOf(o).id));
  for (const o of chosen) {
    const id = specChoiceOf(o).id;
    if (!ids.has(id)) {
      ids.add(id);
      opts.push(o);
    }
  }
  return opts.map((option) => {
    const c = specChoiceOf(option);
    return { id: c.id, label: c.label, option };
  });
}

/** Ids (specChoiceOf) of the search's speculative options, for the chips' selected state. */
export function specSearchSelectedIds(list: readonly SpeculativeOption[] | undefined): string[] {
  return (list ?? []).map((o) => specChoiceOf(o).id);
}
