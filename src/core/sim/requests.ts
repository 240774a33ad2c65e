/**
 * The request list a simulation replays, built from the scenario's workload: a trace (replayed by
 * its timestamps, or with the scenario's arrival process), or synthetic lengths (fixed or from
 * distributions) with an arrival process. Also how prefix-cache hits are decided.
 */
import { ScenarioError } from '../cost/deployment.ts';
import type { Scenario } from '../scenario/schema.ts';
import { resolveRuntime } from '../engine/resolve.ts';
import { generateRequests } from '../workload/generate.ts';
import { parseTraceOnce } from '../workload/traces.ts';
import { workloadLengths } from '../workload/clamp.ts';
import type { LengthDist, RequestSpec } from '../workload/types.ts';

/** Default cap on simulated requests (configurable per call). */
export const DEFAULT_MAX_SIM_REQUESTS = 20_000;

/** Tokens per prefix-hash block in Mooncake traces (FAST'25 README: "block = 512 tokens"). */
export const MOONCAKE_HASH_BLOCK_TOKENS = 512;

/**
 * How a prompt's prefix-cache hit is decided:
 * - none: no prefix caching (runtime.prefixCaching off, or nothing to share);
 * - hit-rate: a fixed fraction of every prompt is found in the cache (workload.prefix.hitRate);
 * - hashes: each request carries block hashes (trace hash_ids, or the synthetic shared prefix);
 *   the hit is the longest run of leading hashes present in the instance's LRU cache.
 */
export type PrefixModel =
  { kind: 'none' } | { kind: 'hit-rate'; fraction: number } | { kind: 'hashes'; blockTokens: number };

export interface SimWorkload {
  requests: RequestSpec[];
  /** Closed-loop users (arrival 'concurrency'); null for open-loop / offline / trace replay. */
  closedLoopUsers: number | null;
  /** True when arrivals are an open process (Poisson, Gamma, trace timestamps). */
  openLoop: boolean;
  prefix: PrefixModel;
  /** One line describing where the requests came from. */
  source: string;
  warnings: string[];
  /** The first `warmup` requests (by id) run first and are left out of every statistic. */
  warmup: number;
}

function fixedOr(dist: LengthDist | undefined, tokens: number): LengthDist {
  return dist ?? { kind: 'fixed', tokens };
}

/**
 * Build the simulated request list. Throws ScenarioError('workload.trace', …) for an unreadable
 * trace, listing the bad rows by line number (never drops rows silently).
 */
