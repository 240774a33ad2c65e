/**
 * Prints the KV-strategy table of src/core/kv/README.md: every strategy family's modelled effect on one
 * reference scenario (Llama-3.1-8B, 1×H100 SXM, 32K context, vLLM defaults), then the ranking for a
 * 31K-in / 1K-out offline workload with and without lossy strategies allowed.
 *   npx tsx bench/kv-strategies.ts
 * Deterministic: re-run after changing the engine and paste the output into the README.
 */
import { parseScenario } from '../src/core/scenario/validate.ts';
import { resolveDeployment } from '../src/core/cost/deployment.ts';
import { workloadSchema } from '../src/core/scenario/schema.ts';
import { capacityPoint } from '../src/core/kvplan/capacity.ts';
import { compareStrategies } from '../src/core/kvplan/compare.ts';
import { effectOf } from '../src/core/kvplan/effect.ts';
import { resolveKv } from '../src/core/kvplan/footprint.ts';
import { kvStrategySchema, type KvStrategyInput } from '../src/core/kv/types.ts';

const CONTEXT = 32_768;

export const REFERENCE_STRATEGIES: { family: string; strategy: KvStrategyInput }[] = [
  { family: 'baseline', strategy: { label: 'bf16 KV (vLLM default)' } },
  { family: 'quant', strategy: { quant: { dtype: 'fp8' } } },
  { family: 'quant', strategy: { quant: { dtype: 'int8' } } },
  { family: 'quant', strategy: { quant: { dtype: 'int4' } } },
  { family: 'quant', strategy: { label: 'KIVI-2 (g32, r128)', quant: { dtype: 'kivi2' } } },
  {
    family: 'quant',
    strategy: {
      label: 'GEAR (int4 + rank 4 + 2% outliers)',
      quant: { dtype: 'int4', gear: { rank: 4, sparsityPct: 2 } },
    },
  },
  { family: 'evict', strategy: { label: 'H2O 20%', evict: { policy: 'h2o', budgetFraction: 0.2 } } },
  {
    family: 'evict',
    strategy: {
      label: 'StreamingLLM 4 sinks + 4092 window',
      evict: { policy: 'sink-window', sinkTokens: 4, recentTokens: 4092 },
    },
  },
  {
    family: 'evict',
    strategy: {
      label: 'RazorAttention (15% full heads, 4+1020 window)',
      evict: { policy: 'per-head', fullHeadsFraction: 0.15, sinkTokens: 4, recentTokens: 1020 },
    },
  },
  {
    family: 'evict',
    strategy: {
      label: 'FlexiCache-style (25% full heads, top-4K pages, rest in host)',
      evict: { policy: 'topk-pages', budgetTokens: 4096, fullHeadsFraction: 0.25, evictedTo: 'host' },
    },
  },
  {
    family: 'evict',
    strategy: {
      label: 'ShadowKV-style top-2K pages, rest in host',
      evict: { policy: 'topk-pages', budgetTokens: 2048, evictedTo: 'host' },
    },
  },
  {
    family: 'evict',
    strategy: {
      label: 'TokenSelect/LServe-style top-2K pages, all in HBM',
      evict: { policy: 'topk-pages', budgetTokens: 2048, evictedTo: 'hbm' },
    },
  },
  { family: 'offload', strategy: { label: 'Host offload 240 GB (PCIe Gen5)', offload: { hostGB: 240 } } },
  {
    family: 'offload',
    strategy: { label: 'Host 240 GB + NVMe 2 TB @ 7 GB/s', offload: { hostGB: 240, ssdGB: 2000, ssdGBps: 7 } },
  },
  {
    family: 'offload',
    strategy: {
      label: 'Multi-turn reuse (CachedAttention, 70% hit, TTL 600 s)',
      offload: { hostGB: 240, multiTurnReuse: { ttlS: 600, hitRate: 0.7 } },
    },
  },
  { family: 'share', strategy: { label: 'Prefix sharing (4K shared prefix)', share: { prefixTokens: 4096 } } },
  {
    family: 'share',
    strategy: {
      label: 'RAG chunk reuse (CacheBlend: 8K chunk tokens, 15% recompute)',
      share: { ragChunkReuse: { chunkTokens: 8192, recomputeFraction: 0.15 } },
    },
  },
  { family: 'paging', strategy: { label: 'PagedAttention block 64', paging: { scheme: 'paged', blockSize: 64 } } },
  { family: 'paging', strategy: { label: 'vAttention 2 MiB pages', paging: { scheme: 'vattention', pageKiB: 2048 } } },
  { family: 'paging', strategy: { label: 'vAttention 64 KiB pages', paging: { scheme: 'vattention', pageKiB: 64 } } },
  {
    family: 'distributed',
    strategy: { label: 'Context parallel ×2 (ring attention)', distributed: { contextParallel: 2 } },
  },
  {
    family: 'distributed',
    strategy: { label: 'DistAttention (pools dp replicas)', distributed: { distAttention: true } },
  },
  {
    family: 'distributed',
    strategy: { label: 'CacheGen 4× transfer compression', distributed: { transferCompression: 4 } },
  },
  {
    family: 'composed',
    strategy: { label: 'fp8 + H2O 20%', quant: { dtype: 'fp8' }, evict: { policy: 'h2o', budgetFraction: 0.2 } },
  },
];

