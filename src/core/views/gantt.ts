/**
 * Plan Gantt (pure): turns the op-level cost of one serving instance into per-GPU spans over time.
 *
 * Where the numbers come from: `iterationCost(dep, shape, true).ops` (core/cost/iteration.ts) for a
 * decode step and a prefill iteration (see shapes.ts). No cost arithmetic happens here: every span
 * lasts exactly its op's roofline `timeS`; this module only places ops in time.
 *
 * Placement:
 *  - Ops of one pipeline stage run back to back in the order the cost model emits them, expanded
 *    per decoder layer (the cost model groups identical layers with a `count`; we re-interleave
 *    them in the model's layer order so alternating sliding/full or dense/MoE layers read right).
 *  - Pipeline parallelism is list-scheduled: micro-batch m starts on stage s when stage s is free
 *    and stage s−1 has finished m and sent it (the PP send/recv op occupies the sending stage).
 *    In the second decode step, m starts on stage 0 only after it left the last stage (a token
 *    must be sampled before the next one is fed back). Gaps inside a phase become 'bubble' spans.
 *  - Host overhead (launch gaps + scheduler) is one span per micro-batch on stage 0, the iteration
 *    overhead divided over the micro-batches.
 *  - Every GPU of a stage (TP ranks, attention-DP groups) and every replica runs the same schedule,
 *    so lanes of one stage share spans. Past `maxLanes` lanes, only some are listed (`lanesTotal`).
 *
 * Time space: microseconds from the start of the first phase.
 *
 * KV tiers (issue 6): when the plan's KV strategy moves KV over the host link (offload, pages evicted to
 * host, multi-turn reuse), each stage gets a "host link" lane (`tier: 'host-link'`) with the transfers
 * one decode step / prefill iteration implies (views/kv.ts `planTierTransfers`): layer-wise ones start
 * with their layer's first op and queue on the link per direction (H2D and D2H are separate), so a link
 * slower than the compute shows as spans running past their layer; with an offload component, swapping
 * one sequence out and back in is drawn after the phases (its own mark). Their spans are 'kv-transfer'
 * with the direction in `GanttDetail.transfer`.
 */
import type { Deployment } from '../cost/deployment.ts';
import { resolveDeployment } from '../cost/deployment.ts';
import { resolvePools } from '../cost/pools.ts';
import { iterationCost, layerGroupKey } from '../cost/iteration.ts';
import type { OpCost, OpKind } from '../cost/roofline.ts';
import type { Scenario } from '../scenario/schema.ts';
import { decodePhaseShape, prefillPhaseShape, type Phase, type PhaseShape } from './shapes.ts';
import type { TierTransferKind } from '../kv/transfers.ts';
import { planTierTransfers, type PlanTierTransfer } from './kv.ts';
import { fmtBytes } from '../format.ts';
import { kvTransfer, poolsOf } from '../evaluate/disagg.ts';
import { ProfileCache } from '../evaluate/profile.ts';
import { estimatorWorkload } from '../evaluate/workload-view.ts';

/** Span kinds, in palette order (index = value stored in `spans.kind`). Same names as charts/theme OP_KINDS. */
export const GANTT_KINDS = [
  'attention',
  'gemm',
  'moe',
  'collective',
  'kv-transfer',
  'bubble',
  'idle',
  'elementwise',
  'sampling',
  'other',
] as const;
export type GanttKind = (typeof GANTT_KINDS)[number];

const KIND_INDEX: Record<GanttKind, number> = Object.fromEntries(GANTT_KINDS.map((k, i) => [k, i])) as Record<
  GanttKind,
  number
>;

/** Map a cost-model op kind to a Gantt span kind. */
export function ganttKindOf(kind: OpKind | 'bubble'): GanttKind {
  switch (kind) {
    case 'gemm':
      return 'gemm';
    case 'attention':
      return 'attention';
    case 'moe':
      return 'moe';
    case 'collective':
    case 'p2p':
      return 'collective';
    case 'kv-transfer':
      return 'kv-transfer';
    case 'elementwise':
    case 'embedding':
      return 'elementwise';
    case 'sampling':
      return 'sampling';
    case 'bubble':
      return 'bubble';
    default:
      return 'other';
  }
}

