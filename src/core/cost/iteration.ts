/**
 * Time of one serving iteration (one forward pass over a batch) on one instance, op by op.
 *
 * Per decoder layer on one GPU (tp-way tensor parallel, Megatron-LM column/row split, Shoeybi et al. 2019):
 *   QKV GEMM   M=T_a  K=h            N=(q_heads + 2·kv_heads)·d      (GQA-correct: kv heads, not q heads)
 *   attention  prefill: 4·q_heads·d·pairs FLOPs (QKᵀ and PV, causal pairs); decode: reads every cached key
 *   O GEMM     M=T_a  K=q_heads·d    N=h
 *   FFN        gate_up M=T_a K=h N=2·I/tp; down M=T_a K=I/tp N=h   (or routed experts, see moeOps)
 *   2 all-reduces of T_a·h over tp (after attention and after the FFN)
 * T_a = tokens per attention-DP group. MLA (DeepSeek-V2, 2024) replaces QKV with the low-rank
 * q_a/q_b/kv_a/kv_b path and attends in the latent space while decoding (weight absorption).
 * Each op's time is its measured kernel latency where the deployment's GPU and engine have a profile covering the
 * shape (core/kernels/measured.ts: GEMMs, attention, MoE layers, collectives), else its roofline time; kernel-launch
 * gaps and a per-step host overhead are added.
 */
import { ownsIndexer, stateBytesPerLayerPerSequence } from '../model/params.ts';
import type { LayerSpec, LinearAttentionSpec, SparseIndexerSpec } from '../model/types.ts';
import { CALIBRATION } from './calibration.ts';
import { collectiveTimeS, linkFor, type CollectiveKind } from './collectives.ts';
import type { Deployment } from './deployment.ts';
import { geometryOf, layerGeometry, type Geometry } from './geometry.ts';
import { gemmEfficiency, rooflineInto, type OpCost, type OpKind, type RooflineTime } from './roofline.ts';
import type { BatchShape } from './batch.ts';
import { kvHookOf, type DecodeKvRead, type KvHook } from './kv-hook.ts';
import {
  gemmTableDtype,
  kernelBasisOf,
  measuredCollectiveS,
  measuredDecodeAttentionS,
  measuredGemmS,
  measuredMlaPrefillS,
  measuredMoeS,
  measuredPrefillAttentionS,
  scaleToGpu,
  type MeasuredKernels,
} from '../kernels/measured.ts';
import { bytesPerElement } from '../hardware/dtype.ts';
import { MOE_WEIGHT_BYTES } from '../kernels/types.ts';
import type { MoeDtype, MoeShape } from '../kernels/types.ts';
import { opTimeScale } from '../calibrate/scale.ts';
import type { CalibrationFactors } from '../calibrate/schema.ts';

export interface IterationCost {
  /** Latency of the step through every pipeline stage, host overhead included, seconds. */
  timeS: number;
  /** Compute + communication time of each pipeline stage, seconds. */
  stageTimesS: number[];
  /** Pipeline send/recv time between consecutive stages (each boundary), seconds. */
  p2pS: number;
  /** Launch gaps + host overhead, seconds. */
  overheadS: number;
  /** The ops, when asked for (Gantt, roofline); omitted on the simulator's fast path. */
  ops?: OpCost[];
}

type Emit = (op: OpCost) => void;

/** What a layer's sparse-attention selection leaves to read (sparseSelection). */
interface Selection {
  indexerS: number;
  decodeTokens: number;
  prefillPairs: number;
}

interface Ctx {
  dep: Deployment;
  g: Geometry;
  shape: BatchShape;
  /** Tokens per attention-DP group. */
  ta: number;
  stage: number;
  emit: Emit | undefined;
  /** Op records are wanted (emit set): only then are the ops' shape labels formatted. */
  detail: boolean;
  /**
   * Scratch for the op being costed, filled and consumed by one op before the next starts: the
   * simulator's lean path (no emit) then allocates nothing per op.
   */
  rt: RooflineTime;
  /** Scratch result of sparseSelection, read by its caller at once. */
  sel: Selection;
  /** The scenario's KV strategy as the engine applies it (null: plain paged KV). */
  kv: KvHook | null;
  /** Measured kernels of the deployment's GPU and engine (null: roofline only). */
  mk: MeasuredKernels | null;
  /** The step replays a CUDA graph (selects the graph-mode all-reduce table). */
  graphs: boolean;
  /** Factors fitted to the user's benchmark (runtime.engine.calibration), applied per op kind in `record`. */
  cal: CalibrationFactors | undefined;
}

/**
 * Use a measured time when there is one (rescaled for GPU overrides), else the roofline's; updates `t` in place.
 * `streamedBytes` are what the op reads from HBM in a real step, whatever a microbenchmark kept in cache (weights,
 * KV): every layer's are its own, so they stream from HBM once a step. A table that beats them at the datasheet
 * bandwidth timed a cache-resident loop (L40S SGLang, 96 MB of L2: a 4096 × 4096 fp8 GEMM at one token in 43 % of the
 * time its 16 MB of weights take over 864 GB/s) and is held at that bound.
 */
function withMeasured(c: Ctx, t: RooflineTime, measuredS: number, streamedBytes: number): RooflineTime {
  if (!c.mk || !(measuredS > 0) || !Number.isFinite(measuredS)) return t;
  const boundS = streamedBytes / c.g.hbmPeakBytesPerS;
  const scaledS = scaleToGpu(c.mk, measuredS, t.computeS, t.memoryS);
  t.timeS = scaledS > boundS ? scaledS : boundS;
  if (scaledS < boundS) t.bound = 'memory';
  return t;
}

/** The scratch `c.rt` set to a time that is not a roofline (collectives, KV-strategy work). */
function fixedTime(c: Ctx, timeS: number, computeS: number, memoryS: number, bound: OpCost['bound']): RooflineTime {
  const t = c.rt;
  t.timeS = timeS;
  t.computeS = computeS;
  t.memoryS = memoryS;
  t.bound = bound;
  return t;
}

/**
 * Seconds of `count` runs of one op, emitting its record when asked. `t` is the op's own (scratch)
 * time and is scaled in place; `shape` is the label, formatted by the caller only when `c.detail`
 * (the simulator's lean path passes '').
 */
function record(
  c: Ctx,
  name: string,
  kind: OpKind,
  flops: number,
  bytes: number,
  t: RooflineTime,
  shape: string,
  count: number,
): number {
  if (c.cal) t.timeS = t.timeS * opTimeScale(c.cal, kind);
  c.emit?.({
    name,
    kind,
    flops,
    bytes,
    timeS: t.timeS,
    computeS: t.computeS,
    memoryS: t.memoryS,
    bound: t.bound,
    shape,
    count,
    stage: c.stage,
  });
  return t.timeS * count;
}

