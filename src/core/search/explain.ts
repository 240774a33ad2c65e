/**
 * Reasons in words. A plan is explained against its one-knob siblings in the space (other KV dtype,
 * maxNumSeqs, chunk size; the same GPUs split another way: TP↔DP, TP↔PP, PP↔DP, attention-DP↔DP,
 * EP×2; for P/D plans, one instance more or less per pool and the colocated layout of the decode
 * shape). The sentence names the closest sibling it beats and the mechanism, e.g.
 *   "fp8 KV doubles concurrency (512 vs 256 seqs): 2.1× goodput vs bf16 KV".
 * When the search varies KV strategies, the reason compares the plan with its strategy siblings first
 * (which strategy won and why) and names the strategies the options did not allow ("KIVI-2 not
 * allowed: lossy").
 * Siblings are evaluated directly, so a reason depends only on the plan — never on which shard
 * found it — and merging shards gives the same text as one single-threaded search.
 */
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import { bytesPerElement } from '../hardware/dtype.ts';
import type { Plan } from '../scenario/schema.ts';
import type { PlanEvaluator } from './evaluate-plan.ts';
import { OBJECTIVE_INFO, improvement, objectiveValue, scoreOf } from './objectives.ts';
import { notAllowedReason, strategyFidelity } from '../kv/presets.ts';
import { shapeGroup } from '../evaluate/plan-label.ts';
import { inSpace, kvKnobLabel, layoutLabel, type Space } from './space.ts';
import type { Objective, PlanKnobs } from './types.ts';
import { specReason, type SpecChoice } from './spec-choices.ts';

type Change = 'kv' | 'kvs' | 'seqs' | 'chunk' | 'layout' | 'replicas' | 'pools' | 'disagg' | 'spec';

interface Sibling {
  knobs: PlanKnobs;
  change: Change;
  /** How the sibling differs, in words: "bf16 KV", "TP2 DP2", "256 seqs". */
  label: string;
}

const f2 = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
const fmtMs = (x: number | undefined) =>
  x === undefined ? '—' : x >= 100 ? Math.round(x).toLocaleString('en-US') : Number(x.toPrecision(3)).toString();

