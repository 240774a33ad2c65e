/**
 * `parakv evaluate <scenario.json|-> [--format table]`: one scenario → one result, an array → an
 * array of results in the same order (an invalid element gets { error } and exit code 2 at the end).
 */
import { ScenarioError } from '../core/cost/deployment.ts';
import type { evaluateSteadyState, EvaluationResult } from '../core/evaluate/evaluate.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { fmtBytes as bytes } from '../core/format.ts';
import { errorSummary, summariseIssues } from './check.ts';
import type { CliIo } from './io.ts';
import { fmtNum, renderTable } from './table.ts';
import { formatBand, withBandFields, type Band, type BandedMetric } from '../core/calibrate/bands.ts';

export type Evaluator = (scenario: Parameters<typeof evaluateSteadyState>[0]) => EvaluationResult;

/**
 * Evaluate untrusted JSON; user errors come back as { error } naming the field. Each headline number
 * carries its expected error next to it (`tpotMsBandPct`, core/calibrate/bands.ts).
 */
export function evaluateJson(input: unknown, evaluate: Evaluator): EvaluationResult | { error: string } {
  const parsed = parseScenario(input);
  if (!parsed.ok) return { error: summariseIssues(parsed.errors) };
  try {
    return withBandFields(evaluate(parsed.scenario), parsed.scenario);
  } catch (e) {
    if (e instanceof ScenarioError) return { error: e.message };
    throw e;
  }
}

/** The KV strategy block of the table: its effect at the workload's context (core/kv). */
export function formatKvStrategy(kv: NonNullable<EvaluationResult['kv']>): string[] {
  const tiers = kv.tiers;
  const seqs = `${fmtNum(kv.hbmSeqs)} sequences in HBM${kv.maxSeqsWithTiers > kv.hbmSeqs ? `, ${fmtNum(kv.maxSeqsWithTiers)} with the host/NVMe tiers` : ''}`;
  const lines = [
    `KV strategy: ${kv.label} (${kv.fidelity}) — ${kv.description}`,
    renderTable(
      ['KV at ' + kv.contextTokens.toLocaleString('en-US') + ' tokens', 'strategy', 'bf16 reference'],
      [
        ['stored per token', bytes(kv.storedBytesPerToken), bytes(kv.bf16BytesPerToken)],
        ['HBM per sequence', bytes(kv.hbmBytesPerSeq), `${fmtNum(kv.compressionVsBf16)}× smaller`],
        ['decode read per sequence per step', bytes(kv.decodeReadBytesPerSeq), bytes(kv.bf16DecodeReadBytesPerSeq)],
        ['extra decode FLOPs per sequence per step', fmtNum(kv.decodeExtraFlopsPerSeq / 1e9) + ' G', '0'],
      ],
    ),
    `capacity: ${seqs} (allocation unit ${kv.blockTokens} tokens)`,
  ];
  const t = kv.transfers;
  const moves: string[] = [];
  if (tiers)
    moves.push(
      `tiers ${fmtNum(tiers.hostGBPerGpu)} GB host${tiers.ssdGBPerGpu > 0 ? ` + ${fmtNum(tiers.ssdGBPerGpu)} GB NVMe @ ${fmtNum(tiers.ssdGBps)} GB/s` : ''} per GPU over ${fmtNum(tiers.hostLinkGBps)} GB/s${tiers.prefetch ? ', layer-wise prefetch' : ''}`,
    );
  if (t.evictD2hBytesPerSeq > 0)
    moves.push(
      `evicted to host ${bytes(t.evictD2hBytesPerSeq)} per sequence, ${bytes(t.refetchH2dBytesPerStepPerSeq)} fetched back per step`,
    );
  if (t.multiTurnReloadBytes !== null) moves.push(`multi-turn reload ${bytes(t.multiTurnReloadBytes)} per turn`);
  if (tiers) moves.push(`swap preemption ${fmtNum(t.swapPreemptionS * 1e3)} ms per sequence (out and back)`);
  if (moves.length > 0) lines.push(`transfers: ${moves.join(' · ')}`);
  return lines;
}

/**
 * Memory per GPU; a "state GB" column (linear-attention / Mamba recurrent state, maxNumSeqs fixed
 * states) appears when any GPU holds one, so the columns add up to the total.
 */