/** A GEMM [M×K]·[K×N] with weights of `weightBytes` per element. */
export function gemmOp(
  c: Ctx,
  name: string,
  m: number,
  k: number,
  n: number,
  count: number,
  kind: OpKind = 'gemm',
  weightBytes = c.g.weightBytes,
): number {
  if (m <= 0 || count <= 0) return 0;
  const flops = 2 * m * k * n;
  const bytes = k * n * weightBytes + (m * k + m * n) * c.g.gemmActBytes;
  const rate = c.g.gemmPeakFlopsPerS * gemmEfficiency(m, 1);
  const t = rooflineInto(c.rt, flops, bytes, rate, c.g.hbmBytesPerS);
  if (t.timeS < c.g.kernelFloorS) {
    t.timeS = c.g.kernelFloorS;
    t.bound = 'latency';
  }
  if (c.mk) {
    const dt = gemmTableDtype(weightBytes, c.g.gemmMathDtype);
    if (dt) withMeasured(c, t, measuredGemmS(c.mk, dt, m, k, n), k * n * weightBytes);
  }
  return record(c, name, kind, flops, bytes, t, c.detail ? `M=${fmt(m)} K=${fmt(k)} N=${fmt(n)}` : '', count);
}

function elementwiseOp(c: Ctx, name: string, bytes: number, count: number, kind: OpKind = 'elementwise'): number {
  if (bytes <= 0 || count <= 0) return 0;
  const t = rooflineInto(c.rt, 0, bytes, 1, c.g.hbmBytesPerS);
  return record(c, name, kind, 0, bytes, t, c.detail ? `${fmt(bytes / 1e6)} MB` : '', count);
}

function collectiveOp(
  c: Ctx,
  name: string,
  kind: CollectiveKind,
  bufferBytes: number,
  n: number,
  count: number,
  opKind: OpKind = 'collective',
): number {
  if (count <= 0 || bufferBytes <= 0 || (n <= 1 && kind !== 'send-recv')) return 0;
  const link = linkFor(c.dep.gpu, kind === 'send-recv' ? c.dep.instance.gpus : n, c.dep.links.scaleUpDomainGpus);
  let timeS = collectiveTimeS(kind, bufferBytes, n, link);
  if (c.mk && kind !== 'send-recv' && link.scope === 'scale-up') {
    const m = measuredCollectiveS(c.mk, kind, bufferBytes, n, c.graphs);
    if (m > 0 && Number.isFinite(m)) timeS = m;
  }
  return record(
    c,
    name,
    opKind,
    0,
    bufferBytes,
    fixedTime(c, timeS, 0, 0, 'network'),
    c.detail ? `${kind} ${fmt(bufferBytes / 1e6)} MB × ${n} GPUs (${link.scope})` : '',
    count,
  );
}

function attentionOps(c: Ctx, layer: LayerSpec, count: number): number {
  const { dep, shape } = c;
  if (dep.model.compressedAttention) return compressedAttentionOps(c, layer, count);
  // The layer's own shape sharded over tp (Gemma-4 / MiMo-V2 sliding layers differ from the full ones).
  const g = layerGeometry(dep, layer);
  const att = g.spec;
  const adp = dep.instance.attentionDp;
  const sliding = layer.attention === 'sliding';
  const pairs = (sliding ? shape.attnPairsWindow : shape.attnPairs) / adp;
  const kvRead = (sliding ? shape.kvReadTokensWindow : shape.kvReadTokens) / adp;
  const decKv = (sliding ? shape.decodeKvReadTokensWindow : shape.decodeKvReadTokens) / adp;
  let prefillPairs = Math.max(0, pairs - decKv);
  const prefillKv = Math.max(0, kvRead - decKv);
  // KV-strategy hook: decode reads the strategy's bytes (budget, residual window, selection), plus its extra work.
  const kvd = c.kv ? c.kv.decodeRead(shape, sliding, adp) : null;
  let decRead = kvd ? kvd.tokens : decKv;
  const h = dep.model.hiddenSize;
  const ta = c.ta;
  // Sequences per attention-DP group: prefill chunks and decodes (the measured tables are per batch).
  const decSeqs = shape.decodeSeqs / adp;
  const preSeqs = Math.max(0, shape.seqs - shape.decodeSeqs) / adp;
  // Speculative verify: each decoding sequence runs `width` queries over the keys it reads once.
  const width = shape.decodeWidth ?? 1;
  let t = 0;
  if (att.kind === 'mla') {
    const qkHead = att.qkNopeHeadDim + att.qkRopeHeadDim;
    // Fused q_a + kv_a down-projection (replicated on every TP rank in vLLM/SGLang).
    t += gemmOp(c, 'q_a+kv_a proj', ta, h, (att.qLoraRank ?? 0) + att.kvLoraRank + att.qkRopeHeadDim, count);
    t += gemmOp(c, 'q_b proj', ta, att.qLoraRank ?? h, g.qHeads * qkHead, count);
    // kv_b up-projection; while decoding the same weights are absorbed into q and o (same FLOPs per token).
    t += gemmOp(c, 'kv_b / absorb', ta, att.kvLoraRank, g.qHeads * (att.qkNopeHeadDim + att.vHeadDim), count);
    const latent = att.kvLoraRank + att.qkRopeHeadDim;
    const sel = sparseSelection(c, layer, decSeqs, decRead, prefillPairs, count);
    t += sel.indexerS;
    decRead = sel.decodeTokens;
    prefillPairs = sel.prefillPairs;
    t += attentionCore(
      c,
      'attention prefill (MLA)',
      prefillPairs * g.qHeads * 2 * (qkHead + att.vHeadDim),
      prefillKv * g.kvBytesPerTokenLayerGpu,
      false,
      count,
      c.mk && prefillPairs > 0 ? measuredMlaPrefillS(c.mk, kvTable(c.g.kvBytes), preSeqs, prefillPairs, g.qHeads) : NaN,
    );
    const decS = attentionCore(
      c,
      'attention decode (MLA latent)',
      width * decRead * g.qHeads * 2 * (latent + att.kvLoraRank),
      decRead * g.kvBytesPerTokenLayerGpu,
      true,
      count,
      NaN,
      width,
    );
    t += decS;
    if (kvd) t += kvDecodeExtras(c, kvd, decRead * g.kvBytesPerTokenLayerGpu, decS / count, count);
    // Kimi-K3 mla_use_output_gate: a sigmoid gate projection hidden → heads·vHeadDim.
    if (att.outputGate) t += gemmOp(c, 'output-gate proj', ta, h, g.qHeads * att.vHeadDim, count);
    t += gemmOp(c, 'o proj', ta, g.qHeads * att.vHeadDim, h, count);
  } else {
    // Qwen3.5 gated attention: q_proj also emits the sigmoid output gate (another qHeads·headDim).
    const qOut = att.outputGate ? 2 * g.qHeads : g.qHeads;
    // K = V (Gemma-4 full layers): no v_proj; MiMo-V2: values narrower than keys (vHeadDim).
    const vOut = att.kvShared ? 0 : g.kvHeads * att.vHeadDim;
    t += gemmOp(c, 'qkv proj', ta, h, (qOut + g.kvHeads) * att.headDim + vOut, count);
    // Block-sparse attention (MiniMax-M3): the indexer scores every cached token, the attention reads
    // the selected blocks only (same top-k read bound as DSA, in tokens).
    const sel = sparseSelection(c, layer, decSeqs, decRead, prefillPairs, count);
    t += sel.indexerS;
    decRead = sel.decodeTokens;
    prefillPairs = sel.prefillPairs;
    // QKᵀ 2·headDim and PV 2·vHeadDim FLOPs per (query, key) pair per head.
    const pairFlops = 2 * g.qHeads * (att.headDim + att.vHeadDim);
    // The measured tables are per head dim of a K + V cache (kernels/measured.ts scales by headDim/128):
    // prefill scales with the math, (headDim + vHeadDim)/2; decode with the cached elements per KV head / 2.
    const prefillDim = (att.headDim + att.vHeadDim) / 2;
    const decodeDim = (att.kvShared ? att.headDim : att.headDim + att.vHeadDim) / 2;
    t += attentionCore(
      c,
      'attention prefill',
      pairFlops * prefillPairs,
      prefillKv * g.kvBytesPerTokenLayerGpu,
      false,
      count,
      c.mk && prefillPairs > 0
        ? measuredPrefillAttentionS(c.mk, kvTable(c.g.kvBytes), preSeqs, prefillPairs, g.qHeads, prefillDim)
        : NaN,
    );
    const decS = attentionCore(
      c,
      'attention decode',
      width * pairFlops * decRead,
      decRead * g.kvBytesPerTokenLayerGpu,
      true,
      count,
      c.mk && decRead > 0
        ? measuredDecodeAttentionS(
            c.mk,
            kvTable(c.g.kvBytes),
            decSeqs,
            decRead,
            g.kvHeads,
            decodeDim,
            // the bound at the profile GPU's bandwidth: scaleToGpu rescales a measured time for overrides
            g.kvBytesPerTokenLayerGpu / c.mk.memoryScale / c.g.hbmPeakBytesPerS,
          )
        : NaN,
      width,
    );
    t += decS;
    if (kvd) t += kvDecodeExtras(c, kvd, decRead * g.kvBytesPerTokenLayerGpu, decS / count, count);
    t += gemmOp(c, 'o proj', ta, g.qHeads * att.vHeadDim, h, count);
  }
  return t;
}

