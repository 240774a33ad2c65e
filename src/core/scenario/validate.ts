/**
 * Scenario parsing in two stages: shape (zod: types, bounds, defaults) then meaning (catalog ids exist,
 * the plan fits the cluster, the parallel sizes divide the model). Both report `field: problem — fix`.
 */
import type { z } from 'zod';
import { checkpointPrecisionOf } from '../model/precision.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/**
 * Fill precision.weights / precision.activations the scenario leaves out from the model's checkpoint
 * (config.json quantization_config: DeepSeek-V3/R1 ship FP8), before the schema's bf16 defaults.
 */
function withCheckpointPrecision(input: Record<string, unknown>): Record<string, unknown> {
  const ck = checkpointPrecisionOf(input['model']);
  const p = input['precision'];
  if (!ck || (p !== undefined && (typeof p !== 'object' || p === null || Array.isArray(p)))) return input;
  const given = (p ?? {}) as Record<string, unknown>;
  return {
    ...input,
    precision: {
      weights: ck.weights,
      ...(given['weights'] === undefined ? { activations: ck.activations } : {}),
      ...given,
    },
  };
}

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: string[] };

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return `${path ? `${path}: ` : ''}unknown field(s) ${issue.keys.join(', ')} — remove them or check the spelling`;
    }
    const message = issue.message.startsWith(path) ? issue.message : `${path ? `${path}: ` : ''}${issue.message}`;
    return message;
  });
}

/** Parse untrusted JSON (already JSON.parse'd) into a Scenario with defaults filled in. */
export function parseScenario(input: unknown): ParseResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        'scenario must be a JSON object like { "version": 1, "model": "llama-3.1-70b", "cluster": { "gpu": "h100-sxm" } }',
      ],
    };
  }
  const result = scenarioSchema.safeParse(withCheckpointPrecision(input as Record<string, unknown>));
  if (!result.success) return { ok: false, errors: formatZodIssues(result.error) };
  return { ok: true, scenario: result.data };
}