export interface GanttLane {
  label: string;
  /** Header the lane is grouped under: replica, pipeline stage, node. */
  group: string;
  gpu: number;
  node: number;
  stage: number;
  replica: number;
  /**
   * 'host-link': the lane of a stage's host-link transfers (KV tiers); 'pd-link': the prefill→decode
   * KV hand-off link of a disaggregated plan. Neither is a GPU's compute.
   */
  tier?: 'host-link' | 'pd-link';
}

/** What hovering a span shows. Shared by every span of the same op in the same phase and stage. */
export interface GanttDetail {
  name: string;
  kind: GanttKind;
  opKind: OpKind | 'bubble';
  phase: Phase;
  stage: number;
  shape: string;
  flops: number;
  bytes: number;
  timeUs: number;
  bound: OpCost['bound'] | 'wait';
  /** Tier transfers only: the direction (H2D, D2H, D2H→NVMe, NVMe→H2D). */
  transfer?: TierTransferKind;
}

export interface GanttPhaseMark {
  phase: Phase;
  label: string;
  startUs: number;
  endUs: number;
  describe: string;
}

/** Struct-of-arrays span table (the shape charts/gantt draws), plus the decoder layer per span. */
export interface GanttSpans {
  lane: Uint16Array;
  startUs: Float64Array;
  endUs: Float64Array;
  kind: Uint8Array;
  detail: number[];
  /** Decoder layer index within the model (−1 for non-layer spans). */
  layer: Int16Array;
}

export interface PlanGantt {
  lanes: GanttLane[];
  spans: GanttSpans;
  details: GanttDetail[];
  phases: GanttPhaseMark[];
  makespanUs: number;
  /** GPUs the plan uses; `lanes.length` may be smaller (see `note`). */
  lanesTotal: number;
  note: string | null;
}

export interface GanttOptions {
  /** Phases in time order; default decode then prefill. */
  phases?: readonly Phase[];
  /** Decode steps to lay out back to back (2 shows the pipeline's steady state). */
  decodeSteps?: number;
  /** Most lanes listed. */
  maxLanes?: number;
}

/** One op occurrence in a stage's timeline. */
interface Step {
  op: OpCost;
  layer: number;
}

const LAYER_END = 'norms/rope/act/residual';
const SUFFIX_NAMES = new Set(['lm head', 'logits all-gather', 'sampling']);

/**
 * The ops of stage `s`, in execution order, one entry per layer occurrence. Returns null when the
 * emitted op list does not have the expected structure (the caller then falls back to group order).
 */
export function expandStage(dep: Deployment, ops: readonly OpCost[], s: number): Step[] {
  const stageOps = ops.filter((o) => o.stage === s && o.kind !== 'overhead' && o.kind !== 'p2p');
  const prefix = stageOps.filter((o) => o.kind === 'embedding');
  const suffix = stageOps.filter((o) => o.kind !== 'embedding' && SUFFIX_NAMES.has(o.name) && o.count === 1);
  const middle = stageOps.filter((o) => !prefix.includes(o) && !suffix.includes(o));
  // Split the layer ops into groups; every layer ends with the elementwise op.
  const groups: OpCost[][] = [];
  let cur: OpCost[] = [];
  for (const o of middle) {
    cur.push(o);
    if (o.name === LAYER_END) {
      groups.push(cur);
      cur = [];
    }
  }
  const start = dep.instance.stageLayers.slice(0, s).reduce((a, b) => a + b, 0);
  const layers = dep.model.layers.slice(start, start + (dep.instance.stageLayers[s] ?? 0));
  const keys: string[] = [];
  for (const l of layers) if (!keys.includes(layerGroupKey(l))) keys.push(layerGroupKey(l));
  const out: Step[] = prefix.map((op) => ({ op, layer: -1 }));
  const consistent =
    cur.length === 0 &&
    groups.length === keys.length &&
    groups.every((g, i) => g.every((o) => o.count === layers.filter((l) => layerGroupKey(l) === keys[i]).length));
  if (consistent) {
    layers.forEach((l, i) => {
      const g = groups[keys.indexOf(layerGroupKey(l))] ?? [];
      for (const op of g) out.push({ op, layer: start + i });
    });
  } else {
    // Unknown structure: each op once per count, in emission order (still exact per-op times).
    let layer = start;
    for (const o of middle) {
      for (let k = 0; k < o.count; k++) out.push({ op: o, layer: o.count > 1 ? layer + k : -1 });
      if (o.name === LAYER_END) layer += o.count;
    }
  }
  for (const op of suffix) out.push({ op, layer: -1 });
  return out;
}