/**
 * One DeepSeek-V4 attention layer on one GPU (DeepSeek-V4 technical report, 2026; config keys read in
 * model/hf/deepseek-v4.ts: q_lora_rank, head_dim, o_groups, o_lora_rank, sliding_window,
 * compress_ratios, index_*). Projections: q_a h→qLora and the shared K = V projection h→headDim
 * (replicated on every rank, as MLA's down projections), q_b qLora→qHeads·headDim, the grouped o_a
 * (each of oGroups groups projects its heads·headDim to oLora; oGroups/tp groups per GPU) and o_b
 * (oGroups·oLora/tp → h, row-parallel); a compressed layer also runs its compressor on every new
 * token (KV + gate projections h→headDim, and h→indexHeadDim ×2 for the index keys where it owns the
 * indexer; model/params.ts compressedAttentionParamsPerLayer).
 * Keys each query reads: the uncompressed window (the batch's window sums, `sliding_window` tokens)
 * plus, on a compressed layer, one pooled entry per compressRatio tokens; ratio-4 layers then read the
 * indexer's top index_topk entries after scoring all of them (sparseSelection). Approximation: the
 * pooled entries are Σ ctx / ratio over the batch (the batch carries sums, not ⌊ctx/ratio⌋ per
 * sequence), and window and pooled entries are counted apart even where they cover the same tokens.
 * Math per (query, entry) pair per head: 2·headDim (QKᵀ) + 2·headDim (PV, V = K); an entry is one
 * headDim-wide K = V vector, replicated on every TP rank (one KV head). Roofline only: the measured
 * attention tables are GQA / MLA kernels, not V4's.
 */
function compressedAttentionOps(c: Ctx, layer: LayerSpec, count: number): number {
  const { dep, shape } = c;
  const ca = dep.model.compressedAttention!;
  const g = layerGeometry(dep, layer);
  const adp = dep.instance.attentionDp;
  const h = dep.model.hiddenSize;
  const ta = c.ta;
  const d = ca.headDim;
  const ratio = layer.compressRatio ?? 0;
  const decSeqs = shape.decodeSeqs / adp;
  const width = shape.decodeWidth ?? 1;
  // Uncompressed window: every V4 layer (model.slidingWindow = sliding_window).
  const winDec = shape.decodeKvReadTokensWindow / adp;
  const winPrefillPairs = Math.max(0, shape.attnPairsWindow / adp - winDec);
  const winPrefillKv = Math.max(0, shape.kvReadTokensWindow / adp - winDec);
  // Pooled entries: 1 per `ratio` tokens of context.
  const pooled = (x: number) => (ratio > 0 ? x / adp / ratio : 0);
  const poolDec = pooled(shape.decodeKvReadTokens);
  const poolPrefillKv = Math.max(0, pooled(shape.kvReadTokens) - poolDec);
  let poolPrefillPairs = Math.max(0, pooled(shape.attnPairs) - poolDec);
  let poolRead = poolDec;
  let t = gemmOp(c, 'q_a + kv proj', ta, h, ca.qLoraRank + d, count);
  t += gemmOp(c, 'q_b proj', ta, ca.qLoraRank, g.qHeads * d, count);
  if (ratio > 0) {
    const indexKeys = dep.model.sparseIndexer && ownsIndexer(layer) ? 2 * dep.model.sparseIndexer.indexHeadDim : 0;
    t += gemmOp(c, 'compressor kv + gate proj', ta, h, 2 * d + indexKeys, count);
    const sel = sparseSelection(c, layer, decSeqs, poolDec, poolPrefillPairs, count, ratio);
    t += sel.indexerS;
    poolRead = sel.decodeTokens;
    poolPrefillPairs = sel.prefillPairs;
  }
  const pairFlops = 2 * g.qHeads * (d + d);
  t += attentionCore(
    c,
    'attention prefill (window + pooled)',
    pairFlops * (winPrefillPairs + poolPrefillPairs),
    (winPrefillKv + poolPrefillKv) * g.kvBytesPerTokenLayerGpu,
    false,
    count,
  );
  const decRead = winDec + poolRead;
  t += attentionCore(
    c,
    'attention decode (window + pooled)',
    width * pairFlops * decRead,
    decRead * g.kvBytesPerTokenLayerGpu,
    true,
    count,
    NaN,
    width,
  );
  // The block-diagonal o_a as one GEMM of the same FLOPs and weight bytes: K = one group's heads·headDim.
  const groupsHere = ca.oGroups / dep.instance.tp;
  t += gemmOp(c, 'o_a proj (grouped)', ta, (g.qHeads * d) / groupsHere, groupsHere * ca.oLoraRank, count);
  t += gemmOp(c, 'o_b proj', ta, groupsHere * ca.oLoraRank, h, count);
  return t;
}