function memoryTable(r: EvaluationResult): string {
  const state = r.memory.perGpu.some((g) => (g.stateGB ?? 0) > 0);
  return renderTable(
    [
      'memory per GPU',
      'weights GB',
      'KV GB',
      ...(state ? ['state GB'] : []),
      'activations GB',
      'reserved GB',
      'total GB',
      'capacity GB',
    ],
    r.memory.perGpu.map((g) => [
      g.label,
      fmtNum(g.weightsGB),
      fmtNum(g.kvCacheGB),
      ...(state ? [fmtNum(g.stateGB ?? 0)] : []),
      fmtNum(g.activationsGB),
      fmtNum(g.reservedGB),
      fmtNum(g.totalGB),
      fmtNum(g.capacityGB),
    ]),
  );
}

export function formatResultTable(r: EvaluationResult & { errorBands?: Record<BandedMetric, Band> }): string {
  const m = r.metrics;
  const bands = r.errorBands;
  const lines = [
    `${r.model.name} on ${r.plan.gpusUsed}× ${r.gpu.name} — TP${r.plan.tp} PP${r.plan.pp} DP${r.plan.dp}${r.plan.ep > 1 ? ` EP${r.plan.ep}` : ''}${r.plan.attentionDp > 1 ? ` attnDP${r.plan.attentionDp}` : ''} (${r.method})`,
    ...(r.basis ? [`basis: ${r.basis}`] : []),
    `params ${fmtNum(r.model.totalParams / 1e9)}B total / ${fmtNum(r.model.activeParams / 1e9)}B active · KV ${bytes(r.model.kvBytesPerToken)}/token`,
    '',
    memoryTable(r),
    `fits: ${r.memory.fits ? 'yes' : `NO (short by ${fmtNum(r.memory.shortfallGB)} GB)`} · max KV tokens ${fmtNum(r.memory.maxKvTokens)} · max concurrent seqs ${fmtNum(r.memory.maxConcurrentSeqs)}`,
    '',
    ...(r.kv ? [...formatKvStrategy(r.kv), ''] : []),
    renderTable(
      ['metric', 'mean', 'p50', 'p90', 'p99', 'expected error'],
      (['ttftMs', 'tpotMs', 'e2eMs'] as const).map((k) => {
        const v = m[k];
        const b = bands?.[k] ? formatBand(bands[k]) : '—';
        return v ? [k, fmtNum(v.mean), fmtNum(v.p50), fmtNum(v.p90), fmtNum(v.p99), b] : [k, '—', '—', '—', '—', b];
      }),
    ),
    '',
    `output ${fmtNum(m.outputTokPerSec)} tok/s${bands ? ` ${formatBand(bands.outputTokPerSec)}` : ''} (${fmtNum(m.outputTokPerSecPerGpu)} per GPU) · ${fmtNum(m.requestsPerSec)} req/s · goodput ${fmtNum(m.goodputReqPerSec)} req/s (SLO attainment ${fmtNum(m.sloAttainment * 100)}%)`,
    `energy ${m.energyJPerOutputToken !== undefined ? fmtNum(m.energyJPerOutputToken) : '—'} J/token · cost ${m.costUsdPerMOutputTokens !== undefined ? `$${fmtNum(m.costUsdPerMOutputTokens)}` : '—'} per M output tokens`,
    ...Object.entries(m.absent ?? {}).map(([k, why]) => `${k}: — (${why})`),
    '',
    `bottleneck: ${r.bottleneck}`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n');
}

export function runEvaluate(inputs: unknown, format: 'json' | 'table', evaluate: Evaluator, io: CliIo): number {
  const many = Array.isArray(inputs);
  const items = many ? (inputs as unknown[]) : [inputs];
  const results = items.map((x) => evaluateJson(x, evaluate));
  const problem = errorSummary(
    results.map((r) => ('error' in r ? r.error : null)),
    many,
  );
  if (format === 'table') {
    io.stdout(
      results.map((r, i) => ('error' in r ? `[${i}] error: ${r.error}` : formatResultTable(r))).join('\n\n') + '\n',
    );
  } else {
    io.stdout(JSON.stringify(many ? results : results[0], null, 2) + '\n');
  }
  if (problem !== null) io.stderr(problem + '\n');
  return problem !== null ? 2 : 0;
}