class SpanBuilder {
  lane: number[] = [];
  start: number[] = [];
  end: number[] = [];
  kind: number[] = [];
  detail: number[] = [];
  layer: number[] = [];
  push(lane: number, s: number, e: number, kind: GanttKind, detail: number, layer: number) {
    if (!(e > s)) return;
    this.lane.push(lane);
    this.start.push(s);
    this.end.push(e);
    this.kind.push(KIND_INDEX[kind]);
    this.detail.push(detail);
    this.layer.push(layer);
  }
  build(): GanttSpans {
    return {
      lane: Uint16Array.from(this.lane),
      startUs: Float64Array.from(this.start),
      endUs: Float64Array.from(this.end),
      kind: Uint8Array.from(this.kind),
      detail: this.detail,
      layer: Int16Array.from(this.layer),
    };
  }
}

/** A span on one stage, before it is copied to that stage's lanes. */
interface StageSpan {
  stage: number;
  startUs: number;
  endUs: number;
  kind: GanttKind;
  detail: number;
  layer: number;
}

function laneList(
  dep: Deployment,
  gpusPerNode: number,
  maxLanes: number,
): { lanes: GanttLane[]; total: number; note: string | null } {
  const { tp, pp, attentionDp } = dep.instance;
  const ranks = tp * attentionDp;
  const instGpus = dep.instance.gpus;
  const total = dep.dp * instGpus;
  const ranksShown = Math.max(1, Math.min(ranks, Math.floor(maxLanes / pp)));
  const replicasShown = Math.max(1, Math.min(dep.dp, Math.floor(maxLanes / (pp * ranksShown))));
  const lanes: GanttLane[] = [];
  for (let r = 0; r < replicasShown; r++) {
    for (let s = 0; s < pp; s++) {
      const first = r * instGpus + s * ranks;
      const nodeA = Math.floor(first / gpusPerNode);
      const nodeB = Math.floor((first + ranks - 1) / gpusPerNode);
      const where = nodeA === nodeB ? `node ${nodeA}` : `nodes ${nodeA}–${nodeB}`;
      const group = [dep.dp > 1 ? `Replica ${r}` : null, pp > 1 ? `Stage ${s}` : null, where]
        .filter(Boolean)
        .join(' · ');
      for (let j = 0; j < ranksShown; j++) {
        const gpu = first + j;
        const role = attentionDp > 1 ? `DP${Math.floor(j / tp)}·TP${j % tp}` : tp > 1 ? `TP${j}` : '';
        lanes.push({
          label: `GPU ${gpu}${role ? ` ${role}` : ''}`,
          group,
          gpu,
          node: Math.floor(gpu / gpusPerNode),
          stage: s,
          replica: r,
        });
      }
    }
  }
  let note: string | null = null;
  if (lanes.length < total) {
    const parts: string[] = [];
    if (ranksShown < ranks) parts.push(`${ranksShown} of ${ranks} GPUs per stage`);
    if (replicasShown < dep.dp) parts.push(`${replicasShown} of ${dep.dp} replicas`);
    note = `Showing ${lanes.length} of ${total} GPUs (${parts.join(', ')}): the hidden GPUs run the same schedule as the ones shown.`;
  }
  return { lanes, total, note };
}

