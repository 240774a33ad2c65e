/**
 * The untrusted-input worker's API (untrusted.worker.ts exposes it with comlink; guarded.ts runs it
 * with a time limit): decoding a shared link, parsing a pasted or dropped config.json, and the live
 * closed-form evaluation of the current scenario. Plain functions over core, so the main-thread
 * fallback and the unit tests call them directly. Errors come back as data (`{ ok: false, … }`),
 * never as exceptions, so every failure reaches the page with its field and message.
 */
import { ScenarioError } from '../core/cost/deployment.ts';
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';
import { evaluateFast } from '../core/evaluate/fast.ts';
import { preloadKernelsFor } from '../core/kernels/registry.ts';
import { fromHfConfig, ModelImportError, parseHfConfigText } from '../core/model/hf.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import type { DecodeResult } from '../core/share/codec.ts';
import { sharedFromLink, type SharedState } from '../core/share/scenario-link.ts';

/** An engine failure as plain data: the error's class name, the field it names (if any) and its message. */
export interface ErrorData {
  name: string;
  field: string | null;
  message: string;
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export function errorData(e: unknown): ErrorData {
  if (e instanceof ScenarioError || e instanceof ModelImportError)
    return { name: e.name, field: e.field, message: e.message };
  return {
    name: e instanceof Error ? e.name : 'Error',
    field: null,
    message: e instanceof Error ? e.message : String(e),
  };
}

/** A config.json read and checked: the parsed object to store in the scenario, and what it describes. */
export interface ConfigImport {
  config: Record<string, unknown>;
  name: string;
  layers: number;
  heads: number;
}

export const untrustedApi = {
  /** Answers once the worker has loaded (GuardedWorker starts its time limits after it). */
  ping(): true {
    return true;
  },

  /** A `#s2.…` (or older) fragment, or a URL holding one → the validated scenario and search settings, or the decoder's reason. */
  decodeLink(fragment: string): Promise<DecodeResult<SharedState>> {
    return sharedFromLink(fragment);
  },

  /** config.json text → the object the scenario stores (`model.hf`) and its shape, or the failing field. */
  importConfig(text: string, label: string): Attempt<ConfigImport> {
    try {
      const config = parseHfConfigText(text);
      if (config === null || typeof config !== 'object' || Array.isArray(config))
        throw new ModelImportError('config', 'expected a JSON object');
      const spec = fromHfConfig(config, { id: 'custom', name: label });
      return {
        ok: true,
        value: {
          config: config as Record<string, unknown>,
          name: spec.name,
          layers: spec.layers.length,
          heads: spec.attention.numHeads,
        },
      };
    } catch (e) {
      return { ok: false, error: errorData(e) };
    }
  },

  /** The scenario's closed-form evaluation (the same evaluateFast the page ran), measured kernels loaded first. */
  async evaluate(scenario: Scenario): Promise<Attempt<EvaluationResult>> {
    try {
      await preloadKernelsFor(scenario);
      return { ok: true, value: evaluateFast(scenario) };
    } catch (e) {
      return { ok: false, error: errorData(e) };
    }
  },
};

export type UntrustedApi = typeof untrustedApi;