const KiB = 1024;
const GiB = 2 ** 30;
const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);
const gflop = (v: number) => (v === 0 ? '0' : v >= 1e9 ? `${(v / 1e9).toFixed(1)} G` : `${(v / 1e6).toFixed(1)} M`);
const mb = (v: number) => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} GB` : `${(v / 1e6).toFixed(1)} MB`);

export function referenceDeployment() {
  const p = parseScenario({
    version: 1,
    model: 'llama-3.1-8b',
    cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 1 },
  });
  if (!p.ok) throw new Error(p.errors.join('; '));
  return resolveDeployment(p.scenario);
}

function transfersCell(e: ReturnType<typeof effectOf>, p: ReturnType<typeof capacityPoint>): string {
  const t: string[] = [];
  if (e.transfers.evictD2hBytesPerSeq > 0) t.push(`D2H ${mb(e.transfers.evictD2hBytesPerSeq)}/seq once`);
  if (e.transfers.refetchH2dBytesPerStepPerSeq > 0)
    t.push(`H2D ${mb(e.transfers.refetchH2dBytesPerStepPerSeq)}/seq/step`);
  if (p.step && p.step.transferS > 0 && p.offloadedSeqs > 0)
    t.push(
      `streams ${p.offloadedSeqs} seqs: ${f1(p.step.transferS * 1e3)} ms/step (${f1(p.step.exposedTransferS * 1e3)} exposed)`,
    );
  if (e.transfers.multiTurnReload)
    t.push(
      `reload ${mb(e.transfers.multiTurnReload.bytes)}/turn in ${f1(e.transfers.multiTurnReload.seconds * 1e3)} ms`,
    );
  if (e.transfers.ringPrefillSendBytesPerGpu) t.push(`ring prefill ${mb(e.transfers.ringPrefillSendBytesPerGpu)}/GPU`);
  if (e.label.startsWith('CacheGen'))
    t.push(
      `disagg hand-off ${mb(e.transfers.disaggHandoff.bytes)} (${f1(e.transfers.disaggHandoff.seconds * 1e3)} ms)`,
    );
  return t.length > 0 ? t.join('; ') : '—';
}

export function strategyTable(): string {
  const dep = referenceDeployment();
  const rows: string[] = [];
  rows.push(
    '| Family | Strategy | Fidelity | Stored KV / token | HBM per 32K seq | Decode read / seq / step | Extra FLOPs / seq / step | Seqs in HBM | Decode tok/s in HBM | Seqs with tiers | Decode tok/s with tiers | Tier / device transfers |',
  );
  rows.push('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const { family, strategy } of REFERENCE_STRATEGIES) {
    const r = resolveKv(dep, kvStrategySchema.parse(strategy));
    const e = effectOf(r, CONTEXT);
    const p = capacityPoint(r, CONTEXT);
    const tiered =
      p.maxSeqs === p.hbmSeqs
        ? ['—', '—']
        : [`${p.maxSeqs}${p.servableSeqs < p.maxSeqs ? ` (runs ${p.servableSeqs})` : ''}`, p.decodeTokPerS.toFixed(0)];
    const gpus = r.distributed.contextParallel > 1 ? ` (${r.distributed.contextParallel} GPUs)` : '';
    rows.push(
      `| ${family} | ${e.label} | ${e.fidelity} | ${f1(e.storedBytesPerToken / KiB)} KiB | ${f2(e.hbmBytesPerSeq / GiB)} GiB | ${f2(e.decodeReadBytesPerSeq / GiB)} GiB | ${gflop(e.decodeExtraFlopsPerSeq)} | ${p.hbmSeqs}${gpus} | ${p.hbmOnlyDecodeTokPerS.toFixed(0)} | ${tiered[0]} | ${tiered[1]} | ${transfersCell(e, p)} |`,
    );
  }
  return rows.join('\n');
}

export function rankingTable(allowLossy: boolean): string {
  const dep = referenceDeployment();
  const w = workloadSchema.parse({ inputTokens: CONTEXT - 1024, outputTokens: 1024, requests: 1000 });
  const c = compareStrategies(
    dep,
    w,
    REFERENCE_STRATEGIES.slice(1).map((s) => s.strategy),
    { allowLossy, allowNearLossless: allowLossy },
  );
  const rows = ['| Rank | Strategy | Concurrency | Output tok/s per GPU | Reason |', '|---:|---|---:|---:|---|'];
  rows.push(
    `| base | ${c.baseline.label} | ${c.baseline.concurrency} | ${c.baseline.outputTokPerSPerGpu.toFixed(0)} | ${c.baseline.reason} |`,
  );
  for (const s of c.ranked)
    rows.push(
      `| ${s.rank ?? '—'} | ${s.label} | ${s.concurrency} | ${s.outputTokPerSPerGpu.toFixed(0)} | ${s.reason} |`,
    );
  return rows.join('\n');
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('kv-strategies.ts');
if (isMain) {
  console.log(
    `### Llama-3.1-8B, 1×H100 SXM 80 GB, ${CONTEXT / 1024}K context (bf16 weights, vLLM defaults: 0.9 utilisation, 16-token blocks, maxNumSeqs 256)\n`,
  );
  console.log(strategyTable());
  console.log('\n### Ranking, 31K in / 1K out, offline — lossy not allowed\n');
  console.log(rankingTable(false));
  console.log('\n### Ranking, same workload — lossy allowed\n');
  console.log(rankingTable(true));
}