/**
 * Manifold-constrained hyper-connections (DeepSeek mHC; config `hc_mult` = n, `hc_sinkhorn_iters`): the
 * residual stream is n·h wide. Before the attention and before the FFN a dynamic mapping reads the
 * stream (n·h → n² + 2n coefficients, a skinny GEMM), mixes it down to the sublayer's h-wide input, and
 * afterwards writes the updated n·h stream back. Approximation: 3 passes over the n·h stream per
 * sublayer (read for the mapping and pre-mix, read + write for the residual update), bf16, on top of
 * the h-wide norms/residual passes every layer pays; the Sinkhorn normalisation of the n×n mixing
 * matrix (~20 iterations over n² values per token) is negligible and not costed.
 */
function hyperConnectionOps(c: Ctx, count: number): number {
  const n = c.dep.model.compressedAttention?.hcMult ?? 1;
  if (n <= 1) return 0;
  const h = c.dep.model.hiddenSize;
  let t = gemmOp(c, 'hyper-connection mapping (attn)', c.ta, n * h, n * n + 2 * n, count);
  t += gemmOp(c, 'hyper-connection mapping (ffn)', c.ta, n * h, n * n + 2 * n, count);
  t += elementwiseOp(c, 'hyper-connection mix', c.ta * 2 * 3 * n * h * 2, count);
  return t;
}

/** The attention table of a KV cache stored in `kvBytes` per element (fp8 and narrower use the fp8 table). */
function kvTable(kvBytes: number): 'bf16' | 'fp8' {
  return kvBytes <= 1 ? 'fp8' : 'bf16';
}

function attentionCore(
  c: Ctx,
  name: string,
  flops: number,
  kvBytes: number,
  decode: boolean,
  count: number,
  measuredS = NaN,
  width = 1,
): number {
  if (flops <= 0 && kvBytes <= 0) return 0;
  const { g } = c;
  const bytesPerS = decode ? g.attentionDecodeBytesPerS : g.hbmBytesPerS;
  const t = withMeasured(c, rooflineInto(c.rt, flops, kvBytes, g.attentionFlopsPerS, bytesPerS), measuredS, kvBytes);
  // No kernel beats the datasheet peak of its math. A table that does so at the reference prompt is refused whole
  // (kernels/measured.ts prefillTableSpeedup); this holds any other reading past the peak at it.
  if (!decode && t.timeS < flops / g.attentionPeakFlopsPerS) {
    t.timeS = flops / g.attentionPeakFlopsPerS;
    t.bound = 'compute';
  }
  // A verify step's extra queries (the tables are one query per sequence): no faster than its own math.
  if (width > 1 && t.computeS > t.timeS) {
    t.timeS = t.computeS;
    t.bound = 'compute';
  }
  return record(c, name, 'attention', flops, kvBytes, t, decode ? 'paged decode' : 'causal prefill', count);
}

/**
 * A KV strategy's decode work beyond the attention kernel's loads (core/kvplan/engine.ts): dequantization /
 * GEAR reconstruction / page scoring fused with the loads (only the excess over the load time shows),
 * and pages promoted from host memory (hidden behind the layer's attention with layer-wise prefetch).
 */
function kvDecodeExtras(c: Ctx, d: DecodeKvRead, readBytes: number, attentionS: number, count: number): number {
  const kv = c.kv!;
  let t = 0;
  if (d.extraFlops > 0) {
    const timeS = kv.extraComputeS(d.extraFlops, readBytes, c.g.attentionDecodeBytesPerS);
    t += record(
      c,
      'KV dequant / select',
      'attention',
      d.extraFlops,
      0,
      fixedTime(c, timeS, timeS, 0, 'compute'),
      c.detail ? `${fmt(d.extraFlops / 1e6)} MFLOP on CUDA cores, fused with the KV loads` : '',
      count,
    );
  }
  if (d.h2dBytes > 0) {
    const x = kv.refetchS(d.h2dBytes, attentionS);
    t += record(
      c,
      'KV H2D page refetch',
      'kv-transfer',
      0,
      d.h2dBytes,
      fixedTime(c, x.exposedS, 0, x.transferS, 'network'),
      c.detail
        ? `H2D ${fmt(d.h2dBytes / 1e6)} MB over the host link (${fmt(x.transferS * 1e6)} µs, ${fmt(x.exposedS * 1e6)} µs exposed)`
        : '',
      count,
    );
  }
  return t;
}

function denseFfnOps(c: Ctx, width: number, splitOver: number, count: number, label = 'mlp'): number {
  const { dep } = c;
  const h = dep.model.hiddenSize;
  const w = width / splitOver;
  const up = dep.model.gatedMlp ? 2 * w : w;
  return gemmOp(c, `${label} gate_up`, c.ta, h, up, count) + gemmOp(c, `${label} down`, c.ta, w, h, count);
}

/**
 * Routed experts on one GPU. The instance's T tokens each pick topK experts; the GPU holds E/ep
 * experts, each split moeTp ways, so it computes T·topK/(ep·moeTp)... of the expert FLOPs, times the
 * load imbalance. It reads the weights of the local experts that at least one token chose:
 * P(expert used) = 1 − (1 − topK/E)^T under uniform routing.
 */
