/**
 * Memory per GPU (weights, KV cache, activations, reserve) against capacity, with the KV facts in words.
 * When the plan's KV strategy offloads (host DRAM / NVMe, or pages evicted to host), the KV tiers follow
 * as their own bars (core/views/kvStrategyUi.kvTierOccupancy), and a simulation of the plan adds the
 * tiers' occupancy over time and its HBM ↔ host ↔ NVMe copies.
 */
import { useMemo } from 'react';
import { GanttCanvas, LineChart, MemoryBars } from '../../charts/index.ts';
import type { MemoryTier } from '../../charts/index.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { SimulatedEvaluation, SimulationSummary } from '../../core/evaluate/simulated.ts';
import { getGpu } from '../../core/hardware/gpus.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { tierSpansFromSimulation } from '../../core/views/kv.ts';
import { kvTierOccupancy, simTierLines } from '../../core/views/kvTiers.ts';
import { stageGpus } from '../../core/views/planGpus.ts';
import { attempt } from '../../state/evaluation.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { scenarioKey } from '../../state/store.ts';
import { fmtBytes, fmtGB, fmtInt, fmtNum, fmtPct } from '../format.ts';
import { IconPlay } from '../icons.tsx';

const TRANSFER_COLORS: Record<string, { name: string; color: string }> = {
  D2H: { name: 'KV HBM → host (D2H)', color: 'var(--kind-d2h, #0c8599)' },
  H2D: { name: 'KV host → HBM (H2D)', color: 'var(--kind-h2d, #c2255c)' },
  'D2H→NVMe': { name: 'KV host → NVMe', color: 'var(--kind-nvme-out, #5c940d)' },
  'NVMe→H2D': { name: 'KV NVMe → HBM', color: 'var(--kind-nvme-in, #862e9c)' },
};

function isSimulated(r: EvaluationResult): r is SimulatedEvaluation {
  return r.method === 'simulation' && 'simulation' in r;
}

