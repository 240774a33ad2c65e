import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/validate.ts';
import { encodeLink } from './codec.ts';
import {
  LINK_VERSION,
  scenarioFromLink,
  sharedFromLink,
  sharedToLink,
  type LinkSearchOptions,
} from './scenario-link.ts';
import { OBJECTIVES } from '../search/objectives.ts';

/** A v1 link (payload = the bare scenario) written by the code before v2, committed; never regenerate it. */
const V1_FIXTURE = readFileSync(
  resolve(import.meta.dirname, '__fixtures__/link-v1-llama70b-tp4dp2.txt'),
  'utf8',
).trim();

function example() {
  const p = parseScenario(
    JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../examples/llama70b-h100.json'), 'utf8')),
  );
  if (!p.ok) throw new Error(p.errors.join('; '));
  return p.scenario;
}

const SEARCH: LinkSearchOptions = {
  objective: 'cost',
  secondary: 'ttft-p99',
  allowTpAcrossNodes: true,
  allowDisaggregation: true,
  kvDtypes: ['fp8'],
  kvStrategies: ['fp8', 'kivi2'],
  allowLossy: true,
  allowNearLossless: false,
  maxNumSeqs: [64, 256],
  maxBatchedTokens: [],
  top: 30,
  simulateTop: 4,
  replicas: 'max',
};

