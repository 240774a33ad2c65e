/**
 * What the runtime editor shows about the serving engine (no cost arithmetic): the engine and version
 * choices, the resolved runtime, which knobs are the engine's defaults, and the scenario runtime with
 * every engine knob cleared (so the engine's defaults apply again).
 */
import { ENGINE_LABELS, profilesOf, type KnobName } from '../engine/profiles.ts';
import { ENGINE_KNOBS, resolveRuntime, type ResolvedRuntime } from '../engine/resolve.ts';
import { ENGINE_NAMES, type EngineName, type Scenario } from '../scenario/schema.ts';

export interface EngineChoiceView {
  engines: { value: EngineName; label: string }[];
  /** Versions offered for the scenario's engine: '' = the default profile, then each profile id. */
  versions: { value: string; label: string }[];
}

export function engineChoices(engine: EngineName): EngineChoiceView {
  return {
    engines: ENGINE_NAMES.map((e) => ({ value: e, label: ENGINE_LABELS[e] })),
    versions: [{ value: '', label: 'newest' }, ...profilesOf(engine).map((p) => ({ value: p.id, label: p.label }))],
  };
}

export interface RuntimeView {
  rt: ResolvedRuntime;
  /** True when the knob is unset in the scenario and comes from the engine profile. */
  isDefault: (k: KnobName) => boolean;
  /** One line: "vLLM 0.19 (V1, async scheduling) · 9 knobs from engine defaults". */
  summary: string;
}

export function runtimeView(s: Scenario): RuntimeView {
  const rt = resolveRuntime(s);
  const set = new Set<KnobName>(rt.fromEngine);
  const n = rt.fromEngine.length;
  return {
    rt,
    isDefault: (k) => set.has(k),
    summary: `${rt.engine.profile}${n > 0 ? ` · ${n} knob${n === 1 ? '' : 's'} from engine defaults` : ''}`,
  };
}

/** The scenario's runtime with every engine-dependent knob (and schedulerPolicy) removed. */
export function runtimeWithEngineDefaults(runtime: Scenario['runtime']): Scenario['runtime'] {
  const out: Record<string, unknown> = { ...runtime };
  for (const k of ENGINE_KNOBS) delete out[k];
  delete out.schedulerPolicy;
  return out as Scenario['runtime'];
}