/** Lay out the phases of one instance. Spans are per stage; lanes copy their stage's spans. */
export function scheduleStages(
  dep: Deployment,
  phases: readonly PhaseShape[],
  decodeSteps: number,
): { spans: StageSpan[]; details: GanttDetail[]; marks: GanttPhaseMark[]; makespanUs: number } {
  const pp = dep.instance.pp;
  const details: GanttDetail[] = [];
  const detailIndex = new Map<string, number>();
  const detailOf = (op: OpCost | null, phase: Phase, stage: number, bubble?: { us: number; why: string }): number => {
    const key = op ? `${phase}|${stage}|${op.name}|${op.kind}` : `${phase}|${stage}|bubble|${bubble?.why ?? ''}`;
    const hit = detailIndex.get(key);
    if (hit !== undefined && op) return hit;
    const d: GanttDetail = op
      ? {
          name: op.name,
          kind: ganttKindOf(op.kind),
          opKind: op.kind,
          phase,
          stage,
          shape: op.shape,
          flops: op.flops,
          bytes: op.bytes,
          timeUs: op.timeS * 1e6,
          bound: op.bound,
        }
      : {
          name: 'pipeline bubble',
          kind: 'bubble',
          opKind: 'bubble',
          phase,
          stage,
          shape: bubble?.why ?? '',
          flops: 0,
          bytes: 0,
          timeUs: bubble?.us ?? 0,
          bound: 'wait',
        };
    details.push(d);
    detailIndex.set(key, details.length - 1);
    return details.length - 1;
  };

  const spans: StageSpan[] = [];
  const marks: GanttPhaseMark[] = [];
  let t0 = 0;
  for (const ph of phases) {
    const cost = iterationCost(dep, ph.shape, true);
    const ops = cost.ops ?? [];
    const steps = Array.from({ length: pp }, (_, s) => expandStage(dep, ops, s));
    // Speculative decoding: the k draft passes follow the verify on the last stage (spans named "draft k/K · op").
    if (ph.draft) steps[pp - 1]!.push(...draftSteps(ph.draft));
    const p2p = ops.find((o) => o.kind === 'p2p') ?? null;
    const overhead = ops.find((o) => o.kind === 'overhead') ?? null;
    const m = ph.microBatches;
    const iterations = ph.phase === 'decode' ? Math.max(1, decodeSteps) : 1;
    const free = new Array<number>(pp).fill(t0);
    // Time micro-batch j left the last stage in the previous decode step.
    const exited = new Array<number>(m).fill(t0);
    const phaseStart = t0;
    const busy: { s: number; a: number; b: number }[] = [];
    for (let it = 0; it < iterations; it++) {
      for (let j = 0; j < m; j++) {
        let ready = exited[j] ?? t0;
        for (let s = 0; s < pp; s++) {
          let t = Math.max(free[s] ?? t0, ready);
          const a = t;
          if (s === 0 && overhead) {
            const us = (overhead.timeS * 1e6) / m;
            spans.push({
              stage: s,
              startUs: t,
              endUs: t + us,
              kind: 'other',
              detail: detailOf(overhead, ph.phase, s),
              layer: -1,
            });
            t += us;
          }
          for (const st of steps[s] ?? []) {
            const us = st.op.timeS * 1e6;
            if (!(us > 0)) continue;
            spans.push({
              stage: s,
              startUs: t,
              endUs: t + us,
              kind: ganttKindOf(st.op.kind),
              detail: detailOf(st.op, ph.phase, s),
              layer: st.layer,
            });
            t += us;
          }
          if (s < pp - 1 && p2p) {
            const us = p2p.timeS * 1e6;
            spans.push({
              stage: s,
              startUs: t,
              endUs: t + us,
              kind: 'collective',
              detail: detailOf(p2p, ph.phase, s),
              layer: -1,
            });
            t += us;
          }
          busy.push({ s, a, b: t });
          free[s] = t;
          ready = t;
        }
        exited[j] = ready;
      }
    }
    const end = Math.max(...free, phaseStart);
    // Gaps inside the phase on each stage are pipeline bubbles.
    for (let s = 0; s < pp; s++) {
      const mine = busy.filter((b) => b.s === s).sort((x, y) => x.a - y.a);
      let cursor = phaseStart;
      for (const b of [...mine, { s, a: end, b: end }]) {
        if (b.a - cursor > 1e-6) {
          const us = b.a - cursor;
          const why =
            s === 0 ? 'waiting for the micro-batch to come back from the last stage' : `waiting for stage ${s - 1}`;
          spans.push({
            stage: s,
            startUs: cursor,
            endUs: b.a,
            kind: 'bubble',
            detail: detailOf(null, ph.phase, s, { us, why }),
            layer: -1,
          });
        }
        cursor = Math.max(cursor, b.b);
      }
    }
    marks.push({
      phase: ph.phase,
      label:
        ph.phase === 'decode' ? (iterations > 1 ? `${iterations} decode steps` : 'decode step') : 'prefill iteration',
      startUs: phaseStart,
      endUs: end,
      describe: ph.describe,
    });
    t0 = end;
  }
  return { spans, details, marks, makespanUs: t0 };
}

