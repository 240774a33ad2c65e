import { describe, expect, it } from 'vitest';
import { evaluateSteadyState } from '../evaluate/evaluate.ts';
import { parseScenario } from '../scenario/validate.ts';
import type { ScenarioInput } from '../scenario/schema.ts';
import type { Candidate, PlanKnobs, SearchResult } from '../search/types.ts';
import { CSV_COLUMNS, csvField, resultsCsv, resultsJson } from './results.ts';
import { memoryHeadroom } from '../views/headroom.ts';
import { fmtRate, loadVerdict, planTier, rankingContext, rankPlans } from '../search/ranking.ts';

/** RFC 4180 line → fields (the writer's quoting undone). */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function evaluated(input: ScenarioInput) {
  const r = parseScenario(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return { scenario: r.scenario, result: evaluateSteadyState(r.scenario) };
}

const base: ScenarioInput = {
  version: 1,
  model: 'llama-3.1-70b',
  cluster: { gpu: 'h100-sxm', nodes: 1 },
  workload: { inputTokens: 1000, outputTokens: 200 },
};
const a = evaluated({ ...base, plan: { tp: 8 } });
const b = evaluated({ ...base, plan: { tp: 4, dp: 2 } });

function cand(id: string, label: string, plan: { tp: number; dp?: number }): Candidate {
  const full = { tp: plan.tp, pp: 1, dp: plan.dp ?? 1, ep: 1, attentionDp: 1 };
  const knobs: PlanKnobs = { kind: 'colocated', plan: full, kvDtype: 'bf16', maxNumSeqs: 256, maxBatchedTokens: 8192 };
  return { id, index: 0, label, group: `TP${plan.tp}`, knobs, scenario: { ...base, plan: full } };
}

const result: SearchResult = {
  objective: 'throughput-per-gpu',
  secondary: 'ttft-p99',
  ranked: [
    {
      candidate: cand('tp8', 'TP8, "fast"', { tp: 8 }),
      result: a.result,
      method: 'steady-state',
      onPareto: true,
      reason: 'best',
      value: a.result.metrics.outputTokPerSecPerGpu,
      secondaryValue: a.result.metrics.ttftMs!.p99,
    },
    {
      candidate: cand('tp4dp2', 'TP4 DP2', { tp: 4, dp: 2 }),
      result: b.result,
      method: 'steady-state',
      onPareto: false,
      reason: '=cmd',
      value: b.result.metrics.outputTokPerSecPerGpu,
      secondaryValue: b.result.metrics.ttftMs!.p99,
    },
  ],
  pareto: [],
  rejected: [{ candidate: cand('tp1', 'TP1 DP8', { tp: 1, dp: 8 }), reason: 'weights 141 GB > 72 GB budget, per GPU' }],
  counts: { enumerated: 3, infeasible: 1, pruned: 0, simulated: 0 },
  elapsedMs: 12,
};

describe('resultsCsv', () => {
  it('writes a header, one row per ranked plan with the engine numbers, then the rejected plans', () => {
    const lines = resultsCsv(result).trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    const row = lines[1]!;
    expect(row.startsWith('1,ranked,"TP8, ""fast""",colocated,8,1,1,1,1,8,bf16,256,8192,steady-state,')).toBe(true);
    expect(row).toContain(`,${a.result.metrics.outputTokPerSecPerGpu},`);
    expect(row).toContain(`,${a.result.metrics.ttftMs!.p99},`);
    expect(lines[2]).toContain(",'=cmd");
    expect(lines[3]).toMatch(/^,rejected,TP1 DP8,colocated,1,1,8,1,1,,bf16,256,8192,/);
    expect(lines[3]).toMatch(/,"weights 141 GB > 72 GB budget, per GPU",,rejected,$/);
    // No offered rate (offline): no tiers, so the three ranking columns are empty.
    expect(lines[1]!.endsWith(',,,')).toBe(true);
  });

  it('adds each plan’s tier, verdict and reasons at the offered load (search/ranking.ts)', () => {
    const at = (ratePerSec: number) => {
      const plans = [a, b].map((e, i) => {
        const s = {
          ...e.scenario,
          workload: { ...e.scenario.workload, arrival: { kind: 'poisson' as const, ratePerSec } },
        };
        return { ...result.ranked[i]!, result: evaluateSteadyState(s) };
      });
      const ctx = rankingContext(
        { ...a.scenario, workload: { ...a.scenario.workload, arrival: { kind: 'poisson', ratePerSec } } },
        'throughput-per-gpu',
        'ttft-p99',
      );
      const ranked = rankPlans(plans, ctx);
      const verdict = loadVerdict(ranked, ctx)!;
      const lines = resultsCsv({ ...result, ranked, verdict })
        .trimEnd()
        .split('\r\n');
      const col = (line: string, name: (typeof CSV_COLUMNS)[number]) => parseCsvLine(line)[CSV_COLUMNS.indexOf(name)];
      return { ranked, lines, col, json: JSON.parse(resultsJson({ ...result, ranked, verdict }, a.scenario)) as Json };
    };
    type Json = { verdict: { kind: string }; ranked: { tier: number; verdict: string; reasons: string[] }[] };
    // 1000 req/s swamps both plans: Tier 3, the queue grows.
    const hot = at(1000);
    for (const [i, p] of hot.ranked.entries()) {
      expect(hot.col(hot.lines[i + 1]!, 'tier')).toBe('3');
      expect(hot.col(hot.lines[i + 1]!, 'verdict')).toBe('overloaded');
      expect(hot.col(hot.lines[i + 1]!, 'reasons')).toBe(
        `queue grows without bound; serves ${fmtRate(p.result.metrics.requestsPerSec)} of 1000 req/s`,
      );
    }
    expect(hot.json.verdict.kind).toBe('overloaded');
    expect(hot.json.ranked[0]!.verdict).toBe('overloaded');
    // 0.05 req/s both carry: the tier follows the SLO attainment, and the reasons say it.
    const cool = at(0.05);
    for (const [i, p] of cool.ranked.entries()) {
      const tier = planTier(p.result, 0.05);
      expect(tier).not.toBe(3);
      expect(cool.col(cool.lines[i + 1]!, 'tier')).toBe(String(tier));
      expect(cool.col(cool.lines[i + 1]!, 'verdict')).toBe(tier === 1 ? 'meets-slo' : 'misses-slo');
      expect(cool.col(cool.lines[i + 1]!, 'reasons')).toMatch(
        /^serves [\d.]+ of 0\.05 req\/s; \d+% of requests within SLO \(90% needed\)$/,
      );
      expect(cool.json.ranked[i]!.reasons).toEqual(cool.col(cool.lines[i + 1]!, 'reasons')!.split('; '));
    }
  });

  it('escapes fields', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField(Infinity)).toBe('');
    expect(csvField(1 / 3)).toBe('0.333333');
    expect(csvField(null)).toBe('');
  });
});

