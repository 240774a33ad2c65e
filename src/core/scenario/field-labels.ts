/**
 * Human labels for Scenario field paths (issue 14 item 6). Schema messages name the field by its path
 * (`workload.arrival.ratePerSec must be at least 0.000001`), which is what the CLI and a JSON author
 * need; the app shows the label its inputs carry instead (`Arrival rate (req/s) must be at least
 * 0.000001`). One table, one lookup (`fieldLabel`), one message rewrite (`humanizeFieldError`).
 * Array indices are written `[]` in the table (`workload.input.values[]`), record keys `*`.
 */

/** Fields a family shares, keyed by leaf: GPU overrides, the two P/D pools, the two length distributions. */
const GPU_OVERRIDE: Record<string, string> = {
  memoryGB: 'HBM capacity (GB)',
  memoryBandwidthGBps: 'HBM bandwidth (GB/s)',
  bf16Tflops: 'BF16 dense (TFLOPS)',
  fp8Tflops: 'FP8 dense (TFLOPS)',
  fp4Tflops: 'FP4 dense (TFLOPS)',
  int8Tops: 'INT8 dense (TOPS)',
  hostLinkGBps: 'Host link (GB/s)',
  scaleUpGBps: 'Scale-up link (GB/s)',
  scaleUpLatencyUs: 'Scale-up latency (µs)',
  scaleOutGBps: 'Scale-out NIC (GB/s)',
  scaleOutLatencyUs: 'Scale-out latency (µs)',
  tdpW: 'TDP (W)',
  idleW: 'Idle power (W)',
  priceUsdPerHour: 'Price ($/GPU-hour)',
};

const PLAN: Record<string, string> = {
  tp: 'tensor parallel (TP)',
  pp: 'pipeline parallel (PP)',
  dp: 'data parallel (DP)',
  ep: 'expert parallel (EP)',
  attentionDp: 'attention data parallel (ADP)',
};
/** A P/D pool has instances instead of DP replicas. */
const POOL: Record<string, string> = {
  ...Object.fromEntries(Object.entries(PLAN).filter(([k]) => k !== 'dp')),
  instances: 'instances',
};

const LENGTH: Record<string, string> = {
  kind: 'distribution',
  tokens: 'tokens',
  mean: 'mean (tokens)',
  median: 'median (tokens)',
  std: 'standard deviation (tokens)',
  sigma: 'log-normal sigma',
  min: 'min (tokens)',
  max: 'max (tokens)',
  values: 'values',
  'values[]': 'value (tokens)',
};

const CALIBRATION: Record<string, string> = {
  v: 'format version',
  source: 'source',
  points: 'measured points',
  'factors.gemm': 'GEMM factor',
  'factors.attention': 'attention factor',
  'factors.moe': 'MoE factor',
  'factors.collective': 'collective factor',
  'factors.host': 'host overhead factor',
  'residualPct.ttftMs': 'TTFT residual (%)',
  'residualPct.tpotMs': 'TPOT residual (%)',
  'residualPct.outputTokPerSec': 'throughput residual (%)',
};

const family = (prefix: string, head: string, leaves: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(leaves).map(([k, v]) => [`${prefix}.${k}`, `${head} ${v}`]));

