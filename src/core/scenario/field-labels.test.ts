import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FIELD_LABELS, fieldLabel, humanizeFieldError } from './field-labels.ts';
import { schemaFieldPaths } from './schema-paths.ts';
import { scenarioSchema } from './schema.ts';
import { parseScenario } from './validate.ts';

const PATHS = schemaFieldPaths(scenarioSchema);
/** A message that still starts with a dotted field path (what the app must not show). */
const RAW_PATH = /^[A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)+(?=:|\s)/;

// The app's first-visit scenario (src/state/defaults.ts), restated here: core tests cannot import state.
const BASE = {
  version: 1,
  model: 'llama-3.1-70b',
  cluster: { gpu: 'h100-sxm', nodes: 2, gpusPerNode: 8 },
  plan: { tp: 8, pp: 1, dp: 2, ep: 1, attentionDp: 1 },
  runtime: { maxNumSeqs: 256, maxBatchedTokens: 8192, gpuMemoryUtilization: 0.9, kvBlockSize: 16 },
  workload: { inputTokens: 1155, outputTokens: 211, requests: 2000, arrival: { kind: 'poisson', ratePerSec: 20 } },
  slo: { ttftMs: 1000, tpotMs: 100 },
};

/** Leaf paths (as key lists) of a parsed scenario: every number, string and boolean it holds. */
function leaves(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return at.length ? [at] : [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) =>
    leaves(x, [...at, Array.isArray(v) ? Number(k) : k]),
  );
}

function withValue(obj: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const copy = Array.isArray(obj) ? [...obj] : { ...(obj as Record<string, unknown>) };
  (copy as Record<string | number, unknown>)[head] = withValue(
    (obj as Record<string | number, unknown>)[head],
    rest,
    value,
  );
  return copy;
}

describe('fieldLabel', () => {
  it('labels every field path of the Scenario schema', () => {
    expect(PATHS.length).toBeGreaterThan(100);
    const missing = PATHS.filter((p) => !fieldLabel(p));
    expect(missing).toEqual([]);
  });

  it('has no label for a path the schema does not have (no stale entries)', () => {
    expect(Object.keys(FIELD_LABELS).filter((k) => !PATHS.includes(k))).toEqual([]);
  });

  it('labels read as words, not paths', () => {
    for (const p of PATHS) {
      if (p.includes('.')) expect(fieldLabel(p)).not.toContain(p);
      expect(fieldLabel(p)).not.toMatch(/\b[a-z]+[A-Z]\w*/); // no camelCase identifiers
    }
  });

  it('normalises array indices and record keys', () => {
    expect(fieldLabel('workload.input.values[3]')).toBe('Input length value (tokens)');
    expect(fieldLabel('model.hf.num_attention_heads')).toBe('Model config.json field num_attention_heads');
    expect(fieldLabel('no.such.field')).toBeNull();
  });
});

describe('humanizeFieldError', () => {
  it('rewrites the issue 14 example', () => {
    expect(humanizeFieldError('workload.arrival.ratePerSec must be at least 0.000001')).toBe(
      'Arrival rate (req/s) must be at least 0.000001',
    );
    expect(humanizeFieldError('plan.tp: must divide the GPUs')).toBe('Plan tensor parallel (TP): must divide the GPUs');
  });

  it('rewrites known dotted paths inside a longer message (banners, joined errors)', () => {
    expect(
      humanizeFieldError('invalid scenario: plan.tp must be at least 1; workload.input.values[2] must be a number'),
    ).toBe(
      'invalid scenario: Plan tensor parallel (TP) must be at least 1; Input length value (tokens) must be a number',
    );
    expect(humanizeFieldError('the model config.json has no plan.bogus')).toBe(
      'the model config.json has no plan.bogus',
    );
  });

  it('leaves messages without a known leading path alone', () => {
    expect(humanizeFieldError('scenario must be a JSON object')).toBe('scenario must be a JSON object');
    expect(humanizeFieldError('no.such.field must be 1')).toBe('no.such.field must be 1');
    expect(humanizeFieldError('')).toBe('');
  });

  it('every error from breaking any one field of a real scenario names the field by its label', () => {
    const base = parseScenario(BASE);
    if (!base.ok) throw new Error(base.errors.join('; '));
    const paths = leaves(base.scenario);
    expect(paths.length).toBeGreaterThan(20);
    const bad = fc.oneof(
      fc.constant('not-a-value'),
      fc.constant(-1e12),
      fc.constant(1e15),
      fc.constant(0.5),
      fc.constant(true),
      fc.constant(null),
    );
    let rewritten = 0;
    fc.assert(
      fc.property(fc.constantFrom(...paths), bad, (path, value) => {
        const r = parseScenario(withValue(base.scenario, path, value));
        if (r.ok) return;
        for (const e of r.errors) {
          const h = humanizeFieldError(e);
          expect(h).not.toMatch(RAW_PATH);
          if (h !== e) rewritten++;
        }
      }),
      { numRuns: 400 },
    );
    expect(rewritten).toBeGreaterThan(100);
  });
});
