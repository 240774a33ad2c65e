/**
 * Trace parsers (5 formats): `parseTrace` and `detectTraceFormat` on line- and text-level mutations
 * of the real traces in data/reference/traces (BurstGPT and Vidur files are built from the Azure
 * rows under their own headers) and on random text. Both document that they never throw; a parsed
 * trace must hold finite, non-negative requests.
 */
import { detectTraceFormat, parseTrace, TRACE_FORMATS, type TraceFormat } from '../../core/workload/traces.ts';
import { readCorpus } from '../corpus.ts';
import { hostileValue, mutateText, randomText } from '../mutate.ts';
import type { Rng } from '../rng.ts';
import { FuzzInvariantError, preview, type FuzzSurface } from '../types.ts';

export interface TraceInput {
  format: TraceFormat;
  text: string;
}

type Ctx = Record<TraceFormat, string[]>;

function azureRows(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
}

/** Line-level mutation: drop, duplicate, swap lines, or replace one field with a hostile value. */
function mutateLines(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const rounds = rng.int(1, 4);
  for (let r = 0; r < rounds && lines.length > 0; r++) {
    const i = rng.int(0, lines.length - 1);
    switch (rng.int(0, 3)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, ...Array.from({ length: rng.int(1, 2000) }, () => lines[i]!));
        break;
      case 2: {
        const j = rng.int(0, lines.length - 1);
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        break;
      }
      default: {
        const v = JSON.stringify(hostileValue(rng)) ?? 'null';
        lines[i] = lines[i]!.replace(/-?\d+(\.\d+)?|"[^"]*"/, v);
      }
    }
  }
  return lines.join(rng.chance(0.1) ? '\r\n' : '\n');
}

export const tracesSurface: FuzzSurface<TraceInput, Ctx> = {
  name: 'traces',
  description: 'parseTrace (5 formats) + detectTraceFormat on mutated data/reference/traces and random text',
  expectedErrors: [],
  setup() {
    const azure = readCorpus('data/reference/traces', ['.csv']).map((f) => f.text);
    const rows = azureRows(azure[0]!);
    return {
      'azure-csv': azure,
      'mooncake-jsonl': readCorpus('data/reference/traces', ['.jsonl']).map((f) => f.text),
      'apex-jsonl': readCorpus('data/reference/traces/apex', ['.jsonl']).map((f) => f.text),
      'burstgpt-csv': [
        `Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n${rows
          .map(
            ([, i, o], n) =>
              `${n * 0.5},ChatGPT,${i},${o},${Number(i) + Number(o)},${n % 7 ? 'Conversation log' : 'Conversation log failed'}`,
          )
          .join('\n')}\n`,
      ],
      'vidur-csv': [
        `arrived_at,num_prefill_tokens,num_decode_tokens\n${rows.map(([, i, o], n) => `${n * 0.25},${i},${o}`).join('\n')}\n`,
      ],
    };
  },
  generate(rng, ctx) {
    const format = rng.pick(TRACE_FORMATS);
    const base = rng.pick(ctx[rng.chance(0.85) ? format : rng.pick(TRACE_FORMATS)]);
    const kind = rng.int(0, 9);
    const text = kind <= 4 ? mutateLines(rng, base) : kind <= 8 ? mutateText(rng, base) : randomText(rng);
    return { format, text };
  },
  run({ format, text }) {
    detectTraceFormat(text);
    const r = parseTrace(format, text);
    if (r.ok) {
      for (const q of r.requests) {
        if (![q.arrivalS, q.inputTokens, q.outputTokens].every((v) => Number.isFinite(v) && v >= 0)) {
          throw new FuzzInvariantError(`request ${q.id} has a non-finite or negative field: ${JSON.stringify(q)}`);
        }
      }
    } else if (typeof r.message !== 'string' || r.message.length === 0) {
      throw new FuzzInvariantError('parseTrace refused without a message');
    }
    return r;
  },
  describe: ({ format, text }) => `${format}: ${preview(text)}`,
};
