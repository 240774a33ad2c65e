/**
 * Where a plan's KV sits per GPU (HBM, host DRAM, NVMe), pure: the closed form's tier occupancy at the
 * steady-state batch and the simulator's over time, for the memory view. Every byte comes from kvplan/.
 */
import { resolvePools } from '../cost/pools.ts';
import { kvStrategyOf } from '../cost/kvformat.ts';
import type { EvaluationResult } from '../evaluate/evaluate.ts';
import type { SimulationSummary } from '../evaluate/simulated.ts';
import { steadyView } from '../evaluate/workload-view.ts';
import { defaultEvictedTo } from '../kv/evict.ts';
import { tierPlacement } from '../kvplan/capacity.ts';
import { freeKvBytesPerGpu, resolveKv, stageFootprints } from '../kvplan/footprint.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface KvTierRow {
  label: string;
  usedGB: number;
  /** Infinity: an unsized store (evicted-to-host KV without an offload component). */
  capacityGB: number;
}

export interface KvTierOccupancy {
  /** Per GPU of the tightest pipeline stage at the plan's steady-state batch. */
  hbmKvGB: number;
  tiers: KvTierRow[];
  /** Sequences of the workload's context the deployment holds in HBM, and with the tiers. */
  hbmSeqs: number;
  seqsWithTiers: number;
  concurrency: number;
}

/**
 * Where the plan's KV sits per GPU (HBM, host DRAM, NVMe) at its steady-state batch, for a strategy that
 * offloads (an offload component, or pages evicted to host); null otherwise. Running sequences decode
 * from HBM; the host tier holds evicted pages, and — with an offload component — the swap space and
 * multi-turn store (empty at steady state unless HBM overflows).
 */
export function kvTierOccupancy(scenario: Scenario, result: EvaluationResult): KvTierOccupancy | null {
  const s = steadyView(scenario);
  const dep = resolvePools(s).pools.find((p) => p.role !== 'prefill')!.dep;
  const own = kvStrategyOf(dep);
  if (!own) return null;
  const r = resolveKv(dep, own);
  const evictHost = r.evict !== undefined && (r.evict.evictedTo ?? defaultEvictedTo(r.evict.policy)) === 'host';
  if (!r.offload && !evictHost) return null;
  const L = Math.max(1, Math.round(s.workload.inputTokens + s.workload.outputTokens));
  const stages = stageFootprints(r, L);
  const free = freeKvBytesPerGpu(dep);
  const concurrency = Math.max(0, result.metrics.concurrency);
  const { tiers } = tierPlacement(r, free, stages, concurrency * dep.dp);
  const GB = 1e9;
  const rows: KvTierRow[] = [
    {
      label: 'Host DRAM',
      usedGB: (tiers.hostHotBytes + tiers.hostColdBytes) / GB,
      capacityGB: r.offload ? r.hostBytesPerGpu / GB : Infinity,
    },
  ];
  if (r.ssdBytesPerGpu > 0)
    rows.push({
      label: 'NVMe',
      usedGB: (tiers.ssdHotBytes + tiers.ssdColdBytes) / GB,
      capacityGB: r.ssdBytesPerGpu / GB,
    });
  return {
    hbmKvGB: tiers.hbmBytes / GB,
    tiers: rows,
    hbmSeqs: result.kv?.hbmSeqs ?? 0,
    seqsWithTiers: result.kv?.maxSeqsWithTiers ?? 0,
    concurrency,
  };
}

/** The simulator's tier occupancy over time (whole deployment, GB) as line points; null without tiers. */
export function simTierLines(sim: SimulationSummary): {
  hbm: [number, number][];
  host: [number, number][];
  ssd: [number, number][];
  /** host absent: the swap space is unbounded (no offload component). */
  capacityGB: { hbm: number; host?: number; ssd: number };
} | null {
  const t = sim.kvTiers;
  if (!t) return null;
  const pts = (d: SimulationSummary['kvUsage']): [number, number][] => {
    const out: [number, number][] = [];
    for (let i = 0; i < d.tS.length; i++) if (Number.isFinite(d.max[i]!)) out.push([d.tS[i]!, d.max[i]!]);
    return out;
  };
  return { hbm: pts(t.hbmGB), host: pts(t.hostGB), ssd: pts(t.ssdGB), capacityGB: t.capacityGB };
}
