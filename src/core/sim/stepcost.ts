/**
 * Per-iteration cost for the simulator: `iterationCost(dep, shapeOf(steps, window))` for the exact
 * batch, with three shortcuts that change no number:
 *
 * 1. The BatchShape is accumulated in place (`add`), the same sums `shapeOf` computes, without
 *    building SeqStep objects.
 * 2. A decode-only batch of n sequences costs an affine function of its KV reads:
 *      stage_s(n, K, Kw) = a_s(n) + b_s(n)·K + bw_s(n)·Kw
 *    with K = Σ(ctx+1) and Kw = Σ min(ctx+1, window). Every op of iteration.ts is either independent
 *    of the context (GEMMs, collectives, launches: they see n tokens) or a decode-attention roofline
 *    max(c1·K, c2·K) = max(c1, c2)·K, so three evaluations per n give the exact coefficients, and a
 *    run of identical decode steps costs O(1) per step.
 * 3. Any other batch is costed once per distinct BatchShape in a run (`costAcc` memoises on every field).
 * Under a KV strategy (core/kvplan/engine.ts) the accumulator also sums each decoding sequence's reads at
 * its own context (`shape.kvDecode`), so a mixed batch is costed exactly; with eviction (reads capped by
 * a budget, nonlinear in the context) decode-only batches are costed that way too (`exact`), and the
 * engine does not merge them into runs.
 */
import { causalPairs, uniformShape, widenDecode, type BatchShape } from '../cost/batch.ts';
import type { Deployment } from '../cost/deployment.ts';
import { iterationCost, type IterationCost } from '../cost/iteration.ts';
import { draftDeploymentOf, specPlanOf, type SpecPlan } from '../cost/speculative.ts';
import { kvEngineOf, type KvEngine } from '../kvplan/engine.ts';
import { ShapeMemo, type StepTimes } from './shape-memo.ts';

/** Stage-level timing of one micro-batch (see IterationCost). */
export type { StepTimes } from './shape-memo.ts';

/** Decode-only cost coefficients for one batch size. */
export interface DecodeCoef {
  a: Float64Array;
  b: Float64Array;
  bw: Float64Array;
  p2pS: number;
  overheadS: number;
  /** Whole-step (pp = 1 path) coefficients: Σ stages + (pp−1)·p2p + overhead. */
  totalA: number;
  totalB: number;
  totalBw: number;
}

function emptyShape(): BatchShape {
  return {
    tokens: 0,
    seqs: 0,
    logitTokens: 0,
    attnPairs: 0,
    attnPairsWindow: 0,
    kvReadTokens: 0,
    kvReadTokensWindow: 0,
    decodeKvReadTokens: 0,
    decodeKvReadTokensWindow: 0,
    decodeSeqs: 0,
    decodeOnly: false,
  };
}

export class StepCoster {
  readonly pp: number;
  /** Sliding-window size in tokens (Infinity when the model has none). */
  readonly window: number;
  /** True when some layers use the windowed sums (the Kw coefficient matters). */
  readonly hasSliding: boolean;
  /** The batch being accumulated. */
  readonly acc: BatchShape = emptyShape();
  /** Cost evaluations made through iterationCost (for the bench). */
  costCalls = 0;
  private coefs: (DecodeCoef | undefined)[] = [];
  private readonly memo: ShapeMemo;
  private probe: BatchShape = emptyShape();
  /** The deployment's KV strategy (null: plain paged KV). */
  readonly kv: KvEngine | null;
  /** Decode cost is nonlinear in each sequence's context (eviction): cost every step from `acc` (no affine coefficients, no runs). */
  readonly exact: boolean;
  /** Speculative decoding (null when off): decodes verify k + 1 positions after k draft passes. */
  readonly spec: SpecPlan | null;

  constructor(readonly dep: Deployment) {
    this.spec = specPlanOf(dep);
    this.pp = dep.instance.pp;
    this.memo = new ShapeMemo(this.pp);
    this.window = dep.model.slidingWindow ?? Infinity;
    // DeepSeek-V4: every layer reads its uncompressed window, sliding or not.
    this.hasSliding =
      dep.model.slidingWindow !== null &&
      (dep.model.compressedAttention !== undefined || dep.model.layers.some((l) => l.attention === 'sliding'));
    this.kv = kvEngineOf(dep);
    this.exact = this.kv?.exactDecode === true;
    if (this.kv) this.acc.kvDecode = { eq: 0, eqWindow: 0, extraFlops: 0, extraFlopsWindow: 0, h2dBytes: 0 };
  }

  reset(): void {
    const s = this.acc;
    s.tokens = 0;
    s.seqs = 0;
    s.logitTokens = 0;
    s.attnPairs = 0;
    s.attnPairsWindow = 0;
    s.kvReadTokens = 0;
    s.kvReadTokensWindow = 0;
    s.decodeKvReadTokens = 0;
    s.decodeKvReadTokensWindow = 0;
    s.decodeSeqs = 0;
    s.decodeOnly = false;
    const k = s.kvDecode;
    if (k) {
      k.eq = 0;
      k.eqWindow = 0;
      k.extraFlops = 0;
      k.extraFlopsWindow = 0;
      k.h2dBytes = 0;
    }
  }