describe('resultsJson', () => {
  it('round-trips the plans with their evaluations and writes Infinity as null', () => {
    const json = JSON.parse(resultsJson(result, a.scenario, { objective: 'throughput-per-gpu' })) as {
      ranked: { rank: number; result: { metrics: { outputTokPerSecPerGpu: number } } }[];
      rejected: unknown[];
      format: string;
    };
    expect(json.format).toBe('parakv-search-results');
    expect(json.ranked[1]!.rank).toBe(2);
    expect(json.ranked[0]!.result.metrics.outputTokPerSecPerGpu).toBe(a.result.metrics.outputTokPerSecPerGpu);
    expect(json.rejected).toHaveLength(1);
    expect(resultsJson({ ...result, elapsedMs: Infinity }, a.scenario)).toContain('"elapsedMs": null');
  });
});

describe('memoryHeadroom', () => {
  it('reports the unused share of the KV pool at the steady-state batch', () => {
    const h = memoryHeadroom(a.result, 1000, 200);
    expect(h.fits).toBe(true);
    const used = a.result.metrics.concurrency * 1100;
    expect(h.kvTokensUsed).toBeCloseTo(used);
    expect(h.kvFreeFraction).toBeCloseTo(1 - used / a.result.memory.maxKvTokens);
  });

  it('reports the shortfall when the weights do not fit', () => {
    const c = evaluated({ ...base, plan: { tp: 1 } });
    const h = memoryHeadroom(c.result, 1000, 200);
    expect(h.fits).toBe(false);
    expect(h.kvFreeFraction).toBeNull();
    expect(h.shortfallGB).toBeGreaterThan(50);
  });
});