export const FIELD_LABELS: Readonly<Record<string, string>> = {
  // Sections: an object-level check (a union that matches no variant, a cross-field rule) names these.
  cluster: 'Cluster',
  'cluster.gpuOverrides': 'GPU overrides',
  precision: 'Precision',
  plan: 'Plan',
  'plan.prefill': 'Prefill pool',
  'plan.decode': 'Decode pool',
  runtime: 'Runtime',
  'runtime.engine': 'Serving engine settings',
  'runtime.engine.calibration': 'Calibration',
  'runtime.engine.calibration.factors': 'Calibration factors',
  'runtime.engine.calibration.residualPct': 'Calibration residuals',
  'runtime.speculative': 'Speculative decoding',
  'runtime.kvStrategy': 'KV strategy',
  'runtime.kvStrategy.distributed': 'Distributed KV strategy',
  'runtime.kvStrategy.evict': 'KV eviction',
  'runtime.kvStrategy.offload': 'KV offload',
  'runtime.kvStrategy.offload.multiTurnReuse': 'Multi-turn reuse',
  'runtime.kvStrategy.paging': 'KV paging',
  'runtime.kvStrategy.quant': 'KV quantisation',
  'runtime.kvStrategy.quant.gear': 'GEAR',
  'runtime.kvStrategy.share': 'KV sharing',
  'runtime.kvStrategy.share.ragChunkReuse': 'RAG chunk reuse',
  slo: 'SLO',
  workload: 'Workload',
  'workload.arrival': 'Arrivals',
  'workload.input': 'Input length',
  'workload.output': 'Output length',
  'workload.prefix': 'Shared prefix',
  'workload.trace': 'Trace',

  version: 'Scenario version',
  model: 'Model',
  'model.name': 'Model name',
  'model.hf': 'Model config.json',
  'model.hf.*': 'Model config.json field',

  'cluster.gpu': 'GPU',
  'cluster.nodes': 'Nodes',
  'cluster.gpusPerNode': 'GPUs / node',
  'cluster.scaleUpDomainGpus': 'NVLink domain (GPUs)',
  ...family('cluster.gpuOverrides', 'GPU override:', GPU_OVERRIDE),

  'precision.weights': 'Weights precision',
  'precision.activations': 'Activations precision',
  'precision.kvCache': 'KV cache dtype',

  ...Object.fromEntries(Object.entries(PLAN).map(([k, v]) => [`plan.${k}`, `Plan ${v}`])),
  ...family('plan.prefill', 'Prefill pool', POOL),
  ...family('plan.decode', 'Decode pool', POOL),

  'runtime.engine.name': 'Serving engine',
  'runtime.engine.version': 'Engine version',
  ...family('runtime.engine.calibration', 'Calibration', CALIBRATION),
  'runtime.maxNumSeqs': 'Max sequences',
  'runtime.maxBatchedTokens': 'Batched tokens',
  'runtime.cudaGraphMaxBatch': 'CUDA-graph max batch',
  'runtime.cudaGraphs': 'CUDA graphs',
  'runtime.gpuMemoryUtilization': 'GPU memory utilisation',
  'runtime.kvBlockSize': 'KV block size (tokens)',
  'runtime.kvWatermark': 'KV watermark',
  'runtime.chunkedPrefill': 'Chunked prefill',
  'runtime.mixedPrefillDecode': 'Mixed prefill/decode batches',
  'runtime.memorySemantics': 'Memory accounting',
  'runtime.overlapScheduling': 'Overlap scheduling',
  'runtime.prefixCaching': 'Prefix caching',
  'runtime.preemption': 'When KV runs out',
  'runtime.router': 'Router',
  'runtime.schedulerPolicy': 'Scheduler policy',
  'runtime.speculative.method': 'Speculative method',
  'runtime.speculative.draftTokens': 'Draft tokens (k)',
  'runtime.speculative.acceptanceRate': 'Acceptance per position',

  'runtime.kvStrategy.label': 'KV strategy name',
  'runtime.kvStrategy.distributed.kind': 'Distributed KV strategy',
  'runtime.kvStrategy.distributed.contextParallel': 'Context parallel',
  'runtime.kvStrategy.distributed.distAttention': 'DistAttention',
  'runtime.kvStrategy.distributed.transferCompression': 'Transfer compression',
  'runtime.kvStrategy.evict.kind': 'KV eviction',
  'runtime.kvStrategy.evict.policy': 'KV eviction policy',
  'runtime.kvStrategy.evict.budgetFraction': 'KV eviction budget fraction',
  'runtime.kvStrategy.evict.budgetTokens': 'KV eviction budget tokens',
  'runtime.kvStrategy.evict.evictedTo': 'Out-of-budget tokens go to',
  'runtime.kvStrategy.evict.fullHeadsFraction': 'Full heads',
  'runtime.kvStrategy.evict.pageSize': 'KV eviction page size',
  'runtime.kvStrategy.evict.recentTokens': 'Recent window (tokens)',
  'runtime.kvStrategy.evict.sinkTokens': 'Sink tokens',
  'runtime.kvStrategy.evict.refetchFraction': 'Promoted per step',
  'runtime.kvStrategy.evict.selectionOverhead': 'Selection overhead',
  'runtime.kvStrategy.offload.kind': 'KV offload',
  'runtime.kvStrategy.offload.hostGB': 'Host DRAM (GB)',
  'runtime.kvStrategy.offload.hostLinkGBps': 'Offload host link (GB/s)',
  'runtime.kvStrategy.offload.ssdGB': 'NVMe (GB)',
  'runtime.kvStrategy.offload.ssdGBps': 'NVMe read (GB/s)',
  'runtime.kvStrategy.offload.prefetch': 'Layer-wise prefetch',
  'runtime.kvStrategy.offload.multiTurnReuse.hitRate': 'Multi-turn reuse hit rate',
  'runtime.kvStrategy.offload.multiTurnReuse.ttlS': 'Multi-turn reuse time to live (s)',
  'runtime.kvStrategy.paging.kind': 'KV paging',
  'runtime.kvStrategy.paging.scheme': 'KV paging scheme',
  'runtime.kvStrategy.paging.blockSize': 'KV paging block size (tokens)',
  'runtime.kvStrategy.paging.pageKiB': 'Physical page (KiB)',
  'runtime.kvStrategy.quant.kind': 'KV quantisation',
  'runtime.kvStrategy.quant.dtype': 'KV stored format',
  'runtime.kvStrategy.quant.groupSize': 'KV quantisation group size',
  'runtime.kvStrategy.quant.residualTokens': 'Full-precision window (tokens)',
  'runtime.kvStrategy.quant.gear.rank': 'GEAR rank',
  'runtime.kvStrategy.quant.gear.sparsityPct': 'GEAR outliers (%)',
  'runtime.kvStrategy.share.kind': 'KV sharing',
  'runtime.kvStrategy.share.prefixTokens': 'Shared prefix (tokens)',
  'runtime.kvStrategy.share.ragChunkReuse.chunkTokens': 'RAG chunk size (tokens)',
  'runtime.kvStrategy.share.ragChunkReuse.recomputeFraction': 'RAG chunk recomputed fraction',

  'slo.ttftMs': 'TTFT SLO (ms)',
  'slo.tpotMs': 'TPOT SLO (ms)',

  'workload.requests': 'Requests',
  'workload.warmupRequests': 'Warm-up requests',
  'workload.seed': 'Random seed',
  'workload.inputTokens': 'Input tokens',
  'workload.outputTokens': 'Output tokens',
  'workload.arrival.kind': 'Arrivals',
  'workload.arrival.ratePerSec': 'Arrival rate (req/s)',
  'workload.arrival.cv': 'Burstiness (CV)',
  'workload.arrival.users': 'Concurrent users',
  ...family('workload.input', 'Input length', LENGTH),
  ...family('workload.output', 'Output length', LENGTH),
  'workload.prefix.hitRate': 'Prefix hit rate',
  'workload.prefix.sharedPrefixTokens': 'Shared prefix (tokens)',
  'workload.trace.format': 'Trace format',
  'workload.trace.path': 'Trace file',
  'workload.trace.data': 'Trace data',
  'workload.trace.timing': 'Trace timing',
};

