/**
 * Decode leaps: a decode-only iteration turned into a run of identical decode steps that is one event
 * (O(1) per step), up to the first completion, the first step whose KV blocks do not fit, a
 * sliding-window boundary or the iteration cap. Affine runs (plain paged KV) are costed in closed form;
 * under a KV strategy whose blocks or costs are not affine in the context, step by step.
 */
import type { MicroBatch } from './microbatch.ts';
import { unitsFor, type Inst } from './pool.ts';
import type { Sequences } from './sequences.ts';
import type { RequestSpec } from '../workload/types.ts';

/** Most decode steps one stepwise leap (KV strategies) merges into one event. */
export const STEPWISE_LEAP_STEPS = 512;

/**
 * Turn a decode-only iteration into a run of identical decode steps, up to the first completion,
 * the first step whose new KV blocks do not fit, or a sliding-window boundary. Nothing else can
 * change the batch meanwhile (the waiting queue is blocked and KV only shrinks); a request routed
 * to the instance mid-run cuts it (poke).
 */
export function extendLeap(
  s: Sequences,
  req: readonly RequestSpec[],
  inst: Inst,
  mb: MicroBatch,
  itersLeft: number,
): void {
  const p = inst.pool;
  const n = mb.count;
  let kMax = itersLeft;
  const w = p.window;
  let nBelow = 0;
  let k1 = 0;
  let kw1 = 0;
  for (let i = 0; i < n; i++) {
    const r = mb.ids[i]!;
    const c = s.computed[r]!;
    const left = req[r]!.outputTokens - s.generated[r]!;
    if (left < kMax) kMax = left;
    k1 += c + 1;
    kw1 += Math.min(c + 1, w);
    if (c + 1 < w) {
      nBelow++;
      if (w - c < kMax) kMax = w - c;
    }
  }
  if (kMax <= 1) return;
  const coef = p.coster.decodeCoef(n);
  mb.a = coef.totalA;
  mb.b = coef.totalB;
  mb.bw = coef.totalBw;
  mb.k1 = k1;
  mb.kw1 = kw1;
  mb.nBelow = nBelow;
  const bs = p.bs;
  const groups = inst.groups;
  // Fast path: every group can take a new block for each of its sequences in every block period.
  const perSeqMax = (p.wf + p.ws) * Math.ceil(kMax / bs);
  let roomy = true;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi]!;
    g.tmpFree = g.free;
  }
  if (groups.length === 1) roomy = groups[0]!.free >= perSeqMax * n;
  else {
    const per = new Float64Array(groups.length);
    for (let i = 0; i < n; i++) per[s.group[mb.ids[i]!]!]! += perSeqMax;
    for (let gi = 0; gi < groups.length; gi++) if (per[gi]! > groups[gi]!.free) roomy = false;
  }
  let k = 1;
  if (roomy) k = kMax;
  else {
    for (const g of groups) {
      if (g.bucket === null) g.bucket = new Float64Array(bs);
    }
    for (let i = 0; i < n; i++) {
      const r = mb.ids[i]!;
      const c = s.computed[r]!;
      groups[s.group[r]!]!.bucket![c % bs]! += p.wf + (c + 1 < w ? p.ws : 0);
    }
    for (let j = 2; j <= kMax; j++) {
      const idx = (bs - ((j - 1) % bs)) % bs;
      let fits = true;
      for (let gi = 0; gi < groups.length; gi++) if (groups[gi]!.bucket![idx]! > groups[gi]!.tmpFree) fits = false;
      if (!fits) break;
      for (let gi = 0; gi < groups.length; gi++) groups[gi]!.tmpFree -= groups[gi]!.bucket![idx]!;
      k = j;
    }
    for (let i = 0; i < n; i++) {
      const r = mb.ids[i]!;
      groups[s.group[r]!]!.bucket![s.computed[r]! % bs] = 0;
    }
  }
  if (k === 1) return;
  const tt = mb.startS + mb.cumS(k);
  mb.steps = k;
  mb.endS = tt;
  mb.busyS = tt - mb.startS;
  inst.stageFree[0] = tt;
}