interface ExpertsRoofline extends RooflineTime {
  flops: number;
  bytes: number;
  tokensHere: number;
  activeLocal: number;
  localExperts: number;
  imbalance: number;
}

/** Roofline of the routed experts of one MoE layer of shape `s` over T tokens on one GPU (see moeOps). */
function expertsRoofline(
  g: Geometry,
  gated: boolean,
  s: MoeShape,
  T: number,
  weightBytes = g.weightBytes,
): ExpertsRoofline {
  const { ep, tp: moeTp, hidden: h } = s;
  const routed = T * s.topk;
  const meanPerRank = routed / ep;
  const imbalance =
    ep > 1 && meanPerRank > 0
      ? Math.min(ep, 1 + Math.sqrt((2 * Math.log(ep)) / meanPerRank)) * CALIBRATION.moeRoutingSkew
      : 1;
  const tokensHere = meanPerRank * Math.min(imbalance, ep); // token-expert rows this GPU's experts see
  const localExperts = s.experts / ep;
  const pUsed = 1 - Math.pow(1 - s.topk / s.experts, T);
  const activeLocal = Math.max(Math.min(localExperts, 1), localExperts * pUsed);
  const wCols = ((gated ? 3 : 2) * s.inter) / moeTp;
  const flops = 2 * tokensHere * h * wCols;
  const bytes = activeLocal * h * wCols * weightBytes + 2 * tokensHere * h * g.gemmActBytes;
  const rate = g.gemmPeakFlopsPerS * gemmEfficiency(tokensHere / Math.max(activeLocal, 1), 1);
  const computeS = rate > 0 ? flops / rate : 0;
  const memoryS = bytes / g.hbmBytesPerS;
  // One literal of a fixed shape (no spread): this runs for every MoE layer of every step.
  return {
    timeS: Math.max(computeS, memoryS),
    computeS,
    memoryS,
    bound: computeS >= memoryS ? 'compute' : 'memory',
    flops,
    bytes,
    tokensHere,
    activeLocal,
    localExperts,
    imbalance,
  };
}

/** The MoE table dtype of the deployment's expert weights (null: none measured). */
function moeTableDtype(g: Geometry): MoeDtype | null {
  const dt = gemmTableDtype(g.weightBytes, g.gemmMathDtype);
  if (dt) return dt;
  if (g.gemmMathDtype !== 'bf16' && g.gemmMathDtype !== 'fp16') return null;
  // 4-bit weights under 16-bit math run the weight-only (w4a16) MoE kernels: int4, or a 4-bit float with block
  // scales (fp4/nvfp4; gpt-oss's MXFP4 on Hopper).
  if (g.weightBytes === bytesPerElement('int4')) return 'int4';
  return g.weightBytes === bytesPerElement('nvfp4') ? 'mxfp4_w4a16' : null;
}

function moeOps(c: Ctx, count: number): number {
  const { dep, g } = c;
  const moe = dep.model.moe!;
  const { ep, moeTp, tp, attentionDp } = dep.instance;
  const h = dep.model.hiddenSize;
  const T = c.ta * attentionDp;
  let t = gemmOp(c, 'router', c.ta, h, moe.numExperts, count, 'moe', 2);
  if (moe.latentSize !== undefined) {
    // fc1_latent_proj / fc2_latent_proj around the routed experts (replicated, like the router).
    t += gemmOp(c, 'latent down proj', c.ta, h, moe.latentSize, count, 'moe');
    t += gemmOp(c, 'latent up proj', c.ta, moe.latentSize, h, count, 'moe');
  }
  const gated = dep.model.gatedMlp;
  const shape: MoeShape = {
    dtype: moeTableDtype(g) ?? 'bf16',
    hidden: moe.latentSize ?? h, // latent MoE (Nemotron-3): experts run at the latent width
    inter: moe.expertIntermediateSize,
    topk: moe.topK,
    experts: moe.numExperts,
    tp: moeTp,
    ep,
  };
  const er = expertsRoofline(g, gated, shape, T);
  const { flops, bytes, tokensHere, activeLocal, localExperts, imbalance } = er;
  // Measured: the whole fused MoE layer (routing, permute, grouped GEMMs at MoE-kernel efficiency, unpermute).
  const rt =
    c.mk && moeTableDtype(g)
      ? withMeasured(
          c,
          er,
          measuredMoeS(
            c.mk,
            shape,
            T,
            (s, tokens) =>
              expertsRoofline(g, gated, s, tokens, s.dtype === shape.dtype ? g.weightBytes : MOE_WEIGHT_BYTES[s.dtype])
                .timeS,
          ),
          bytes,
        )
      : er;
  t += record(
    c,
    'experts (grouped GEMM)',
    'moe',
    flops,
    bytes,
    rt,
    c.detail
      ? `${fmt(tokensHere)} rows × ${fmt(activeLocal)}/${fmt(localExperts)} experts, imbalance ${imbalance.toFixed(2)}`
      : '',
    count,
  );
  if (moe.numSharedExperts > 0)
    t += denseFfnOps(c, moe.numSharedExperts * moe.sharedIntermediateSize, tp, count, 'shared expert');
  if (attentionDp > 1 && ep > 1) {
    // Attention-DP groups hold different tokens: dispatch to and combine from the expert ranks (DeepEP-style all-to-all).
    const buf = (c.ta / tp) * moe.topK * h * g.commBytes;
    t += collectiveOp(c, 'EP dispatch', 'all-to-all', buf, tp * attentionDp, count);
    t += collectiveOp(c, 'EP combine', 'all-to-all', buf, tp * attentionDp, count);
  }
  return t;
}

/** Prefill (non-decode) tokens of this step per attention-DP group. */
function preTokensOf(c: Ctx): number {
  return Math.max(0, c.ta - (c.shape.decodeSeqs * (c.shape.decodeWidth ?? 1)) / c.dep.instance.attentionDp);
}

/**
 * What DSA's main attention reads (DeepSeek-V3.2-Exp report §2: each query attends to its top-k tokens).
 * Decode: min(context, k) per sequence; the batch carries only Σ context, so the mean context stands in
 * (n·min(mean, k) ≥ Σ min(ctx, k), an upper bound). Prefill: at most k keys per query.
 */