/** The one-knob siblings of `k` that exist in the space. */
export function siblings(space: Space, k: PlanKnobs): Sibling[] {
  const out: Sibling[] = [];
  const add = (knobs: PlanKnobs, change: Change, label: string) => {
    if (inSpace(space, knobs) && !out.some((s) => sameKnobs(s.knobs, knobs))) out.push({ knobs, change, label });
  };
  for (const kv of space.options.kvDtypes)
    if (kv !== k.kvDtype) add({ ...k, kvDtype: kv as PlanKnobs['kvDtype'] }, 'kv', `${kv} KV`);
  const o = space.options;
  if (k.kvStrategy) {
    for (const c of space.kvChoices) {
      if (c.id === k.kvStrategy.id || notAllowedReason(c, o.allowLossy, o.allowNearLossless) !== null) continue;
      const kvDtype: PlanKnobs['kvDtype'] = c.strategy?.quant
        ? 'bf16'
        : o.kvDtypes.includes(k.kvDtype)
          ? k.kvDtype
          : ((o.kvDtypes[0] ?? k.kvDtype) as PlanKnobs['kvDtype']);
      add({ ...k, kvStrategy: c, kvDtype }, 'kvs', kvKnobLabel({ kvDtype, kvStrategy: c }));
    }
  }
  if (k.speculative) {
    const seen = new Set<string>([k.speculative.id]);
    for (const c of space.knobs) {
      const sc: SpecChoice | undefined = c.speculative;
      if (sc && !seen.has(sc.id)) {
        seen.add(sc.id);
        add({ ...k, speculative: sc }, 'spec', sc.label);
      }
    }
  }
  for (const n of space.options.maxNumSeqs)
    if (n !== k.maxNumSeqs) add({ ...k, maxNumSeqs: n }, 'seqs', `maxNumSeqs ${n}`);
  for (const n of space.options.maxBatchedTokens)
    if (n !== k.maxBatchedTokens) add({ ...k, maxBatchedTokens: n }, 'chunk', `${n}-token chunks`);
  const p = k.plan;
  if (k.kind === 'colocated') {
    const dims = ['tp', 'pp', 'dp', 'attentionDp'] as const;
    for (const a of dims) {
      for (const b of dims) {
        if (a === b || p[b] % 2 !== 0) continue;
        const plan: Plan = { ...p };
        plan[a] = p[a] * 2;
        plan[b] = p[b] / 2;
        // EP follows the MoE group when TP or attention-DP shrinks it.
        plan.ep = gcd(plan.tp * plan.attentionDp, plan.ep);
        add({ ...k, plan }, 'layout', layoutLabel({ kind: 'colocated', plan }));
      }
    }
    // Replica count alone (partial-cluster plans): one more or one fewer replica of the same instance.
    for (const dp of [p.dp + 1, p.dp - 1])
      if (dp >= 1)
        add({ ...k, plan: { ...p, dp } }, 'replicas', layoutLabel({ kind: 'colocated', plan: { ...p, dp } }));
    for (const ep of [p.ep * 2, p.ep / 2])
      if (Number.isInteger(ep))
        add({ ...k, plan: { ...p, ep } }, 'layout', layoutLabel({ kind: 'colocated', plan: { ...p, ep } }));
  } else if (p.prefill && p.decode) {
    for (const [pool, dn] of [
      ['prefill', 1],
      ['prefill', -1],
      ['decode', 1],
      ['decode', -1],
    ] as const) {
      const cur = p[pool]!;
      const plan: Plan = { ...p, [pool]: { ...cur, instances: cur.instances + dn } };
      add({ ...k, plan }, 'pools', layoutLabel({ kind: 'disaggregated', plan }));
    }
    const d = p.decode;
    const gpus =
      p.prefill.instances * p.prefill.tp * p.prefill.attentionDp * p.prefill.pp +
      d.instances * d.tp * d.attentionDp * d.pp;
    const dp = Math.floor(gpus / (d.tp * d.attentionDp * d.pp));
    const plan: Plan = { tp: d.tp, pp: d.pp, dp, ep: d.ep, attentionDp: d.attentionDp };
    if (dp >= 1)
      add({ ...k, kind: 'colocated', plan }, 'disagg', `colocated ${layoutLabel({ kind: 'colocated', plan })}`);
  }
  return out;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function sameKnobs(a: PlanKnobs, b: PlanKnobs): boolean {
  return (
    a.kind === b.kind &&
    a.kvDtype === b.kvDtype &&
    a.kvStrategy?.id === b.kvStrategy?.id &&
    a.speculative?.id === b.speculative?.id &&
    a.maxNumSeqs === b.maxNumSeqs &&
    a.maxBatchedTokens === b.maxBatchedTokens &&
    JSON.stringify(a.plan) === JSON.stringify(b.plan)
  );
}

/** Concurrent sequences the plan's KV cache holds per GPU (what a layout buys in memory). */
function seqsPerGpu(r: EvaluationResult): number {
  return (r.memory.maxConcurrentSeqs * r.plan.dp) / Math.max(1, r.plan.gpusUsed);
}

function isLatency(o: Objective): boolean {
  return o.startsWith('ttft') || o.startsWith('tpot');
}

/** The mechanism behind `a` beating `b` (b is `sib`), in a few words. */
function cause(k: PlanKnobs, a: EvaluationResult, sib: Sibling, b: EvaluationResult, o: Objective): string {
  const ca = a.memory.maxConcurrentSeqs;
  const cb = b.memory.maxConcurrentSeqs;
  switch (sib.change) {
    case 'kv': {
      const r = ca / Math.max(cb, 1);
      if (r >= 1.15)
        return `${k.kvDtype} KV ${r >= 1.9 && r <= 2.1 ? 'doubles' : r > 2.1 ? `multiplies by ${f2(r)}` : 'raises'} concurrency (${ca} vs ${cb} seqs)`;
      if (bytesPerElement(k.kvDtype) < bytesPerElement(sib.knobs.kvDtype))
        return `${k.kvDtype} KV reads fewer bytes per decode step (TPOT ${fmtMs(a.metrics.tpotMs?.p50)} vs ${fmtMs(b.metrics.tpotMs?.p50)} ms)`;
      return `${k.kvDtype} KV`;
    }
    case 'kvs': {
      const name = kvKnobLabel(k);
      const r = ca / Math.max(cb, 1);
      const fid = strategyFidelity(k.kvStrategy?.strategy ?? null);
      const tag = fid === 'exact' ? '' : ` (${fid})`;
      if (r >= 1.15)
        return `${name}${tag} ${r >= 1.9 && r <= 2.1 ? 'doubles concurrency' : r > 2.1 ? `multiplies concurrency by ${f2(r)}` : 'raises concurrency'} (${ca} vs ${cb} seqs)`;
      if ((a.metrics.tpotMs?.p50 ?? Infinity) < (b.metrics.tpotMs?.p50 ?? Infinity))
        return `${name}${tag} reads fewer KV bytes per decode step (TPOT ${fmtMs(a.metrics.tpotMs?.p50)} vs ${fmtMs(b.metrics.tpotMs?.p50)} ms)`;
      if (r > 1) return `${name}${tag} holds more sequences (${ca} vs ${cb})`;
      const st = k.kvStrategy?.strategy;
      const ttft = `(TTFT ${fmtMs(a.metrics.ttftMs?.p50)} vs ${fmtMs(b.metrics.ttftMs?.p50)} ms)`;
      if ((a.metrics.ttftMs?.p50 ?? Infinity) < (b.metrics.ttftMs?.p50 ?? Infinity))
        return st?.share || st?.offload?.multiTurnReuse
          ? `${name}${tag} prefills fewer prompt tokens ${ttft}`
          : `${name}${tag} starts requests sooner ${ttft}`;
      return `${name}${tag}`;
    }
    case 'spec': {
      const on = k.speculative?.config;
      const ta = a.metrics.tpotMs?.p50 ?? NaN;
      const tb = b.metrics.tpotMs?.p50 ?? NaN;
      if (on) return specReason(on, tb, ta);
      const r = ca / Math.max(cb, 1);
      if (r >= 1.05)
        return `no speculative decoding: the draft's weights and KV would cost concurrency (${ca} vs ${cb} seqs)`;
      return `no speculative decoding: ${sib.label} verifies more than it saves (TPOT ${fmtMs(ta)} vs ${fmtMs(tb)} ms)`;
    }
    case 'seqs':
      return k.maxNumSeqs > sib.knobs.maxNumSeqs
        ? `maxNumSeqs ${k.maxNumSeqs} batches more (${f2(a.metrics.concurrency)} vs ${f2(b.metrics.concurrency)} concurrent)`
        : `maxNumSeqs ${k.maxNumSeqs} keeps decode batches small (TPOT ${fmtMs(a.metrics.tpotMs?.p50)} vs ${fmtMs(b.metrics.tpotMs?.p50)} ms)`;
    case 'chunk':
      return k.maxBatchedTokens > sib.knobs.maxBatchedTokens
        ? `${k.maxBatchedTokens}-token chunks prefill more per step (TTFT ${fmtMs(a.metrics.ttftMs?.p50)} vs ${fmtMs(b.metrics.ttftMs?.p50)} ms)`
        : `${k.maxBatchedTokens}-token chunks interleave prefill with decode more finely (TPOT ${fmtMs(a.metrics.tpotMs?.p50)} vs ${fmtMs(b.metrics.tpotMs?.p50)} ms)`;
    case 'pools': {
      const kp = k.plan.prefill!;
      const sp = sib.knobs.plan.prefill!;
      const [role, mine, theirs] =
        kp.instances !== sp.instances
          ? ['prefill', kp.instances, sp.instances]
          : ['decode', k.plan.decode!.instances, sib.knobs.plan.decode!.instances];
      const what = `${mine} ${role} instance${mine > 1 ? 's' : ''} instead of ${theirs}`;
      if (o.startsWith('ttft'))
        return `${what} give TTFT ${fmtMs(a.metrics.ttftMs?.p50)} vs ${fmtMs(b.metrics.ttftMs?.p50)} ms`;
      if (o.startsWith('tpot'))
        return `${what} give TPOT ${fmtMs(a.metrics.tpotMs?.p50)} vs ${fmtMs(b.metrics.tpotMs?.p50)} ms`;
      if ((o === 'cost' || o === 'energy' || o === 'throughput-per-gpu') && mine < theirs)
        return `${what} serve${mine > 1 ? '' : 's'} the load on fewer GPUs (${a.plan.gpusUsed} vs ${b.plan.gpusUsed})`;
      return `${what} serve ${f2(a.metrics.requestsPerSec)} vs ${f2(b.metrics.requestsPerSec)} req/s`;
    }
    case 'disagg':
      return (a.metrics.tpotMs?.p50 ?? Infinity) < (b.metrics.tpotMs?.p50 ?? Infinity)
        ? `prefill no longer stalls decode (TPOT ${fmtMs(a.metrics.tpotMs?.p50)} vs ${fmtMs(b.metrics.tpotMs?.p50)} ms)`
        : 'separate pools size prefill and decode independently';
    case 'layout':
      return layoutCause(k.plan, a, sib.knobs.plan, b, o);
    case 'replicas':
      if (k.plan.dp > sib.knobs.plan.dp)
        return o.startsWith('ttft') || o === 'goodput'
          ? `${k.plan.dp} replicas split the load ${k.plan.dp}/${sib.knobs.plan.dp} ways (TTFT ${fmtMs(a.metrics.ttftMs?.p50)} vs ${fmtMs(b.metrics.ttftMs?.p50)} ms)`
          : `${k.plan.dp} replicas serve more in parallel`;
      return `${k.plan.dp} replica${k.plan.dp > 1 ? 's' : ''} run${k.plan.dp > 1 ? '' : 's'} busier on fewer GPUs (${a.plan.gpusUsed} vs ${b.plan.gpusUsed})`;
  }
}

function layoutCause(pa: Plan, a: EvaluationResult, pb: Plan, b: EvaluationResult, o: Objective): string {
  const la = `${shapeGroup(pa).replace(/·/g, ' ')}${pa.dp > 1 ? `×DP${pa.dp}` : ''}`;
  const lb = `${shapeGroup(pb).replace(/·/g, ' ')}${pb.dp > 1 ? `×DP${pb.dp}` : ''}`;
  const head = `${la} beats ${lb}`;
  const kvA = seqsPerGpu(a);
  const kvB = seqsPerGpu(b);
  if (o.startsWith('ttft')) {
    if (pa.tp > pb.tp)
      return `${head} on TTFT: prefill is compute-bound, so TP${pa.tp} splits each prompt's FLOPs ${pa.tp / pb.tp}× wider`;
    if (pa.dp > pb.dp) return `${head} on TTFT: ${pa.dp} replicas each queue 1/${pa.dp} of the prompts`;
    if (pa.pp < pb.pp) return `${head} on TTFT: fewer pipeline hops per prompt`;
  }
  if (o.startsWith('tpot')) {
    if (pa.tp > pb.tp)
      return `${head} on TPOT: TP${pa.tp} splits each decode step's weight and KV reads ${pa.tp / pb.tp}× wider`;
    if (pa.pp < pb.pp) return `${head} on TPOT: fewer pipeline stages per token`;
    if (pa.dp > pb.dp) return `${head} on TPOT: smaller batches per replica`;
  }
  if (!isLatency(o)) {
    if (kvA >= 1.15 * kvB) return `${head}: more KV room per GPU (${f2(kvA)} vs ${f2(kvB)} seqs/GPU)`;
    if (pa.dp > pb.dp && pa.tp < pb.tp) return `${head}: replicas skip the TP all-reduces and batch independently`;
    if (pa.pp > pb.pp && pa.tp < pb.tp)
      return `${head}: pipeline stages exchange one activation instead of all-reducing every layer`;
    if (pa.tp > pb.tp)
      return `${head}: TP${pa.tp} shortens each decode step (${fmtMs(a.metrics.tpotMs?.p50)} vs ${fmtMs(b.metrics.tpotMs?.p50)} ms)`;
    if (pa.ep !== pb.ep)
      return `${head}: EP${pa.ep} ${pa.ep > pb.ep ? 'spreads the experts wider' : 'keeps expert traffic local'}`;
  }
  return head;
}

function ratioText(r: number): string {
  if (!Number.isFinite(r)) return '∞×';
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(r >= 1.995 ? 1 : r < 1.01 ? 3 : 2)}×`;
}

/**
 * One sentence: why this plan stands where it does among its siblings. Past `deadline`
 * (performance.now() ms; a search's time budget) no further sibling is evaluated: the reason then
 * compares against those evaluated so far.
 */
export function explainPlan(
  ev: PlanEvaluator,
  space: Space,
  k: PlanKnobs,
  r: EvaluationResult,
  o: Objective,
  o2: Objective,
  deadline = Infinity,
): string {
  const opts = space.options;
  const refused = k.kvStrategy
    ? space.kvChoices
        .filter((c) => notAllowedReason(c, opts.allowLossy, opts.allowNearLossless) !== null)
        .map((c) => c.label)
    : [];
  const note = refused.length > 0 ? `; ${refused.join(', ')} not allowed: lossy` : '';
  return explainAgainstSiblings(ev, space, k, r, o, o2, deadline) + note;
}

function explainAgainstSiblings(
  ev: PlanEvaluator,
  space: Space,
  k: PlanKnobs,
  r: EvaluationResult,
  o: Objective,
  o2: Objective,
  deadline: number,
): string {
  const key = (x: EvaluationResult) => [scoreOf(x, o), scoreOf(x, o2)] as const;
  const cmp = (a: readonly [number, number], b: readonly [number, number]) =>
    a[0] !== b[0] ? (a[0] > b[0] ? 1 : -1) : a[1] !== b[1] ? (a[1] > b[1] ? 1 : a[1] < b[1] ? -1 : 0) : 0;
  const mine = key(r);
  let beaten: { sib: Sibling; res: EvaluationResult; key: readonly [number, number] } | null = null;
  // Strategy siblings beaten, kept apart: when the search varies KV strategies the reason says which won.
  let beatenKv: { sib: Sibling; res: EvaluationResult; key: readonly [number, number] } | null = null;
  // Likewise for speculative-decoding siblings: the reason says why speculation is on or off.
  let beatenSpec: { sib: Sibling; res: EvaluationResult; key: readonly [number, number] } | null = null;
  let better: { sib: Sibling; res: EvaluationResult; key: readonly [number, number] } | null = null;
  let infeasible: { sib: Sibling; reason: string } | null = null;
  for (const sib of siblings(space, k)) {
    if (deadline !== Infinity && performance.now() > deadline) break;
    const out = ev.outcome(sib.knobs);
    if (!out.ok) {
      if (!infeasible || (sib.change === 'layout' && infeasible.sib.change !== 'layout'))
        infeasible = { sib, reason: out.reason };
      continue;
    }
    const kk = key(out.result);
    // Prefer the closest sibling beaten on the objective itself; a tie broken by the secondary only
    // when no sibling is beaten outright.
    const outright = (x: readonly [number, number]) => x[0] < mine[0];
    const preferred =
      !beaten ||
      (outright(kk) && !outright(beaten.key)) ||
      (outright(kk) === outright(beaten.key) && cmp(kk, beaten.key) > 0);
    if (cmp(kk, mine) < 0 && preferred) beaten = { sib, res: out.result, key: kk };
    if (sib.change === 'kvs' && cmp(kk, mine) < 0) {
      const pk =
        !beatenKv ||
        (outright(kk) && !outright(beatenKv.key)) ||
        (outright(kk) === outright(beatenKv.key) && cmp(kk, beatenKv.key) > 0);
      if (pk) beatenKv = { sib, res: out.result, key: kk };
    }
    // The "off" sibling first, so the reason says what speculation itself buys.
    const isOff = (x: Sibling) => x.knobs.speculative?.id === 'off';
    if (
      sib.change === 'spec' &&
      cmp(kk, mine) < 0 &&
      (!beatenSpec ||
        (isOff(sib) && !isOff(beatenSpec.sib)) ||
        (isOff(sib) === isOff(beatenSpec.sib) && cmp(kk, beatenSpec.key) > 0))
    )
      beatenSpec = { sib, res: out.result, key: kk };
    if (cmp(kk, mine) > 0 && (!better || cmp(kk, better.key) > 0)) better = { sib, res: out.result, key: kk };
  }
  const prefix = outcomePrefix(r, o);
  if (beatenKv) beaten = beatenKv;
  else if (beatenSpec) beaten = beatenSpec;
  if (beaten) {
    // Equal on the objective: the secondary objective decides, so quote that one.
    const on = beaten.key[0] === mine[0] ? o2 : o;
    const v = objectiveValue(r, on);
    const vb = objectiveValue(beaten.res, on);
    const ratio = improvement(v, vb, on);
    const c = cause(k, r, beaten.sib, beaten.res, on);
    const tie = on === o2 ? `same ${OBJECTIVE_INFO[o].label}, ` : '';
    if (!Number.isFinite(ratio) || (on === 'goodput' && vb === 0))
      return `${prefix}${c}: meets the SLOs where ${beaten.sib.label} does not`;
    return `${prefix}${c}: ${tie}${ratioText(ratio)} ${OBJECTIVE_INFO[on].label} vs ${beaten.sib.label}`;
  }
  if (infeasible) return `${prefix}${infeasible.sib.label} does not fit (${infeasible.reason})`;
  if (better) {
    const on = better.key[0] === mine[0] ? o2 : o;
    const ratio = improvement(objectiveValue(better.res, on), objectiveValue(r, on), on);
    return `${prefix}${better.sib.label} does ${ratioText(ratio)} better on ${OBJECTIVE_INFO[on].label}`;
  }
  if (r.metrics.overloaded) return OVERLOADED_REASON;
  const first = r.bottleneck.split('. ')[0] ?? r.bottleneck;
  return prefix + (first.endsWith('.') ? first.slice(0, -1) : first);
}

const OVERLOADED_REASON = 'overloaded: the offered load exceeds what this plan serves';

/** The SLO miss a reason opens with when ranking by goodput and the plan has none (else ''). */
function outcomePrefix(r: EvaluationResult, o: Objective): string {
  return o === 'goodput' && r.metrics.goodputReqPerSec === 0 ? `${sloMiss(r)}; ` : '';
}

/**
 * A reason written from the closed form (`before`), restated for a second-pass result (`after`,
 * e.g. simulated): the comparison with siblings stays (they were evaluated in the closed form), but
 * what it says about the plan's own outcome — missing the SLO, being overloaded — follows `after`.
 */
export function restateReason(reason: string, before: EvaluationResult, after: EvaluationResult, o: Objective): string {
  if (reason === OVERLOADED_REASON && !after.metrics.overloaded) {
    const first = after.bottleneck.split('. ')[0] ?? after.bottleneck;
    return outcomePrefix(after, o) + (first.endsWith('.') ? first.slice(0, -1) : first);
  }
  const was = outcomePrefix(before, o);
  const body = was && reason.startsWith(was) ? reason.slice(was.length) : reason;
  return outcomePrefix(after, o) + body;
}

/** Which SLO a zero-goodput plan misses, with the numbers. */
function sloMiss(r: EvaluationResult): string {
  if (r.metrics.overloaded) return 'overloaded (queue grows without bound)';
  const t = r.metrics.ttftMs?.p50;
  const p = r.metrics.tpotMs?.p50;
  return `misses the SLO (TTFT ${fmtMs(t)} ms, TPOT ${fmtMs(p)} ms)`;
}