/**
 * extendLeap for pools whose KV strategy makes blocks or step costs non-affine in the context
 * (eviction, residual windows, a shared prefix): the run of decode steps is built step by step —
 * each step's blocks from the strategy (kv.units) and its cost exactly as a per-step launch would
 * cost it (the StepCoster memoises repeated decode batches) — but it is still one event. Same stops:
 * the first completion, the first step whose blocks do not fit, a sliding-window boundary, the
 * iteration cap, and at most STEPWISE_LEAP_STEPS steps per run (bounds the work of one event).
 */
export function extendLeapStepwise(
  s: Sequences,
  req: readonly RequestSpec[],
  inst: Inst,
  mb: MicroBatch,
  itersLeft: number,
  nextArrivalS: number,
): void {
  const p = inst.pool;
  const n = mb.count;
  let kMax = Math.min(STEPWISE_LEAP_STEPS, itersLeft);
  const w = p.window;
  for (let i = 0; i < n; i++) {
    const r = mb.ids[i]!;
    const c = s.computed[r]!;
    const left = req[r]!.outputTokens - s.generated[r]!;
    if (left < kMax) kMax = left;
    if (c + 1 < w && w - c < kMax) kMax = w - c;
  }
  if (kMax <= 1) return;
  if (mb.endsBuf.length < kMax) mb.endsBuf = new Float64Array(Math.max(kMax, 2 * mb.endsBuf.length));
  const ends = mb.endsBuf;
  ends[0] = mb.endS - mb.startS;
  const groups = inst.groups;
  for (const g of groups) g.tmpFree = g.free;
  const coster = p.coster;
  const times = p.times;
  // Blocks each sequence holds so far (step 1's were allocated at launch).
  if (s.leapUnits.length < n) s.leapUnits = new Float64Array(Math.max(n, 2 * s.leapUnits.length));
  const held = s.leapUnits;
  for (let i = 0; i < n; i++) held[i] = s.units[mb.ids[i]!]!;
  let k = 1;
  for (let j = 2; j <= kMax; j++) {
    // Step j decodes each sequence at context c + j − 1 (reads c + j) and needs its blocks for c + j.
    let fits = true;
    for (let i = 0; i < n && fits; i++) {
      const r = mb.ids[i]!;
      const u = unitsFor(p, s.computed[r]! + j);
      const grow = u - held[i]!;
      held[i] = u;
      const g = groups[s.group[r]!]!;
      g.tmpFree -= grow;
      // Blocks freed mid-run could let a waiting request in: end the run before such a step.
      if (g.tmpFree < 0 || grow < 0) fits = false;
    }
    if (!fits) break;
    if (coster.exact) {
      coster.reset();
      for (let i = 0; i < n; i++) coster.add(s.computed[mb.ids[i]!]! + j - 1, 1, true);
      coster.costAcc(times);
    } else {
      // As launch() costs a decode-only batch: affine in K = Σ(ctx + 1), Kw = Σ min(ctx + 1, window).
      let K = 0;
      let Kw = 0;
      for (let i = 0; i < n; i++) {
        const c = s.computed[mb.ids[i]!]! + j;
        K += c;
        Kw += Math.min(c, w);
      }
      coster.decode(n, K, Kw, times);
    }
    ends[j - 1] = ends[j - 2]! + times.stageS[0]! + times.overheadS;
    k = j;
    // The next arrival may cut the run at the step ending at or after it (poke): steps beyond would
    // be costed for nothing. (Only work changes: a cut run resumes as a new one.)
    if (mb.startS + ends[j - 1]! >= nextArrivalS) break;
  }
  if (k === 1) return;
  mb.ends = ends;
  const tt = mb.startS + ends[k - 1]!;
  mb.steps = k;
  mb.endS = tt;
  mb.busyS = tt - mb.startS;
  inst.stageFree[0] = tt;
}
