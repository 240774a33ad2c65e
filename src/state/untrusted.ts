/**
 * Where the app handles untrusted input (issue 10): decoding a shared link, reading a pasted or
 * dropped config.json, and the live evaluation of the current scenario. main.tsx installs the
 * worker-backed implementation (src/worker/untrusted.ts: each call in a Web Worker with a time limit,
 * terminated and respawned on timeout). Without one (tests, and until boot installs it) callers use
 * the main-thread path they always had: the same core functions, bounded by the core's own caps.
 */
import type { EvaluationResult } from '../core/evaluate/evaluate.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import type { DecodeResult } from '../core/share/codec.ts';
import type { SharedState } from '../core/share/scenario-link.ts';

/** A failure as plain data (it crosses the worker boundary): class name, field (if any), message. */
export interface ErrorLike {
  name: string;
  field: string | null;
  message: string;
}

export type Attempted<T> = { ok: true; value: T } | { ok: false; error: ErrorLike };

export interface ConfigImported {
  config: Record<string, unknown>;
  name: string;
  layers: number;
  heads: number;
}

export interface UntrustedOps {
  decodeLink(fragment: string): Promise<DecodeResult<SharedState>>;
  importConfig(text: string, label: string): Promise<Attempted<ConfigImported>>;
  evaluate(scenario: Scenario): Promise<Attempted<EvaluationResult>>;
  /** Called when a call ran past its limit (e.g. to raise the banner with `message`). */
  onTimeout?: (message: string) => void;
}

let installed: UntrustedOps | null = null;

/** Install (or with null remove) the worker-backed implementation. */
export function setUntrustedOps(ops: UntrustedOps | null): void {
  installed = ops;
}

export function untrustedOps(): UntrustedOps | null {
  return installed;
}