/** The draft passes of a speculative decode step as Gantt steps: each draft op once per pass, labelled. */
function draftSteps(d: NonNullable<PhaseShape['draft']>): { op: OpCost; layer: number }[] {
  const ops = iterationCost(d.dep, d.shape, true, false).ops ?? [];
  // The draft's own kernel-launch gaps (no extra host step: the drafter runs inside the engine step).
  const launches = ops.filter((o) => o.kind === 'overhead' && o.timeS > 0).map((op) => ({ op, layer: -1 }));
  const one = [...expandStage(d.dep, ops, 0), ...launches];
  const out: { op: OpCost; layer: number }[] = [];
  for (let i = 1; i <= d.passes; i++)
    for (const st of one) out.push({ op: { ...st.op, name: `draft ${i}/${d.passes} · ${st.op.name}` }, layer: -1 });
  return out;
}

export function ganttFromDeployment(
  dep: Deployment,
  scenario: Scenario,
  concurrency: number,
  opts: GanttOptions = {},
): PlanGantt {
  const phaseList = opts.phases ?? ['decode', 'prefill'];
  const shapes = phaseList.map((p) =>
    p === 'decode' ? decodePhaseShape(dep, scenario, concurrency) : prefillPhaseShape(dep, scenario),
  );
  const { spans, details, marks, makespanUs } = scheduleStages(dep, shapes, opts.decodeSteps ?? 2);
  const { lanes, total, note } = laneList(dep, scenario.cluster.gpusPerNode, opts.maxLanes ?? 32);
  const b = new SpanBuilder();
  lanes.forEach((lane, li) => {
    for (const sp of spans) if (sp.stage === lane.stage) b.push(li, sp.startUs, sp.endUs, sp.kind, sp.detail, sp.layer);
  });
  const transfers = planTierTransfers(dep, scenario, concurrency).filter((x) => phaseList.includes(x.phase));
  if (transfers.length === 0)
    return { lanes, spans: b.build(), details, phases: marks, makespanUs, lanesTotal: total, note };
  const tier = tierLaneSpans(dep, transfers, spans, marks, makespanUs, details);
  // One host-link lane per stage (and replica) shown, after the GPU lanes.
  const gpuLanes = lanes.length;
  for (let li = 0; li < gpuLanes; li++) {
    const l = lanes[li]!;
    if (lanes.some((x, j) => j < li && x.stage === l.stage && x.replica === l.replica)) continue;
    const idx = lanes.length;
    lanes.push({
      label: `GPU ${l.gpu} ↔ host`,
      group: `${l.group} · host link`,
      gpu: l.gpu,
      node: l.node,
      stage: l.stage,
      replica: l.replica,
      tier: 'host-link',
    });
    for (const sp of tier.spans)
      if (sp.stage === l.stage) b.push(idx, sp.startUs, sp.endUs, 'kv-transfer', sp.detail, sp.layer);
  }
  return {
    lanes,
    spans: b.build(),
    details,
    phases: [...marks, ...tier.marks],
    makespanUs: tier.makespanUs,
    lanesTotal: total,
    note,
  };
}

/**
 * Place the plan's tier transfers per stage: layer-wise ones at each layer occurrence's first op, queued
 * per direction on the host link; one-off ones (a swap) after the last phase.
 */