export function dsaSparseReads(
  topK: number,
  decodeSeqs: number,
  decodeTokens: number,
  prefillTokens: number,
  prefillPairs: number,
): { decodeTokens: number; prefillPairs: number } {
  const meanCtx = decodeSeqs > 0 ? decodeTokens / decodeSeqs : 0;
  return {
    decodeTokens: decodeSeqs * Math.min(meanCtx, topK),
    prefillPairs: Math.min(prefillPairs, prefillTokens * topK),
  };
}

/**
 * The sparse-attention selection of one layer (DeepSeek Sparse Attention, MiniMax-M3 block-sparse):
 * the indexer scan (unless the layer reuses an earlier layer's indexer) and the top-k tokens the
 * attention then reads; a dense layer, or a model without an indexer, reads everything. `ratio` > 1:
 * the keys are DeepSeek-V4 pooled entries, `ratio` tokens each.
 */
function sparseSelection(
  c: Ctx,
  layer: LayerSpec,
  decodeSeqs: number,
  decodeTokens: number,
  prefillPairs: number,
  count: number,
  ratio = 1,
): Selection {
  const ix = c.dep.model.sparseIndexer;
  const out = c.sel;
  if (!ix || layer.denseAttention) {
    out.indexerS = 0;
    out.decodeTokens = decodeTokens;
    out.prefillPairs = prefillPairs;
    return out;
  }
  // DeepSeek-V4 selects among pooled entries (one per `ratio` tokens): topK is held in tokens.
  const sparse = dsaSparseReads(ix.topK / ratio, decodeSeqs, decodeTokens, preTokensOf(c), prefillPairs);
  out.indexerS = layer.reusesIndexer ? 0 : indexerOps(c, ix, decodeTokens, prefillPairs, count, ratio);
  out.decodeTokens = sparse.decodeTokens;
  out.prefillPairs = sparse.prefillPairs;
  return out;
}

/**
 * The DSA lightning indexer of one layer (DeepSeek-V3.2 inference/model.py Indexer): q from the
 * low-rank query (wq_b), one shared key (wk) and per-head weights (weights_proj); then an FP8 score of
 * every cached token: 2·heads·dim FLOPs per (query, key) pair, reading each indexer key once per
 * decode step. Replicated on every TP rank (vLLM/SGLang do not shard the indexer). DeepSeek-V4 scores
 * pooled entries (`ratio` tokens each) instead of tokens.
 */
function indexerOps(
  c: Ctx,
  ix: SparseIndexerSpec,
  decodeKeys: number,
  prefillPairs: number,
  count: number,
  ratio = 1,
): number {
  const { dep, g } = c;
  const h = dep.model.hiddenSize;
  const qIn = dep.model.attention.qLoraRank ?? h;
  // Block-sparse indexers have no per-head weights projection (params.ts indexerParamsPerLayer).
  const weights = ix.kind === 'block' ? 0 : ix.indexHeads;
  let t = gemmOp(c, 'indexer q/k/weights proj', c.ta, h, ix.indexHeadDim + weights, count);
  t += gemmOp(c, 'indexer q_b proj', c.ta, qIn, ix.indexHeads * ix.indexHeadDim, count);
  const pairs = decodeKeys + prefillPairs;
  const flops = 2 * ix.indexHeads * ix.indexHeadDim * pairs;
  // keyBytesPerToken is per context token (V4: one pooled key per `ratio` tokens, already divided).
  const bytes = (decodeKeys * ratio + preTokensOf(c)) * ix.keyBytesPerToken;
  const fp8 = dep.gpu.denseTflops.fp8 ?? dep.gpu.denseTflops.bf16;
  const rt = rooflineInto(
    c.rt,
    flops,
    bytes,
    fp8 * 1e12 * CALIBRATION.attentionPrefillPeakFraction,
    g.attentionDecodeBytesPerS,
  );
  t += record(
    c,
    'DSA indexer scan',
    'attention',
    flops,
    bytes,
    rt,
    c.detail ? `${fmt(pairs)} (query, key) pairs` : '',
    count,
  );
  return t;
}

/**
 * Kimi Delta Attention input projections (fla `fla/layers/kda.py`), sharded over tp by heads: q, k, v
 * and the β projection in one GEMM, the forget gate f (full rank, or low rank through headDim) and the
 * low-rank output gate g (the rank-headDim down projections are replicated on every rank).
 */
function kdaProjOps(
  c: Ctx,
  la: LinearAttentionSpec,
  keyDim: number,
  valueDim: number,
  heads: number,
  count: number,
): number {
  const h = c.dep.model.hiddenSize;
  const r = la.valueHeadDim;
  let t = gemmOp(c, 'KDA q/k/v/β proj', c.ta, h, 2 * keyDim + valueDim + heads, count);
  if (la.fullRankGate) t += gemmOp(c, 'KDA forget-gate proj', c.ta, h, keyDim, count);
  else {
    t += gemmOp(c, 'KDA forget-gate down', c.ta, h, r, count);
    t += gemmOp(c, 'KDA forget-gate up', c.ta, r, keyDim, count);
  }
  t += gemmOp(c, 'KDA output-gate down', c.ta, h, r, count);
  t += gemmOp(c, 'KDA output-gate up', c.ta, r, valueDim, count);
  return t;
}

/**
 * One Gated DeltaNet layer (Yang et al. 2024; HF Qwen3NextGatedDeltaNet), sharded over tp by heads:
 * in_proj (q, k, v, z, b, a) and out_proj GEMMs; the recurrence costs O(1) per token in context:
 * ~8·keyHeadDim·valueHeadDim FLOPs per value head per token (S·k, the rank-1 delta update, the decay,
 * S·q), and each sequence reads and writes its state once per step (chunked prefill adds
 * 2·chunk·(dk + dv) FLOPs per head per token, chunk = 64 as in flash-linear-attention).
 */
function gatedDeltaNetOps(c: Ctx, layer: LayerSpec, count: number): number {
  const { dep } = c;
  const la = dep.model.linearAttention!;
  const tp = dep.instance.tp;
  const h = dep.model.hiddenSize;
  const heads = la.numValueHeads / tp;
  const keyDim = (la.numKeyHeads * la.keyHeadDim) / tp;
  const valueDim = heads * la.valueHeadDim;
  let t =
    la.kind === 'kimi-delta'
      ? kdaProjOps(c, la, keyDim, valueDim, heads, count)
      : gemmOp(c, 'GDN in_proj (qkvz+ba)', c.ta, h, 2 * keyDim + 2 * valueDim + 2 * heads, count);
  const chunk = 64;
  const pre = preTokensOf(c);
  const flops =
    heads * (8 * la.keyHeadDim * la.valueHeadDim * c.ta + 2 * chunk * (la.keyHeadDim + la.valueHeadDim) * pre) +
    2 * (2 * keyDim + valueDim) * la.convKernel * c.ta;
  const decodeTokens = c.ta - pre;
  t += stateScanOp(
    c,
    'GDN recurrence (state)',
    layer,
    flops,
    2 * keyDim + 2 * valueDim,
    count,
    c.detail ? `, ${fmt(decodeTokens)} decode tokens` : '',
  );
  t += gemmOp(c, 'GDN out_proj', c.ta, valueDim, h, count);
  return t;
}