  /** Add one sequence's step: `n` new tokens after `ctx` cached ones (mirrors batch.ts shapeOf). */
  add(ctx: number, n: number, emits: boolean): void {
    const s = this.acc;
    const w = this.window;
    if (s.seqs === 0) s.decodeOnly = true;
    if (n === 1) {
      s.decodeSeqs++;
      s.decodeKvReadTokens += ctx + 1;
      s.decodeKvReadTokensWindow += Math.min(ctx + 1, w);
      if (this.kv) this.kv.addDecode(s.kvDecode!, ctx + 1);
    } else {
      s.decodeOnly = false;
    }
    s.tokens += n;
    s.seqs++;
    if (emits) s.logitTokens++;
    s.attnPairs += causalPairs(ctx, n, Infinity);
    s.attnPairsWindow += causalPairs(ctx, n, w);
    s.kvReadTokens += ctx + n;
    s.kvReadTokensWindow += Math.min(ctx + n, w);
  }

  /**
   * Exact cost of the accumulated batch, memoised on the whole shape: iterationCost is a pure function of
   * (deployment, BatchShape), and a run repeats shapes often — a third of the mixed prefill/decode batches of
   * an APEX lmsys trace are repeats (equal prompt lengths, chunk tails), and under a KV strategy eviction keeps
   * the decode read sums constant once every sequence has reached its budget, so long runs repeat one key.
   */
  costAcc(out: StepTimes): void {
    if (this.memo.get(this.acc, out)) return;
    this.costCalls++;
    const c = this.cost(this.acc);
    for (let i = 0; i < this.pp; i++) out.stageS[i] = c.stageTimesS[i] ?? 0;
    out.p2pS = c.p2pS;
    out.overheadS = c.overheadS;
    this.memo.set(out);
  }

  /** The run is over: hand the memo's table to the next run's coster (ShapeMemo.release). */
  release(): void {
    this.memo.release();
  }

  private evalDecode(n: number, k: number, kw: number) {
    const p = this.probe;
    p.tokens = n;
    p.seqs = n;
    p.logitTokens = n;
    p.attnPairs = k;
    p.attnPairsWindow = kw;
    p.kvReadTokens = k;
    p.kvReadTokensWindow = kw;
    p.decodeKvReadTokens = k;
    p.decodeKvReadTokensWindow = kw;
    p.decodeSeqs = n;
    p.decodeOnly = true;
    this.costCalls++;
    return this.cost(p);
  }

  /**
   * iterationCost of a batch; under speculative decoding the decodes run k + 1 positions (widenDecode) and the
   * k draft passes over the decoding sequences (cost/speculative.ts) join the last stage. Both are affine in
   * Σ ctx, so the decode coefficients stay exact.
   */
  private cost(shape: BatchShape): Pick<IterationCost, 'stageTimesS' | 'p2pS' | 'overheadS'> {
    const spec = this.spec;
    if (!spec) return iterationCost(this.dep, shape);
    const c = iterationCost(this.dep, widenDecode(shape, spec.draftTokens + 1));
    const draft = draftDeploymentOf(this.dep);
    if (!draft) return c;
    // Pass 1 runs over the step's tokens (prompt chunks included: the draft builds its own KV); passes
    // 2..k over the decoding sequences only.
    const n = shape.decodeSeqs;
    const ctx = n > 0 ? Math.max(0, shape.decodeKvReadTokens / n - 1) : 0;
    const w = Number.isFinite(this.window) ? this.window : null;
    const rest = n > 0 ? iterationCost(draft, uniformShape(n, ctx, 1, true, w), false, false).timeS : 0;
    const draftS = iterationCost(draft, shape, false, false).timeS + (spec.draftTokens - 1) * rest;
    const stageTimesS = c.stageTimesS.slice();
    stageTimesS[this.pp - 1] = (stageTimesS[this.pp - 1] ?? 0) + draftS;
    return { stageTimesS, p2pS: c.p2pS, overheadS: c.overheadS };
  }

  /** Coefficients for a decode-only batch of n sequences (every sequence emits a token). */
  decodeCoef(n: number): DecodeCoef {
    const hit = this.coefs[n];
    if (hit) return hit;
    const pp = this.pp;
    const k0 = n * 1000;
    const dk = n * 2000;
    const c0 = this.evalDecode(n, k0, k0);
    const c1 = this.evalDecode(n, k0 + dk, k0);
    const c2 = this.hasSliding ? this.evalDecode(n, k0, k0 + dk) : c0;
    const a = new Float64Array(pp);
    const b = new Float64Array(pp);
    const bw = new Float64Array(pp);
    let sa = 0;
    let sb = 0;
    let sbw = 0;
    for (let s = 0; s < pp; s++) {
      const t0 = c0.stageTimesS[s] ?? 0;
      b[s] = ((c1.stageTimesS[s] ?? 0) - t0) / dk;
      bw[s] = this.hasSliding ? ((c2.stageTimesS[s] ?? 0) - t0) / dk : 0;
      a[s] = t0 - b[s]! * k0 - bw[s]! * k0;
      sa += a[s]!;
      sb += b[s]!;
      sbw += bw[s]!;
    }
    const coef: DecodeCoef = {
      a,
      b,
      bw,
      p2pS: c0.p2pS,
      overheadS: c0.overheadS,
      totalA: sa + (pp - 1) * c0.p2pS + c0.overheadS,
      totalB: sb,
      totalBw: sbw,
    };
    this.coefs[n] = coef;
    return coef;
  }

  /** Stage times of a decode-only batch of n sequences with K = Σ(ctx+1), Kw = Σ min(ctx+1, window). */
  decode(n: number, k: number, kw: number, out: StepTimes): void {
    const c = this.decodeCoef(n);
    for (let s = 0; s < this.pp; s++) out.stageS[s] = c.a[s]! + c.b[s]! * k + c.bw[s]! * kw;
    out.p2pS = c.p2pS;
    out.overheadS = c.overheadS;
  }
}