/** `a.b[3].c` → `a.b[].c`, the form the table is keyed by. */
const normalise = (path: string): string => path.replace(/\[\d+\]/g, '[]');

/**
 * The human label for a field path, or null for a path the table does not know. A record entry
 * (`model.hf.num_heads`) falls back to its record's `*` label with the key appended.
 */
export function fieldLabel(path: string): string | null {
  const p = normalise(path);
  const exact = FIELD_LABELS[p];
  if (exact) return exact;
  const dot = p.lastIndexOf('.');
  const star = dot > 0 ? FIELD_LABELS[`${p.slice(0, dot)}.*`] : undefined;
  return star ? `${star} ${p.slice(dot + 1)}` : null;
}

/** A field path at the start of a message: dotted identifiers with optional `[n]`, then `:` or a space. */
const LEADING_PATH = /^([A-Za-z_][\w]*(?:\[\d+\])*(?:\.[A-Za-z_][\w]*(?:\[\d+\])*)*)(?=:|\s)/;

/** A dotted field path anywhere in a text (`plan.tp`, `workload.input.values[2]`). */
const DOTTED_PATH = /(?<![\w.])[A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)+(?![\w.[])/g;

/**
 * Rewrite a validation message for the app: field paths become their labels
 * (`workload.arrival.ratePerSec must be at least 0.000001` → `Arrival rate (req/s) must be at least
 * 0.000001`; `plan.tp: ...` → `Plan tensor parallel (TP): ...`). A path at the start may be a single
 * word (`model: ...`); inside the text only dotted paths are rewritten, so prose words that happen to
 * name a section (`model`, `plan`) stay as they are. Unknown paths are left unchanged. The CLI prints
 * the raw message, which keeps the path.
 */
export function humanizeFieldError(message: string): string {
  const m = LEADING_PATH.exec(message);
  const label = m?.[1] ? fieldLabel(m[1]) : null;
  const head = m?.[1] && label ? label : '';
  const rest = head ? message.slice(m?.[1]?.length ?? 0) : message;
  return head + rest.replace(DOTTED_PATH, (p) => fieldLabel(p) ?? p);
}