/** The simulator's tier occupancy over time and its tier copies as a Gantt (one lane per instance). */
function SimTiers({ sim }: { sim: SimulationSummary }) {
  const lines = useMemo(() => simTierLines(sim), [sim]);
  const gantt = useMemo(() => {
    const t = tierSpansFromSimulation(sim);
    if (!t) return null;
    const instances = [...new Set(t.instance)].sort((a, b) => a - b);
    const laneOf = new Map(instances.map((x, i) => [x, i]));
    // Legend: only the directions that occur.
    const used = [...new Set(t.kind)].sort((a, b) => a - b);
    const remap = new Map(used.map((k, i) => [k, i]));
    const kinds = used.map(
      (k) => TRANSFER_COLORS[t.kinds[k]!] ?? { name: t.kinds[k]!, color: 'var(--kind-kv-transfer)' },
    );
    const details = Array.from({ length: t.startUs.length }, (_, i) => ({
      op: `${t.kinds[t.kind[i]!]} · ${t.cause[i] === 0 ? 'swap preemption' : 'multi-turn reload'}`,
      bytes: t.bytes[i]!,
      timeUs: t.endUs[i]! - t.startUs[i]!,
      bound: 'network' as const,
    }));
    return {
      lanes: instances.map((x) => ({ label: `instance ${x} ↔ host`, group: 'host link' })),
      spans: {
        lane: Uint16Array.from(t.instance, (x) => laneOf.get(x) ?? 0),
        startUs: t.startUs,
        endUs: t.endUs,
        kind: Uint8Array.from(t.kind, (k) => remap.get(k) ?? 0),
        detail: Array.from({ length: t.startUs.length }, (_, i) => i),
      },
      kinds,
      details,
      total: t.total,
    };
  }, [sim]);
  if (!lines) return null;
  const t = sim.kvTiers!;
  const series = [
    { label: 'HBM (KV pool)', points: lines.hbm, color: 'var(--mem-kv, #efb118)' },
    { label: 'Host DRAM', points: lines.host, color: 'var(--kind-d2h, #0c8599)' },
    ...(lines.capacityGB.ssd > 0 ? [{ label: 'NVMe', points: lines.ssd, color: 'var(--kind-nvme-out, #5c940d)' }] : []),
  ];
  const hLines = [
    { y: lines.capacityGB.hbm, label: `HBM KV capacity ${fmtGB(lines.capacityGB.hbm)}` },
    ...(lines.capacityGB.host !== undefined
      ? [{ y: lines.capacityGB.host, label: `host ${fmtGB(lines.capacityGB.host)}` }]
      : []),
  ];
  return (
    <div className="stack" data-testid="sim-tiers">
      <LineChart
        title="KV by tier over the simulated run (whole plan, peak per bin)"
        xLabel="Time (s)"
        yLabel="KV held (GB)"
        series={series}
        hLines={hLines}
        yFormat={(v) => fmtGB(v)}
        xFormat={(x) => `t = ${fmtNum(x)} s`}
        height={240}
      />
      <p className="caption">
        Peak: HBM {fmtGB(t.peakGB.hbm)}, host {fmtGB(t.peakGB.host)}
        {t.capacityGB.ssd > 0 ? `, NVMe ${fmtGB(t.peakGB.ssd)}` : ''}. Moved: {fmtGB(t.movedGB.d2h)} HBM → host,{' '}
        {fmtGB(t.movedGB.h2d)} back
        {t.movedGB.toSsd > 0 ? `, ${fmtGB(t.movedGB.toSsd)} to NVMe and ${fmtGB(t.movedGB.fromSsd)} back` : ''}
        {t.movedGB.reload > 0 ? `, ${fmtGB(t.movedGB.reload)} multi-turn reloads` : ''}; {fmtNum(t.transferS)} s of link
        time.
        {t.swapFallbacks > 0
          ? ` ${fmtInt(t.swapFallbacks)} preemptions recomputed because host and NVMe were full.`
          : ''}
      </p>
      {gantt && (
        <div data-testid="sim-tier-gantt">
          <GanttCanvas
            title="Tier transfers in the simulated run"
            lanes={gantt.lanes}
            spans={gantt.spans}
            kinds={gantt.kinds}
            details={gantt.details}
            height={Math.min(300, 90 + gantt.lanes.length * 26)}
          />
          {gantt.total > gantt.spans.startUs.length && (
            <p className="caption">
              First {fmtInt(gantt.spans.startUs.length)} of {fmtInt(gantt.total)} copies shown.
            </p>
          )}
        </div>
      )}
    </div>
  );
}