/**
 * The state-carrying scan of a linear-attention or Mamba layer on this GPU: each sequence reads and
 * writes its recurrent state (model/params.ts, sharded over tp by heads) once per step, plus the
 * activations the scan streams (`activationElementsPerToken` per token).
 */
function stateScanOp(
  c: Ctx,
  label: string,
  layer: LayerSpec,
  flops: number,
  activationElementsPerToken: number,
  count: number,
  labelTail: string,
): number {
  const { dep, g, shape } = c;
  const seqs = shape.seqs / dep.instance.attentionDp;
  const stateBytes = stateBytesPerLayerPerSequence(dep.model, layer) / dep.instance.tp;
  const bytes = 2 * seqs * stateBytes + c.ta * activationElementsPerToken * g.gemmActBytes;
  const rt = rooflineInto(c.rt, flops, bytes, g.attentionFlopsPerS, g.attentionDecodeBytesPerS);
  return record(c, label, 'attention', flops, bytes, rt, c.detail ? `${fmt(seqs)} seqs${labelTail}` : '', count);
}

/**
 * One Mamba-2 layer (Dao & Gu 2024, SSD), sharded over tp by heads: in_proj (z, xBC, dt) and
 * out_proj GEMMs; the scan costs O(1) per token in context: decode 6·headDim·stateSize FLOPs per head
 * (decay, B·x update, C·h readout), the chunked SSD prefill adds 2·chunk·(stateSize + headDim) per head
 * per token (chunk = config chunk_size 128 in every Nemotron-H config); each sequence reads and
 * writes its SSM + conv state once per step.
 */
function mamba2Ops(c: Ctx, layer: LayerSpec, count: number): number {
  const { dep } = c;
  const mb = dep.model.mamba!;
  const tp = dep.instance.tp;
  const h = dep.model.hiddenSize;
  const heads = mb.numHeads / tp;
  const inner = heads * mb.headDim;
  const convDim = inner + (2 * mb.nGroups * mb.stateSize) / tp;
  let t = gemmOp(c, 'Mamba in_proj (z, xBC, dt)', c.ta, h, inner + convDim + heads, count);
  const chunk = 128;
  const pre = preTokensOf(c);
  const flops =
    heads * (6 * mb.headDim * mb.stateSize * c.ta + 2 * chunk * (mb.stateSize + mb.headDim) * pre) +
    2 * convDim * mb.convKernel * c.ta;
  t += stateScanOp(c, 'Mamba-2 scan (state)', layer, flops, inner + convDim, count, '');
  t += gemmOp(c, 'Mamba out_proj', c.ta, inner, h, count);
  return t;
}

/** The token mixer of one layer: attention, Gated DeltaNet, Mamba-2, or nothing (FFN-only block). */
function mixerOps(c: Ctx, layer: LayerSpec, count: number): number {
  switch (layer.attention) {
    case 'full':
    case 'sliding':
      return attentionOps(c, layer, count);
    case 'linear':
      return gatedDeltaNetOps(c, layer, count);
    case 'mamba':
      return mamba2Ops(c, layer, count);
    case 'none':
      return 0;
  }
}

function layerOps(c: Ctx, layer: LayerSpec, count: number): number {
  const { dep, g } = c;
  const { tp, attentionDp } = dep.instance;
  const h = dep.model.hiddenSize;
  const arBuf = c.ta * h * g.commBytes;
  let t = 0;
  if (layer.attention !== 'none') {
    t += mixerOps(c, layer, count);
    t += collectiveOp(c, 'TP all-reduce (attn)', 'all-reduce', arBuf, tp, count);
  }
  if (layer.ffn === 'none') {
    // Single-mixer block (Nemotron-H): one norm + residual, ~4 passes over the hidden state.
    // Same op name as every layer's last op: the Gantt (views/gantt.ts) splits layers on it.
    return t + elementwiseOp(c, 'norms/rope/act/residual', c.ta * 4 * h * 2, count);
  }
  const isMoe = layer.ffn === 'moe' && dep.model.moe;
  const denseWidth = layer.ffnWidth ?? dep.model.intermediateSize;
  t += isMoe ? moeOps(c, count) : denseFfnOps(c, denseWidth, tp, count);
  // The FFN output is reduced over the attention group (tp); with attention-DP the combine above did it.
  if (!(isMoe && attentionDp > 1 && dep.instance.ep > 1))
    t += collectiveOp(c, `TP all-reduce (${isMoe ? 'moe' : 'mlp'})`, 'all-reduce', arBuf, tp, count);
  // RMSNorm ×2, rotary, activation, residual adds: memory-bound, ~10 passes over the hidden state.
  const ffnWidth = isMoe ? 0 : (denseWidth / tp) * 3;
  t += hyperConnectionOps(c, count);
  t += elementwiseOp(c, 'norms/rope/act/residual', c.ta * (10 * h + ffnWidth) * 2, count);
  return t;
}

