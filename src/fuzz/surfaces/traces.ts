/**
 * Trace parsers (5 formats): `parseTrace` and `detectTraceFormat` on line- and text-level mutations
 * of the real traces in data/reference/traces (BurstGPT and Vidur files are built from the Azure
 * rows under their own headers) and on random text. Both document that they never throw; a parsed
 * trace must hold finite, non-negative requests.
 */
import { detectTraceFormat, parseTrace, TRACE_FORMATS, type TraceFormat } from '../../core/workload/traces.ts';
import { readCorpus } from '../corpus.ts';
import { mutateLines, mutateText, randomText } from '../mutate.ts';
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
    const text = kind <= 4 ? mutateLines(rng, base, 2000) : kind <= 8 ? mutateText(rng, base) : randomText(rng);
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