function tierLaneSpans(
  dep: Deployment,
  transfers: readonly PlanTierTransfer[],
  spans: readonly StageSpan[],
  marks: readonly GanttPhaseMark[],
  makespanUs: number,
  details: GanttDetail[],
): { spans: StageSpan[]; marks: GanttPhaseMark[]; makespanUs: number } {
  const out: StageSpan[] = [];
  const extra: GanttPhaseMark[] = [];
  const detailOf = (x: PlanTierTransfer, stage: number): number => {
    details.push({
      name: x.name,
      kind: 'kv-transfer',
      opKind: 'kv-transfer',
      phase: x.phase,
      stage,
      shape: x.describe,
      flops: 0,
      bytes: x.bytes,
      timeUs: x.us,
      bound: 'network',
      transfer: x.transfer,
    });
    return details.length - 1;
  };
  let end = makespanUs;
  for (let s = 0; s < dep.instance.pp; s++) {
    for (const m of marks) {
      const layerStarts: { t: number; layer: number }[] = [];
      let prev = -2;
      const mine = spans
        .filter((sp) => sp.stage === s && sp.startUs >= m.startUs && sp.startUs < m.endUs)
        .sort((a, c) => a.startUs - c.startUs);
      for (const sp of mine) {
        if (sp.layer >= 0 && sp.layer !== prev) layerStarts.push({ t: sp.startUs, layer: sp.layer });
        prev = sp.layer;
      }
      const free: Record<string, number> = {};
      for (const x of transfers) {
        if (x.phase !== m.phase || x.per !== 'layer' || !(x.us > 0)) continue;
        const d = detailOf(x, s);
        for (const ls of layerStarts) {
          const a = Math.max(ls.t, free[x.transfer] ?? -Infinity);
          out.push({ stage: s, startUs: a, endUs: a + x.us, kind: 'kv-transfer', detail: d, layer: ls.layer });
          free[x.transfer] = a + x.us;
          end = Math.max(end, a + x.us);
        }
      }
    }
  }
  const once = transfers.filter((x) => x.per === 'once' && x.us > 0);
  if (once.length > 0) {
    const start = end;
    let t = start;
    for (const x of once) {
      for (let s = 0; s < dep.instance.pp; s++)
        out.push({ stage: s, startUs: t, endUs: t + x.us, kind: 'kv-transfer', detail: detailOf(x, s), layer: -1 });
      t += x.us;
    }
    extra.push({
      phase: 'decode',
      label: 'swap one sequence (host link)',
      startUs: start,
      endUs: t,
      describe: once.map((x) => `${x.name}: ${x.describe}`).join('; '),
    });
    end = t;
  }
  return { spans: out, marks: extra, makespanUs: end };
}

/**
 * Gantt of the scenario's plan at the steady-state concurrency (per instance) reported by
 * `evaluateSteadyState(scenario).metrics.concurrency`. Throws the engine's ScenarioError for a plan
 * that does not resolve (the caller shows it).
 */
export function planGantt(scenario: Scenario, concurrency: number, opts: GanttOptions = {}): PlanGantt {
  const rp = resolvePools(scenario);
  if (!rp.disaggregated) return ganttFromDeployment(resolveDeployment(scenario), scenario, concurrency, opts);
  return disaggregatedGantt(rp.pools, scenario, concurrency, opts);
}

/**
 * The prefill→decode KV hand-off of a disaggregated plan as the closed-form P/D estimator times it
 * (search/disagg.ts `kvTransfer`, the same figure its TTFT adds): one prompt of the workload's mean
 * input length, over NVLink inside one scale-up domain, else the per-GPU NIC.
 */
export function planKvHandoff(
  scenario: Scenario,
): { seconds: number; bytes: number; link: 'NVLink' | 'NIC'; inputTokens: number } | null {
  const pools = poolsOf(scenario);
  if (!pools) return null;
  const cache = new ProfileCache();
  const inputTokens = estimatorWorkload(scenario).inputTokens;
  const tx = kvTransfer(
    cache.get(scenario, pools.prefill, 'prefill'),
    cache.get(scenario, pools.decode, 'decode'),
    pools,
    inputTokens,
  );
  return {
    seconds: tx.seconds,
    bytes: tx.bytesPerPrompt,
    link: tx.scope === 'nvlink' ? 'NVLink' : 'NIC',
    inputTokens,
  };
}

/**
 * A disaggregated plan: the prefill pool's GPUs run prefill iterations and the decode pool's GPUs
 * run decode steps (GPU numbers: prefill pool first). `concurrency` is the decode instances' batch.
 * With both phases shown, the timeline follows a prompt through the pools: the prefill iteration, then
 * the KV hand-off on a link lane between the pools (a 'kv-transfer' span lasting `planKvHandoff`'s
 * time), then the decode steps. In steady state the pools run concurrently on different requests.
 */
