/**
 * Search results as files: CSV (one row per ranked plan, then the rejected plans) and JSON (the
 * scenario that was searched, the options and every plan with its full evaluation). Pure: the UI
 * turns the strings into downloads.
 */
import type { RankedPlan, SearchResult } from '../search/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { memoryHeadroom } from '../views/headroom.ts';
import { planStanding } from '../search/ranking.ts';

export const CSV_COLUMNS = [
  'rank',
  'status',
  'plan',
  'layout',
  'tp',
  'pp',
  'dp',
  'ep',
  'attention_dp',
  'gpus',
  'kv_dtype',
  'max_num_seqs',
  'max_batched_tokens',
  'method',
  'output_tok_per_s_per_gpu',
  'goodput_req_per_s',
  'ttft_p50_ms',
  'ttft_p99_ms',
  'tpot_p50_ms',
  'tpot_p99_ms',
  'usd_per_m_output_tokens',
  'j_per_output_token',
  'kv_free_fraction',
  'shortfall_gb',
  'on_pareto',
  'bottleneck',
  'reason',
  'tier',
  'verdict',
  'reasons',
] as const;

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; formula-looking text is prefixed with ' (CSV injection). */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The offered rate the ranking tiered against (the load verdict carries it; none = no tiers). */
const offeredOf = (result: SearchResult) => result.verdict?.offeredReqPerSec ?? null;

function rankedRow(p: RankedPlan, rank: number, offered: number | null): (string | number | boolean | null)[] {
  const r = p.result;
  const st = planStanding(p, offered);
  const sc = p.candidate.scenario;
  const w = sc.workload ?? {};
  const h = memoryHeadroom(r, w.inputTokens ?? 1024, w.outputTokens ?? 256);
  return [
    rank,
    'ranked',
    p.candidate.label,
    p.candidate.knobs.kind,
    r.plan.tp,
    r.plan.pp,
    r.plan.dp,
    r.plan.ep,
    r.plan.attentionDp,
    r.plan.gpusUsed,
    p.candidate.knobs.kvDtype,
    p.candidate.knobs.maxNumSeqs,
    p.candidate.knobs.maxBatchedTokens,
    p.method,
    r.metrics.outputTokPerSecPerGpu,
    r.metrics.goodputReqPerSec,
    r.metrics.ttftMs?.p50 ?? null,
    r.metrics.ttftMs?.p99 ?? null,
    r.metrics.tpotMs?.p50 ?? null,
    r.metrics.tpotMs?.p99 ?? null,
    r.metrics.costUsdPerMOutputTokens ?? null,
    r.metrics.energyJPerOutputToken ?? null,
    h.kvFreeFraction,
    h.shortfallGB,
    p.onPareto,
    r.bottleneck,
    p.reason,
    st?.tier ?? null,
    st?.verdict ?? null,
    st ? st.reasons.join('; ') : null,
  ];
}

export function resultsCsv(result: SearchResult): string {
  const rows: string[] = [CSV_COLUMNS.join(',')];
  result.ranked.forEach((p, i) =>
    rows.push(
      rankedRow(p, i + 1, offeredOf(result))
        .map(csvField)
        .join(','),
    ),
  );
  for (const rej of result.rejected) {
    const plan = rej.candidate.scenario.plan ?? {};
    const row: (string | number | null)[] = CSV_COLUMNS.map(() => null);
    row[1] = 'rejected';
    row[2] = rej.candidate.label;
    row[3] = rej.candidate.knobs.kind;
    row[4] = plan.tp ?? 1;
    row[5] = plan.pp ?? 1;
    row[6] = plan.dp ?? 1;
    row[7] = plan.ep ?? 1;
    row[8] = plan.attentionDp ?? 1;
    row[10] = rej.candidate.knobs.kvDtype;
    row[11] = rej.candidate.knobs.maxNumSeqs;
    row[12] = rej.candidate.knobs.maxBatchedTokens;
    row[CSV_COLUMNS.indexOf('reason')] = rej.reason;
    row[CSV_COLUMNS.indexOf('verdict')] = 'rejected';
    rows.push(row.map(csvField).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

export const RESULTS_FORMAT = 'parakv-search-results';

export function resultsJson(result: SearchResult, searched: Scenario, options?: unknown): string {
  return JSON.stringify(
    {
      format: RESULTS_FORMAT,
      version: 1,
      scenario: searched,
      options: options ?? null,
      objective: result.objective,
      secondary: result.secondary,
      counts: result.counts,
      elapsedMs: result.elapsedMs,
      verdict: result.verdict ?? null,
      ranked: result.ranked.map((p, i) => ({
        rank: i + 1,
        ...(planStanding(p, offeredOf(result)) ?? {}),
        id: p.candidate.id,
        label: p.candidate.label,
        group: p.candidate.group,
        knobs: p.candidate.knobs,
        method: p.method,
        onPareto: p.onPareto,
        reason: p.reason,
        value: p.value,
        secondaryValue: p.secondaryValue,
        result: p.result,
      })),
      pareto: result.pareto.map((p) => p.candidate.id),
      rejected: result.rejected.map((r) => ({
        id: r.candidate.id,
        label: r.candidate.label,
        knobs: r.candidate.knobs,
        reason: r.reason,
      })),
    },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}