export function MemoryTab({ result, scenario }: { result: EvaluationResult; scenario: Scenario }) {
  const mem = result.memory;
  const cap = mem.perGpu[0]?.capacityGB ?? 0;
  // The budget is what the device reports; say so when it is not the catalog label the GPU picker shows.
  const catalogGpu = getGpu(result.gpu.id);
  const labelGB = catalogGpu?.usableMemoryGB === cap && catalogGpu.memoryGB !== cap ? catalogGpu.memoryGB : null;
  const pp = result.plan.pp;
  const perStageGpus = stageGpus(result.plan);
  const disagg = Boolean(scenario.plan.prefill && scenario.plan.decode);
  const gpus = mem.perGpu.map((g, i) => ({
    label: disagg
      ? g.label
      : pp > 1
        ? `Stage ${i} (${perStageGpus} GPU${perStageGpus === 1 ? '' : 's'} × ${result.plan.dp})`
        : `Every GPU (×${result.plan.gpusUsed})`,
    weightsGB: g.weightsGB,
    kvCacheGB: g.kvCacheGB,
    stateGB: g.stateGB,
    activationsGB: g.activationsGB,
    reservedGB: g.reservedGB,
  }));
  const util = scenario.runtime.gpuMemoryUtilization;
  const occ = useMemo(() => {
    const o = attempt(() => kvTierOccupancy(scenario, result));
    return o.ok ? o.value : null;
  }, [scenario, result]);
  const tiers: MemoryTier[] | undefined = useMemo(
    () =>
      occ
        ? occ.tiers
            .filter((t) => Number.isFinite(t.capacityGB))
            .map((t) => ({ label: t.label, usedGB: t.usedGB, capacityGB: t.capacityGB }))
        : undefined,
    [occ],
  );
  const unsized = occ?.tiers.find((t) => !Number.isFinite(t.capacityGB));
  const simState = useApp((s) => s.sim);
  const { simulateSelected } = useActions();
  const freshSim =
    simState.key === scenarioKey(scenario) && simState.result
      ? simState.result.simulation
      : isSimulated(result)
        ? result.simulation
        : null;
  const kvName = result.kv ? result.kv.label : `${scenario.precision.kvCache} KV`;

  return (
    <>
      <div data-testid="memory-chart">
        <MemoryBars
          title={`Memory per GPU · ${result.gpu.name}`}
          capacityGB={cap}
          gpus={gpus}
          tiers={tiers && tiers.length > 0 ? tiers : undefined}
        />
      </div>
      <p className="caption">
        {mem.fits ? (
          <>
            The engine may use <strong>{fmtPct(util)}</strong> of {fmtGB(cap)}
            {labelGB !== null && <> (the total the GPU reports; its label says {labelGB} GB)</>}; after weights,
            activations and the runtime reserve, the KV cache gets <strong>{fmtGB(mem.perGpu[0]?.kvCacheGB)}</strong>{' '}
            per GPU: <strong>{fmtInt(mem.maxKvTokens)}</strong> tokens per instance at{' '}
            {fmtBytes(result.model.kvBytesPerToken)}
            /token ({kvName}), enough for <strong>{fmtInt(mem.maxConcurrentSeqs)}</strong> sequences of{' '}
            {fmtInt(scenario.workload.inputTokens + scenario.workload.outputTokens)} tokens.
          </>
        ) : (
          <>
            The plan does not fit: it needs <strong>{fmtGB(mem.shortfallGB)}</strong> more per GPU. Raise TP/PP/EP, use
            smaller weights (fp8/int4), or give the engine a larger share of memory.
          </>
        )}
      </p>
      {occ && (
        <p className="caption" data-testid="memory-tiers">
          <strong>KV tiers</strong> (per GPU, at the steady-state batch of {fmtNum(occ.concurrency)} sequences per
          instance): {fmtGB(occ.hbmKvGB)} of KV in HBM
          {occ.tiers
            .map((t) =>
              Number.isFinite(t.capacityGB) ? `, ${fmtGB(t.usedGB)} of ${fmtGB(t.capacityGB)} ${t.label}` : '',
            )
            .join('')}
          {unsized
            ? `; ${fmtGB(unsized.usedGB)} of evicted pages in host DRAM (unsized — add an offload component to size it)`
            : ''}
          . Running sequences decode from HBM; the host/NVMe tiers hold evicted pages, swapped-out sequences and
          multi-turn KV.{' '}
          {occ.seqsWithTiers > occ.hbmSeqs
            ? `With the tiers the plan holds ${fmtInt(occ.seqsWithTiers)} sequences of this length instead of ${fmtInt(occ.hbmSeqs)}.`
            : ''}
        </p>
      )}
      {freshSim?.kvTiers ? (
        <SimTiers sim={freshSim} />
      ) : (
        occ && (
          <div className="row row--wrap">
            <span className="caption">
              Simulate the plan to see each tier’s occupancy over time and the copies between them.
            </span>
            <button type="button" className="btn btn--sm" onClick={simulateSelected} data-testid="simulate-tiers">
              <IconPlay /> Simulate this plan
            </button>
          </div>
        )
      )}
    </>
  );
}