function disaggregatedGantt(
  pools: ReturnType<typeof resolvePools>['pools'],
  scenario: Scenario,
  concurrency: number,
  opts: GanttOptions,
): PlanGantt {
  const wanted = opts.phases ?? ['decode', 'prefill'];
  const parts = pools
    .filter((p) => wanted.includes(p.role === 'prefill' ? 'prefill' : 'decode'))
    .sort((a, b) => (a.role === 'prefill' ? 0 : 1) - (b.role === 'prefill' ? 0 : 1))
    .map((p) => ({
      role: p.role,
      g: ganttFromDeployment(p.dep, scenario, concurrency, {
        ...opts,
        phases: [p.role === 'prefill' ? 'prefill' : 'decode'],
        maxLanes: Math.max(4, Math.floor((opts.maxLanes ?? 32) / 2)),
      }),
      gpus: p.gpus,
    }));
  const lanes: GanttLane[] = [];
  const details: GanttDetail[] = [];
  const b = new SpanBuilder();
  const phases: GanttPhaseMark[] = [];
  const notes: string[] = [];
  let gpuOffset = 0;
  let total = 0;
  // Both pools shown: the decode steps start once the prompt's KV has reached the decode pool.
  const handoff = parts.length === 2 ? planKvHandoff(scenario) : null;
  let shift = 0;
  for (const { role, g, gpus } of parts) {
    if (role !== 'prefill' && handoff) {
      const start = Math.max(0, ...phases.map((p) => p.endUs));
      const us = handoff.seconds * 1e6;
      const lanes0 = lanes[0];
      const describe = `${fmtBytes(handoff.bytes)} of KV (one ${handoff.inputTokens}-token prompt) from the prefill instance to the decode instance over ${handoff.link === 'NVLink' ? 'NVLink (both pools in one scale-up domain)' : 'the per-GPU NIC (RDMA)'}, every GPU sending its shard in parallel: ${us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`}`;
      details.push({
        name: `KV hand-off prefill → decode (${handoff.link})`,
        kind: 'kv-transfer',
        opKind: 'kv-transfer',
        phase: 'prefill',
        stage: 0,
        shape: describe,
        flops: 0,
        bytes: handoff.bytes,
        timeUs: us,
        bound: 'network',
      });
      lanes.push({
        label: `prefill → decode (${handoff.link})`,
        group: 'KV transfer · prefill → decode',
        gpu: lanes0?.gpu ?? 0,
        node: lanes0?.node ?? 0,
        stage: 0,
        replica: 0,
        tier: 'pd-link',
      });
      b.push(lanes.length - 1, start, start + us, 'kv-transfer', details.length - 1, -1);
      phases.push({
        phase: 'prefill',
        label: `KV transfer prefill → decode (${handoff.link})`,
        startUs: start,
        endUs: start + us,
        describe,
      });
      shift = start + us;
    }
    const laneBase = lanes.length;
    const detailBase = details.length;
    const pool = role === 'prefill' ? 'Prefill pool' : 'Decode pool';
    const dt = role === 'prefill' ? 0 : shift;
    for (const l of g.lanes)
      lanes.push({
        ...l,
        gpu: l.gpu + gpuOffset,
        label: l.label.replace(/^GPU \d+/, `GPU ${l.gpu + gpuOffset}`),
        group: `${pool} · ${l.group}`,
      });
    details.push(...g.details);
    for (let i = 0; i < g.spans.lane.length; i++) {
      b.push(
        laneBase + g.spans.lane[i]!,
        g.spans.startUs[i]! + dt,
        g.spans.endUs[i]! + dt,
        GANTT_KINDS[g.spans.kind[i]!]!,
        detailBase + g.spans.detail[i]!,
        g.spans.layer[i]!,
      );
    }
    phases.push(
      ...g.phases.map((m) => ({ ...m, label: `${pool}: ${m.label}`, startUs: m.startUs + dt, endUs: m.endUs + dt })),
    );
    if (g.note) notes.push(`${pool}: ${g.note}`);
    gpuOffset += gpus;
    total += g.lanesTotal;
  }
  if (handoff)
    notes.push(
      `One prompt followed through the pools: prefill, the KV transfer to the decode pool over ${handoff.link} (the link lane), then decode; in steady state the two pools run concurrently on different requests.`,
    );
  return {
    lanes,
    spans: b.build(),
    details,
    phases,
    makespanUs: Math.max(0, ...phases.map((p) => p.endUs)),
    lanesTotal: total,
    note: notes.length > 0 ? notes.join(' ') : null,
  };
}