describe('shared links (v2: scenario + search settings)', () => {
  it('a v1 link made before search settings existed still opens, with its plan and no search part', async () => {
    expect(V1_FIXTURE).toMatch(/^s1\./);
    const r = await sharedFromLink(`https://parakv.example/#${V1_FIXTURE}`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.migratedFrom).toBe(1);
    expect(r.value.search).toBeNull();
    expect(r.value.showTable).toBe(false);
    expect(r.value.scenario.plan).toEqual({ tp: 4, pp: 1, dp: 2, ep: 1, attentionDp: 1 });
    expect(r.value.scenario).toEqual({ ...example(), plan: r.value.scenario.plan });
    // The CLI path reads the same scenario.
    const cli = await scenarioFromLink(V1_FIXTURE);
    expect(cli.ok && cli.value).toEqual(r.value.scenario);
  });

  it('carries objective, secondary, P/D, KV strategies, lossy flags and the table flag', async () => {
    const scenario = example();
    const link = await sharedToLink({ scenario, search: SEARCH, showTable: true });
    expect(link.startsWith(`s${LINK_VERSION}.`)).toBe(true);
    expect(await sharedFromLink(link)).toEqual({
      ok: true,
      value: { scenario, search: SEARCH, showTable: true },
      migratedFrom: null,
    });
  });

  it('round-trips any valid search settings (property)', async () => {
    const scenario = example();
    const search = fc.record({
      objective: fc.constantFrom(...OBJECTIVES),
      secondary: fc.constantFrom(...OBJECTIVES),
      allowTpAcrossNodes: fc.boolean(),
      allowDisaggregation: fc.boolean(),
      kvDtypes: fc.subarray(['fp8', 'bf16', 'int8']),
      kvStrategies: fc.subarray(['fp8', 'int4', 'kivi2', 'h2o']),
      allowLossy: fc.boolean(),
      allowNearLossless: fc.boolean(),
      maxNumSeqs: fc.array(fc.integer({ min: 1, max: 65_536 }), { maxLength: 16 }),
      maxBatchedTokens: fc.array(fc.integer({ min: 16, max: 1_048_576 }), { maxLength: 16 }),
      top: fc.integer({ min: 1, max: 200 }),
      simulateTop: fc.integer({ min: 0, max: 64 }),
      replicas: fc.constantFrom('all' as const, 'max' as const),
      speculative: fc.option(
        fc.array(
          fc.oneof(
            fc.constant('off' as const),
            fc.record(
              {
                method: fc.constantFrom('mtp' as const, 'eagle' as const, 'eagle3' as const, 'ngram' as const),
                draftTokens: fc.integer({ min: 1, max: 8 }),
                acceptanceRate: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
              },
              { requiredKeys: ['method', 'draftTokens'] },
            ),
          ),
          { maxLength: 16 },
        ),
        { nil: undefined },
      ),
    });
    await fc.assert(
      fc.asyncProperty(search, fc.boolean(), async (s, showTable) => {
        const r = await sharedFromLink(await sharedToLink({ scenario, search: s, showTable }));
        expect(r.ok && r.value).toEqual({ scenario, search: s, showTable });
      }),
      { numRuns: 40 },
    );
  });

  it('refuses invalid search settings with the option named in words', async () => {
    const scenario = example();
    const bad = async (search: unknown) => {
      const r = await sharedFromLink(await encodeLink({ scenario, search }, LINK_VERSION));
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error;
    };
    expect(await bad({ ...SEARCH, objective: 'speed' })).toMatch(
      /search settings are not valid \(the objective must be one of throughput-per-gpu, goodput/,
    );
    expect(await bad({ ...SEARCH, allowDisaggregation: 'yes' })).toMatch(/prefill\/decode \(P\/D\) toggle/);
    expect(await bad({ ...SEARCH, kvStrategies: ['no-such-preset'] })).toMatch(/KV strategies to try must be preset/);
    expect(await bad({ ...SEARCH, top: 0 })).toMatch(/plans to show must be at least 1/);
    const missing: Partial<LinkSearchOptions> = { ...SEARCH };
    delete missing.objective;
    expect(await bad(missing)).toMatch(/the option "objective" is missing/);
    // A bad scenario is still reported by the scenario schema.
    const r = await sharedFromLink(
      await encodeLink({ scenario: { ...scenario, cluster: { gpu: 'h100-sxm', nodes: 5000 } } }, 2),
    );
    expect(!r.ok && r.error).toMatch(/nodes/);
  });

  it('carries the speculative settings to try (CLI --speculative off,mtp:1@0.8)', async () => {
    const scenario = example();
    const search: LinkSearchOptions = {
      ...SEARCH,
      speculative: [
        'off',
        { method: 'mtp', draftTokens: 1, acceptanceRate: 0.8 },
        { method: 'eagle3', draftTokens: 4 },
      ],
    };
    const r = await sharedFromLink(await sharedToLink({ scenario, search, showTable: true }));
    expect(r.ok && r.value.search).toEqual(search);
  });

  it('a v2 link written before speculative settings existed opens with the scenario’s own setting', async () => {
    const scenario = example();
    const r = await sharedFromLink(await encodeLink({ scenario, search: SEARCH }, LINK_VERSION));
    expect(r.ok && r.value.search).toEqual(SEARCH);
    expect(r.ok && r.value.search !== null && 'speculative' in r.value.search).toBe(false);
  });

  it('refuses invalid speculative settings, naming the option and the problem', async () => {
    const scenario = example();
    const bad = async (speculative: unknown) => {
      const r = await sharedFromLink(await encodeLink({ scenario, search: { ...SEARCH, speculative } }, LINK_VERSION));
      return r.ok ? '' : r.error;
    };
    expect(await bad('mtp:1')).toMatch(/speculative settings to try must be a list of "off" or \{ method, draftTokens/);
    expect(await bad(['on'])).toMatch(/speculative settings to try must each be "off" or \{ method/);
    expect(await bad([{ method: 'medusa', draftTokens: 2 }])).toMatch(
      /speculative settings to try must each be .*\(runtime\.speculative\.method must be one of/,
    );
    expect(await bad([{ method: 'mtp', draftTokens: 0 }])).toMatch(/\(runtime\.speculative\.draftTokens must be/);
    expect(await bad(Array.from({ length: 17 }, () => 'off'))).toMatch(/may list at most 16 entries/);
  });

  it('a link without search settings never shows a table', async () => {
    const scenario = example();
    const r = await sharedFromLink(await encodeLink({ scenario, showTable: true }, LINK_VERSION));
    expect(r.ok && r.value).toEqual({ scenario, search: null, showTable: false });
  });
});