export function buildWorkload(
  s: Scenario,
  maxRequests = DEFAULT_MAX_SIM_REQUESTS,
  limit?: { contextTokens: number; modelName: string },
): SimWorkload {
  const w = s.workload;
  const warnings: string[] = [];
  let requests: RequestSpec[];
  let source: string;
  let closedLoopUsers: number | null = w.arrival.kind === 'concurrency' ? w.arrival.users : null;
  let openLoop = w.arrival.kind === 'poisson' || w.arrival.kind === 'gamma';
  const cap = Math.max(1, Math.floor(maxRequests));

  if (w.trace) {
    if (w.trace.data === undefined) {
      throw new ScenarioError(
        'workload.trace.path',
        `"${w.trace.path ?? ''}" must be read and inlined as workload.trace.data before evaluation (the CLI does this; in the browser, load the file's text)`,
      );
    }
    const parsed = parseTraceOnce(w.trace.format, w.trace.data);
    if (!parsed.ok) {
      const lines = parsed.errors.map((e) => (e.line > 0 ? `line ${e.line}: ${e.message}` : e.message));
      const more =
        parsed.errorCount > parsed.errors.length ? ` … and ${parsed.errorCount - parsed.errors.length} more` : '';
      throw new ScenarioError(
        'workload.trace',
        `${parsed.errorCount} bad row(s) in the ${w.trace.format} trace — ${lines.join('; ')}${more}`,
      );
    }
    for (const x of parsed.warnings) warnings.push(`trace ${x.line > 0 ? `line ${x.line}: ` : ''}${x.message}`);
    if (parsed.warningCount > parsed.warnings.length)
      warnings.push(`trace: ${parsed.warningCount - parsed.warnings.length} more warnings`);
    requests = parsed.requests;
    if (requests.length > cap) {
      warnings.push(
        `The trace has ${requests.length} requests; the simulation replays the first ${cap} (raise the request cap to replay more).`,
      );
      requests = requests.slice(0, cap);
    }
    if (w.trace.timing === 'trace') {
      closedLoopUsers = null;
      openLoop = true;
      // Replay offsets from the first request.
      const t0 = requests.reduce((m, r) => Math.min(m, r.arrivalS), Infinity);
      requests = requests.map((r, i) => ({ ...r, id: i, arrivalS: r.arrivalS - t0 }));
      source = `${w.trace.format} trace replay (${requests.length} requests)`;
    } else {
      const times = generateRequests({
        count: requests.length,
        input: { kind: 'fixed', tokens: 1 },
        output: { kind: 'fixed', tokens: 1 },
        arrival: w.arrival,
        seed: w.seed,
      });
      requests = requests.map((r, i) => ({ ...r, id: i, arrivalS: times[i]!.arrivalS }));
      source = `${w.trace.format} trace lengths (${requests.length} requests), ${w.arrival.kind} arrivals`;
    }
  } else {
    let count = w.requests + w.warmupRequests;
    if (count > cap) {
      warnings.push(
        `workload.requests + warmupRequests = ${count}; the simulation runs the first ${cap} (raise the request cap to run more).`,
      );
      count = cap;
    }
    // Clamp, then sample: distributions are limited to the model's context window (workload/clamp.ts;
    // evaluate's planWarnings reports the truncation).
    const lengths = limit ? workloadLengths(w, limit.contextTokens, limit.modelName) : null;
    requests = generateRequests({
      count,
      input: fixedOr(lengths ? lengths.input : w.input, w.inputTokens),
      output: fixedOr(lengths ? lengths.output : w.output, w.outputTokens),
      arrival: w.arrival,
      seed: w.seed,
    });
    source = `synthetic: ${count} requests, ${w.arrival.kind} arrivals`;
  }

  let prefix: PrefixModel = { kind: 'none' };
  const rt = resolveRuntime(s);
  if (rt.prefixCaching) {
    const hitRate = w.prefix?.hitRate;
    const shared = w.prefix?.sharedPrefixTokens ?? 0;
    if (hitRate !== undefined) {
      prefix = { kind: 'hit-rate', fraction: hitRate };
    } else if (requests.some((r) => r.hashIds !== undefined && r.hashIds.length > 0)) {
      prefix = { kind: 'hashes', blockTokens: MOONCAKE_HASH_BLOCK_TOKENS };
    } else if (shared > 0) {
      // A shared system prompt: the same leading kvBlockSize-token blocks in every request.
      const bs = rt.kvBlockSize;
      const blocks = Math.floor(shared / bs);
      if (blocks > 0) {
        const ids = Array.from({ length: blocks }, (_, i) => i);
        requests = requests.map((r) => ({ ...r, hashIds: ids.slice(0, Math.floor(r.inputTokens / bs)) }));
        prefix = { kind: 'hashes', blockTokens: bs };
      }
    }
  } else if (w.prefix?.hitRate !== undefined || (w.prefix?.sharedPrefixTokens ?? 0) > 0) {
    warnings.push('workload.prefix is set but runtime.prefixCaching is off: no prefix hits are simulated.');
  }
  // Warm-up requests come first and never take every request (at least one is measured).
  const warmup = Math.min(w.warmupRequests, Math.max(0, requests.length - 1));
  if (warmup > 0) source += `, first ${warmup} as warm-up (not in the statistics)`;
  return { requests, closedLoopUsers, openLoop, prefix, source, warnings, warmup };
}