function fmt(x: number): string {
  if (x >= 1e4) return `${Math.round(x / 1e3)}k`;
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/**
 * What makes two layers cost the same: mixer and FFN kind (the mixer kind picks the attention shape,
 * model/params.ts attentionShapeOf), the DSA indexer role, the DeepSeek-V4 compression ratio, a per-layer
 * FFN width. The Gantt (views/gantt.ts) splits layers on the same key.
 */
export function layerGroupKey(l: LayerSpec): string {
  return `${l.attention}|${l.ffn}|${l.reusesIndexer ?? false}|${l.denseAttention ?? false}|${l.compressRatio ?? ''}|${l.ffnWidth ?? ''}`;
}

/** Group a stage's layers by layerGroupKey so each distinct layer is costed once. */
function layerGroups(layers: readonly LayerSpec[]): { layer: LayerSpec; count: number }[] {
  const groups = new Map<string, { layer: LayerSpec; count: number }>();
  for (const l of layers) {
    const key = layerGroupKey(l);
    const gr = groups.get(key);
    if (gr) gr.count++;
    else groups.set(key, { layer: l, count: 1 });
  }
  return [...groups.values()];
}

const stageGroupCache = new WeakMap<Deployment, { layer: LayerSpec; count: number }[][]>();

function stageGroups(dep: Deployment): { layer: LayerSpec; count: number }[][] {
  const hit = stageGroupCache.get(dep);
  if (hit) return hit;
  const out: { layer: LayerSpec; count: number }[][] = [];
  let start = 0;
  for (const n of dep.instance.stageLayers) {
    out.push(layerGroups(dep.model.layers.slice(start, start + n)));
    start += n;
  }
  stageGroupCache.set(dep, out);
  return out;
}

/**
 * Host time per step left on the critical path. Without overlap the GPU waits for it; with overlap /
 * async scheduling the host prepares step n+1 while the GPU runs step n, so only the part longer than
 * the GPU work shows (ENGINE-FACTS §6: vLLM async 26.5 vs sync 31.3 ms per step [AIC-FPM]; TRT-LLM and
 * SGLang overlap schedulers hide scheduling/post-processing [TRT-OVERLAP], [SGL-BLOG04]).
 */
function exposedHostS(hostS: number, stageTimesS: readonly number[], overlap: boolean): number {
  if (!overlap) return hostS;
  const gpuS = stageTimesS.reduce((a, b) => Math.max(a, b), 0);
  return Math.max(0, hostS - gpuS);
}

/**
 * Launch time per step left on the GPU's critical path for `kernels` kernels per stage. Every kernel leaves a
 * GPU-side gap (launchUsGraph, also between the kernels of a replayed CUDA graph). Eager launches are issued
 * by the CPU asynchronously, ahead of the GPU: they only show where the CPU issues slower than the GPU runs,
 * i.e. when kernels × launchUsEager exceeds the stage's GPU time (small, launch-bound steps). A large batch's
 * kernels each outlast their launch, so the CPU runs ahead and only the gaps remain.
 */
function exposedLaunchS(kernels: number, stageTimesS: readonly number[], useGraphs: boolean): number {
  const gapsS = (kernels * CALIBRATION.launchUsGraph) / 1e6;
  if (useGraphs) return gapsS;
  const gpuS = stageTimesS.reduce((a, b) => Math.max(a, b), 0);
  return Math.max(gapsS, (kernels * CALIBRATION.launchUsEager) / 1e6 - gpuS);
}

/** Host time of one step of one scheduler running `seqs` sequences (each attention-DP rank schedules its own). */
function hostS(seqs: number): number {
  return (CALIBRATION.iterationOverheadMs + (CALIBRATION.hostUsPerRunningSeq / 1e3) * seqs) / 1e3;
}

/** Cost of one forward pass of `shape` (instance-wide batch) through every stage. */
export function iterationCost(dep: Deployment, shape: BatchShape, detail = false, hostOverhead = true): IterationCost {
  // Lean path (detail false, the simulator's): no op records, labels or per-op objects.
  const ops: OpCost[] | undefined = detail ? [] : undefined;
  const emit: Emit | undefined = ops ? (op) => ops.push(op) : undefined;
  const g = geometryOf(dep);
  const { pp, attentionDp, tp } = dep.instance;
  const ta = shape.tokens / attentionDp;
  const groups = stageGroups(dep);
  const stageTimesS: number[] = [];
  const useGraphs =
    dep.runtime.cudaGraphs && shape.decodeOnly && shape.seqs / attentionDp <= dep.runtime.cudaGraphMaxBatch;
  let launches = 0;
  const h = dep.model.hiddenSize;
  const kv = kvHookOf(dep);
  const mk = kernelBasisOf(dep).kernels;
  const cal = dep.runtime.engine.calibration?.factors;
  const c: Ctx = {
    dep,
    g,
    shape,
    ta,
    stage: 0,
    emit,
    detail,
    rt: { timeS: 0, computeS: 0, memoryS: 0, bound: 'compute' },
    sel: { indexerS: 0, decodeTokens: 0, prefillPairs: 0 },
    kv,
    mk,
    graphs: useGraphs,
    cal,
  };
  for (let s = 0; s < pp; s++) {
    c.stage = s;
    let t = 0;
    if (shape.tokens > 0) {
      if (s === 0) t += elementwiseOp(c, 'embedding', ta * h * 2, 1, 'embedding');
      for (const { layer, count } of groups[s] ?? []) {
        t += layerOps(c, layer, count);
        launches += count * (layer.ffn === 'moe' ? CALIBRATION.kernelsPerMoeLayer : CALIBRATION.kernelsPerDenseLayer);
      }
      if (s === pp - 1 && shape.logitTokens > 0) {
        const m = shape.logitTokens / attentionDp;
        const vocab = dep.model.vocabSize;
        t += gemmOp(c, 'lm head', m, h, vocab / tp, 1, 'gemm', 2);
        t += collectiveOp(c, 'logits all-gather', 'all-gather', m * vocab * 4, tp, 1);
        t += elementwiseOp(c, 'sampling', m * (vocab / tp) * 4 * 3, 1, 'sampling');
      }
    }
    stageTimesS.push(t);
  }
  let p2pS = 0;
  if (pp > 1 && shape.tokens > 0) {
    c.stage = 0;
    // Hyper-connections (DeepSeek-V4) hand the whole hcMult·h-wide residual stream to the next stage.
    const streams = dep.model.compressedAttention?.hcMult ?? 1;
    p2pS = collectiveOp(c, 'PP send/recv', 'send-recv', ta * h * streams * g.commBytes, 2, 1, 'p2p');
  }
  const overheadS =
    shape.tokens > 0
      ? (exposedLaunchS(launches / Math.max(pp, 1), stageTimesS, useGraphs) +
          (hostOverhead
            ? exposedHostS(hostS(shape.seqs / attentionDp), stageTimesS, dep.runtime.overlapScheduling)
            : 0)) *
        opTimeScale(cal, 'overhead')
      : 0;
  if (ops && shape.tokens > 0) {
    ops.push({
      name: useGraphs ? 'launch gaps (CUDA graph) + host' : 'kernel launches + host',
      kind: 'overhead',
      flops: 0,
      bytes: 0,
      timeS: overheadS,
      computeS: 0,
      memoryS: 0,
      bound: 'overhead',
      shape: `${launches} kernels`,
      count: 1,
      stage: 0,
    });
  }
  const timeS = stageTimesS.reduce((a, b) => a + b, 0) + (pp - 1) * p2pS + overheadS;
  return detail ? { timeS, stageTimesS, p2pS, overheadS, ops } : { timeS, stageTimesS, p2pS, overheadS };
}
