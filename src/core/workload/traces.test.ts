import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  parseTraceOnce,
  detectTraceFormat,
  MAX_TRACE_ROWS,
  parseApexJsonl,
  parseAzureCsv,
  parseBurstGptCsv,
  parseMooncakeJsonl,
  parseTrace,
  parseVidurCsv,
  TRACE_FORMATS,
  TRACE_PARSERS,
} from './traces.ts';
import type { TraceFormat } from './traces.ts';
import { summarizeTrace } from './summary.ts';

// The real traces are copied into data/reference/traces (see data/reference/README.md).
const TRACES = fileURLToPath(new URL('../../../data/reference/traces/', import.meta.url));
const read = (rel: string): string => readFileSync(TRACES + rel, 'utf8');

describe('reference traces', () => {
  it('resolve from the test file', () => {
    expect(existsSync(TRACES + 'FORMATS.md')).toBe(true);
  });

  it.each([
    [
      'azure_llm_2023_code_first300.csv',
      { arrivalS: 0, inputTokens: 4808, outputTokens: 10 },
      {
        arrivalS: 18 * 3600 + 20 * 60 + 40.818199 - (18 * 3600 + 17 * 60 + 3.97996),
        inputTokens: 176,
        outputTokens: 88,
      },
    ],
    [
      'azure_llm_2023_conv_first300.csv',
      { arrivalS: 0, inputTokens: 374, outputTokens: 44 },
      { arrivalS: 17 * 60 + 10.709692 - (15 * 60 + 46.68059), inputTokens: 212, outputTokens: 183 },
    ],
  ])('Azure %s: 300 rows (CRLF), timestamps in s from the first row', (file, first, last) => {
    const text = read(file);
    expect(text.includes('\r\n')).toBe(true);
    const r = parseTrace('azure-csv', text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warningCount).toBe(0);
    expect(r.requests).toHaveLength(300);
    const [r0, r1, rl] = [r.requests[0]!, r.requests[1]!, r.requests[299]!];
    expect(r0).toEqual({ id: 0, ...first });
    expect(rl.inputTokens).toBe(last.inputTokens);
    expect(rl.outputTokens).toBe(last.outputTokens);
    expect(rl.arrivalS).toBeCloseTo(last.arrivalS, 9);
    // Second row checked against the raw file text.
    const raw = text.split('\r\n')[2]!.split(',');
    expect(r1.inputTokens).toBe(Number(raw[1]));
    expect(r1.outputTokens).toBe(Number(raw[2]));
    expect(detectTraceFormat(text)).toBe('azure-csv');
  });

  it('Azure code: 7-digit fractions are kept exactly (2nd row is 0.052 s after the first)', () => {
    const r = parseAzureCsv(read('azure_llm_2023_code_first300.csv'));
    expect(r.requests[1]!.arrivalS).toBeCloseTo(0.052, 12);
    expect(r.requests[2]!.arrivalS).toBeCloseTo(0.098189, 12);
  });

  it('Mooncake conversation: 200 rows, ms → s, hash_ids kept, block reuse 322/5537', () => {
    const text = read('mooncake_fast25_conversation_first200.jsonl');
    const r = parseTrace('mooncake-jsonl', text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.requests).toHaveLength(200);
    expect(r.requests[0]).toEqual({
      id: 0,
      arrivalS: 0,
      inputTokens: 6758,
      outputTokens: 500,
      hashIds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    });
    expect(r.requests[1]!.hashIds).toEqual([0, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27]);
    const lastRaw = JSON.parse(text.trim().split('\n').at(-1)!) as {
      timestamp: number;
      input_length: number;
      output_length: number;
      hash_ids: number[];
    };
    expect(r.requests[199]).toEqual({
      id: 199,
      arrivalS: lastRaw.timestamp / 1000,
      inputTokens: lastRaw.input_length,
      outputTokens: lastRaw.output_length,
      hashIds: lastRaw.hash_ids,
    });
    const s = summarizeTrace(r.requests);
    expect(s.durationS).toBe(72);
    expect(s.prefixReuseFraction).toBeCloseTo(322 / 5537, 12);
    expect(detectTraceFormat(text)).toBe('mooncake-jsonl');
  });

  const apexCounts: Record<string, number> = {
    'llama_creation_025.jsonl': 512,
    'llama_creation_05.jsonl': 512,
    'llama_lmsys_025.jsonl': 1024,
    'llama_lmsys_05.jsonl': 1024,
    'llama_summarization_05_4DP2TP_0.jsonl': 326,
    'llama_summarization_05_4DP2TP_1.jsonl': 326,
    'llama_summarization_05_4DP2TP_2.jsonl': 325,
    'llama_summarization_05_4DP2TP_3.jsonl': 325,
    'mistral_creation_05.jsonl': 725,
    'mistral_lmsys_05.jsonl': 1024,
    'mistral_summarization_05_4DP2TP_0.jsonl': 260,
    'mistral_summarization_05_4DP2TP_1.jsonl': 260,
    'mistral_summarization_05_4DP2TP_2.jsonl': 260,
    'mistral_summarization_05_4DP2TP_3.jsonl': 259,
  };

  it('the APEX folder holds exactly the files listed here', () => {
    expect(readdirSync(TRACES + 'apex').sort()).toEqual(Object.keys(apexCounts).sort());
  });

  it.each(Object.entries(apexCounts))(
    'APEX %s: %i rows, ns offsets kept (not rebased), first row matches the file',
    (file, count) => {
      const text = read(`apex/${file}`);
      const r = parseTrace('apex-jsonl', text);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.requests).toHaveLength(count);
      expect(r.warningCount).toBe(0);
      const raw = JSON.parse(text.split('\n')[0]!) as {
        StartTimeOffset: number;
        ContextTokens: number;
        GeneratedTokens: number;
      };
      expect(r.requests[0]).toEqual({
        id: 0,
        arrivalS: raw.StartTimeOffset / 1e9,
        inputTokens: raw.ContextTokens,
        outputTokens: raw.GeneratedTokens,
      });
      expect(detectTraceFormat(text)).toBe('apex-jsonl');
    },
  );

  it('APEX llama lmsys 0.5: matches the statistics in APEX-NOTES (1024 req, means 61.7 / 162.1, 0.506 req/s)', () => {
    const r = parseApexJsonl(read('apex/llama_lmsys_05.jsonl'));
    expect(r.requests[0]).toEqual({ id: 0, arrivalS: 0.197890289, inputTokens: 156, outputTokens: 67 });
    const s = summarizeTrace(r.requests);
    expect(s.requests).toBe(1024);
    expect(s.input.mean).toBeCloseTo(61.7, 1);
    expect(s.output.mean).toBeCloseTo(162.1, 1);
    expect(s.input.max).toBe(1037);
    expect(s.output.max).toBe(761);
    expect(s.ratePerSec!).toBeCloseTo(0.506, 3);
  });

  it('APEX llama summarization: the 4 DP splits together are 1302 requests, prompt max 4092', () => {
    const all = [0, 1, 2, 3].flatMap(
      (i) => parseApexJsonl(read(`apex/llama_summarization_05_4DP2TP_${i}.jsonl`)).requests,
    );
    expect(all).toHaveLength(1302);
    expect(Math.max(...all.map((r) => r.inputTokens))).toBe(4092);
  });
});

describe('BurstGPT', () => {
  const sample =
    'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,472,18,490,Conversation log\n45,ChatGPT,1087,230,1317,Conversation log\n118,GPT-4,417,276,693,Conversation log\n';

  it('parses the documented first rows', () => {
    const r = parseTrace('burstgpt-csv', sample);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.requests).toEqual([
      { id: 0, arrivalS: 0, inputTokens: 472, outputTokens: 18 },
      { id: 1, arrivalS: 40, inputTokens: 1087, outputTokens: 230 },
      { id: 2, arrivalS: 113, inputTokens: 417, outputTokens: 276 },
    ]);
    expect(detectTraceFormat(sample)).toBe('burstgpt-csv');
  });

  it('skips failed rows (Response tokens = 0) as the *_without_fails files do, and reports each one', () => {
    const text = sample + '120,ChatGPT,0,0,0,API log\n130,GPT-4,300,0,300,API log\n140,ChatGPT,0,12,12,API log\n';
    const r = parseTrace('burstgpt-csv', text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.requests).toHaveLength(4);
    expect(r.skippedRows).toBe(2);
    expect(r.warningCount).toBe(3);
    expect(r.warnings[0]).toEqual({
      line: 5,
      message: expect.stringMatching(/Response tokens is 0.*failed request.*skipped/) as unknown as string,
    });
    expect(r.warnings[1]!.line).toBe(6);
    expect(r.warnings[2]).toEqual({ line: 7, message: 'Request tokens is 0: counted as 1 token' });
    expect(r.requests[3]).toEqual({ id: 3, arrivalS: 135, inputTokens: 1, outputTokens: 12 });
  });

  it('a trace of only failed rows is not ok', () => {
    const r = parseTrace(
      'burstgpt-csv',
      'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n1,ChatGPT,0,0,0,API log\n',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/no usable requests.*failed/);
  });

  it('_3 layout: columns found by name, Session ID kept, rebased from the first day', () => {
    const text =
      'Timestamp,Session ID,Elapsed time,Model,Request tokens,Response tokens,Total tokens,Log Type\n' +
      '5270414.0,3f1c,12.5,ChatGPT,100,20,120,Conversation log\n' +
      '5270415.5,,3.0,GPT-4,200,30,230,API log\n';
    const r = parseTrace('burstgpt-csv', text);
    expect(r.ok && r.requests).toEqual([
      { id: 0, arrivalS: 0, inputTokens: 100, outputTokens: 20, sessionId: '3f1c' },
      { id: 1, arrivalS: 1.5, inputTokens: 200, outputTokens: 30 },
    ]);
  });
});

describe('Vidur CSV', () => {
  it('reads columns by name (pandas index column, extra columns, quotes, reordered)', () => {
    const text = ',num_decode_tokens,"arrived_at",num_prefill_tokens,pd_ratio\n0,12,0.0,100,8.3\n1,"7",0.25,50,7.1\n';
    const r = parseTrace('vidur-csv', text);
    expect(r.ok && r.requests).toEqual([
      { id: 0, arrivalS: 0, inputTokens: 100, outputTokens: 12 },
      { id: 1, arrivalS: 0.25, inputTokens: 50, outputTokens: 7 },
    ]);
    expect(detectTraceFormat(text)).toBe('vidur-csv');
  });

  it('keeps arrived_at as an offset (not rebased)', () => {
    const r = parseVidurCsv('arrived_at,num_prefill_tokens,num_decode_tokens\n10,5,5\n11,5,5\n');
    expect(r.requests.map((q) => q.arrivalS)).toEqual([10, 11]);
  });

  it('a length-only trace (no arrived_at) parses offline, with a warning', () => {
    const r = parseTrace(
      'vidur-csv',
      'num_prefill_tokens,num_decode_tokens,num_total_tokens,pd_ratio\n100,10,110,10\n20,200,220,0.1\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.requests.map((q) => q.arrivalS)).toEqual([0, 0]);
    expect(r.warnings[0]).toMatchObject({
      line: 1,
      message: expect.stringMatching(/no "arrived_at" column/) as unknown as string,
    });
  });
});

describe('row errors are reported by line, naming the column and the problem', () => {
  it('Azure: non-numeric, negative, missing column, bad datetime, non-integer; blank lines and CRLF ok', () => {
    const text = [
      'TIMESTAMP,ContextTokens,GeneratedTokens', // 1
      '2023-11-16 18:17:03.9799600,4808,10', // 2
      '', // 3
      '2023-11-16 18:17:04.0319600,abc,8', // 4
      '2023-11-16 18:17:04.0781490,110,-27', // 5
      '2023-11-16 18:17:05.0000000,110', // 6
      '2023-11-16 25:17:05.0000000,110,3', // 7
      'yesterday,1.5,3', // 8
      '2023-11-16 18:17:06,12,3', // 9 (no fraction: fine)
      '  ', // 10
      '', // 11
    ].join('\r\n');
    const r = parseAzureCsv(text);
    expect(r.errors).toEqual([
      { line: 4, message: 'ContextTokens "abc" is not a number' },
      { line: 5, message: 'GeneratedTokens -27 is negative' },
      { line: 6, message: 'missing column "GeneratedTokens": the row has 2 fields, the header has 3' },
      { line: 7, message: 'TIMESTAMP "2023-11-16 25:17:05.0000000" is not a valid date/time' },
      {
        line: 8,
        message:
          'TIMESTAMP "yesterday" is not a datetime like 2023-11-16 18:17:03.9799600; ContextTokens 1.5 is not an integer token count',
      },
    ]);
    expect(r.requests.map((q) => q.inputTokens)).toEqual([4808, 12]);
    const all = parseTrace('azure-csv', text);
    expect(all.ok).toBe(false);
    if (!all.ok) {
      expect(all.errorCount).toBe(5);
      expect(all.message).toBe('azure-csv: line 4: ContextTokens "abc" is not a number (5 errors in all)');
    }
  });

  it('a missing header column names what is needed and what was found', () => {
    const r = parseTrace('azure-csv', 'TIMESTAMP,Prompt,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual([
        {
          line: 1,
          message:
            'missing column "ContextTokens" in the header (found: TIMESTAMP, Prompt, GeneratedTokens); the azure-csv format needs TIMESTAMP, ContextTokens, GeneratedTokens.',
        },
      ]);
    }
    const noHeader = parseTrace('azure-csv', '2023-11-16 18:17:03.9799600,4808,10\n');
    expect(!noHeader.ok && noHeader.message).toMatch(/The first line must be the header row/);
  });

  it('token counts above 2^21 and zero counts', () => {
    const r = parseVidurCsv('arrived_at,num_prefill_tokens,num_decode_tokens\n0,3000000,1\n1,0,0\n');
    expect(r.errors).toEqual([
      { line: 2, message: 'num_prefill_tokens 3000000 exceeds the maximum of 2,097,152 tokens' },
    ]);
    expect(r.requests).toEqual([{ id: 0, arrivalS: 1, inputTokens: 1, outputTokens: 1 }]);
    expect(r.warnings.map((w) => w.line)).toEqual([3, 3]);
  });

  it('Mooncake: bad JSON, missing field, wrong types, bad hash_ids', () => {
    const text = [
      '{"timestamp": 0, "input_length": 10, "output_length": 5, "hash_ids": [0]}',
      '{"timestamp": 1000, "input_length": 10, "output_length": 5',
      '{"timestamp": 2000, "output_length": 5}',
      '{"timestamp": "3000", "input_length": 10, "output_length": null}',
      '{"timestamp": 4000, "input_length": 10, "output_length": 5, "hash_ids": [1, -2]}',
      '{"timestamp": -1, "input_length": 10, "output_length": 5, "hash_ids": 7}',
      '[1, 2, 3]',
      '{"timestamp": 5000, "input_length": 10, "output_length": 5}',
    ].join('\n');
    const r = parseMooncakeJsonl(text);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(r.errors[0]!.message).toMatch(/^invalid JSON: /);
    expect(r.errors.slice(1).map((e) => e.message)).toEqual([
      'missing field "input_length"',
      'timestamp must be a number, got the string "3000"; output_length must be a number, got null',
      'hash_ids[1] "-2" is not a non-negative integer',
      'timestamp -1 is negative; hash_ids must be an array of non-negative integers',
      'expected a JSON object with timestamp, input_length, output_length, hash_ids, got an array',
    ]);
    expect(r.requests.map((q) => q.arrivalS)).toEqual([0, 5]);
    expect(r.requests[1]!.hashIds).toBeUndefined();
  });

  it('APEX: missing StartTimeOffset', () => {
    const r = parseApexJsonl('{"ContextTokens": 3, "GeneratedTokens": 4}\n');
    expect(r.errors).toEqual([{ line: 1, message: 'missing field "StartTimeOffset"' }]);
  });

  it('parseTrace lists at most 20 errors plus the total count', () => {
    const rows = Array.from({ length: 57 }, (_, i) => `${i},x,1`);
    const r = parseTrace('vidur-csv', ['arrived_at,num_prefill_tokens,num_decode_tokens', ...rows].join('\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(20);
    expect(r.errorCount).toBe(57);
    expect(r.errors[19]!.line).toBe(21);
    expect(r.message).toMatch(/57 errors in all; the first 20 are listed/);
  });

  it('rows out of time order are sorted, with a warning', () => {
    const r = parseTrace(
      'apex-jsonl',
      [
        '{"StartTimeOffset": 2e9, "ContextTokens": 1, "GeneratedTokens": 1}',
        '{"StartTimeOffset": 1e9, "ContextTokens": 2, "GeneratedTokens": 2}',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.requests).toEqual([
      { id: 0, arrivalS: 1, inputTokens: 2, outputTokens: 2 },
      { id: 1, arrivalS: 2, inputTokens: 1, outputTokens: 1 },
    ]);
    expect(r.warnings[0]!.message).toMatch(/not in time order \(line 2 is earlier than line 1\)/);
  });

  it('a BOM is ignored', () => {
    const r = parseTrace(
      'azure-csv',
      '\uFEFFTIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9799600,4808,10\n',
    );
    expect(r.ok).toBe(true);
  });
});

describe('garbage never throws and gives a clear error', () => {
  const allFormats = [...TRACE_FORMATS];

  it.each(allFormats)('%s: empty, whitespace, binary, JSON array, wrong kind of file', (format) => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['\n\r\n   \n', /empty/],
      ['\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR', /binary/],
      ['[{"timestamp": 0, "input_length": 1, "output_length": 1}]', /JSON/],
      ['[\n  {"ContextTokens": 1}\n]\n', /JSON/],
    ];
    for (const [text, re] of cases) {
      const r = parseTrace(format, text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(re);
    }
  });

  it('CSV given to a JSONL parser (and vice versa) says so', () => {
    const csv = read('azure_llm_2023_code_first300.csv');
    const asJsonl = parseTrace('mooncake-jsonl', csv);
    expect(!asJsonl.ok && asJsonl.message).toMatch(/looks like CSV/);
    const jsonl = read('mooncake_fast25_conversation_first200.jsonl');
    const asCsv = parseTrace('azure-csv', jsonl);
    expect(!asCsv.ok && asCsv.message).toMatch(/looks like JSON/);
  });

  it('non-string input and an unknown format are errors, not throws', () => {
    expect(parseTrace('azure-csv', null as unknown as string).ok).toBe(false);
    expect(parseTrace('azure-csv', 42 as unknown as string).ok).toBe(false);
    const r = parseTrace('parquet' as TraceFormat, 'x');
    expect(!r.ok && r.message).toMatch(/unknown trace format "parquet"/);
    expect(detectTraceFormat(undefined as unknown as string)).toBeNull();
  });

  it('arbitrary strings never throw (fast-check, all formats)', () => {
    const noisy = fc.string({
      unit: fc.constantFrom(...'0123456789,.-+eE"{}[]:\n\r \t\u0000\uFEFFa'.split('')),
      maxLength: 400,
    });
    const headerThenNoise = fc
      .tuple(
        fc.constantFrom(
          'TIMESTAMP,ContextTokens,GeneratedTokens\n',
          'Timestamp,Model,Request tokens,Response tokens\n',
          'arrived_at,num_prefill_tokens,num_decode_tokens\n',
          '{"timestamp":0,"input_length":1,"output_length":1}\n',
          '',
        ),
        noisy,
      )
      .map(([h, s]) => h + s);
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 500 }), noisy, headerThenNoise),
        fc.constantFrom(...allFormats),
        (text, format) => {
          const r = parseTrace(format, text);
          if (r.ok) {
            expect(r.requests.length).toBeGreaterThan(0);
            for (const q of r.requests) {
              expect(Number.isInteger(q.inputTokens) && q.inputTokens >= 1).toBe(true);
              expect(Number.isInteger(q.outputTokens) && q.outputTokens >= 1).toBe(true);
              expect(Number.isFinite(q.arrivalS) && q.arrivalS >= 0).toBe(true);
            }
          } else {
            expect(r.errors.length).toBeGreaterThan(0);
            expect(r.errors.length).toBeLessThanOrEqual(20);
            for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(0);
          }
          expect(detectTraceFormat(text) === null || TRACE_FORMATS.includes(detectTraceFormat(text)!)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a 50 MB single line fails fast with "line too long"', () => {
    const big = 'x'.repeat(50 * 1024 * 1024);
    for (const format of allFormats) {
      const t0 = performance.now();
      const r = parseTrace(format, big);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(/longer than 1,048,576 characters/);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });

  it('a 50 MB string of short garbage lines finishes quickly with capped error lists', () => {
    const big = '1,2\n'.repeat(13 * 1024 * 1024); // 52 MB, 13.6M lines
    const t0 = performance.now();
    const r = parseTrace('vidur-csv', big);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(1); // header "1,2" lacks the columns: one file-level error
    const j = parseTrace('apex-jsonl', big);
    expect(j.ok).toBe(false);
    if (!j.ok) {
      expect(j.errors).toHaveLength(20);
      expect(j.errorCount).toBe(MAX_TRACE_ROWS + 1); // every row up to the cap, plus the cap error
      expect(j.errors[0]!.line).toBe(1);
    }
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('more than 1,000,000 rows: an error telling the user to trim', () => {
    const text = 'arrived_at,num_prefill_tokens,num_decode_tokens\n' + '0,1,1\n'.repeat(MAX_TRACE_ROWS + 5);
    const r = parseTrace('vidur-csv', text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errorCount).toBe(1);
      expect(r.errors[0]!.line).toBe(MAX_TRACE_ROWS + 2);
      expect(r.message).toMatch(/more than 1,000,000 rows: trim it/);
    }
    const exact = parseTrace(
      'vidur-csv',
      'arrived_at,num_prefill_tokens,num_decode_tokens\n' + '0,1,1\n'.repeat(MAX_TRACE_ROWS),
    );
    expect(exact.ok && exact.requests.length).toBe(MAX_TRACE_ROWS);
  });

  it('deeply nested JSON on one line is an error, not a stack overflow', () => {
    const deep = '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000);
    const r = parseTrace('mooncake-jsonl', deep);
    expect(r.ok).toBe(false);
  });

  it('every parser is exposed under its format name', () => {
    expect(Object.keys(TRACE_PARSERS).sort()).toEqual([...TRACE_FORMATS].sort());
    expect(TRACE_PARSERS['burstgpt-csv']).toBe(parseBurstGptCsv);
  });
});

describe('parseTraceOnce', () => {
  it('parses a trace once for equal text, even from another string instance (a structured clone)', () => {
    const text = read('apex/llama_lmsys_05.jsonl');
    const first = parseTraceOnce('apex-jsonl', text);
    expect(first.ok).toBe(true);
    expect(parseTraceOnce('apex-jsonl', (' ' + text).slice(1))).toBe(first);
    expect(parseTraceOnce('apex-jsonl', text.slice(0, text.lastIndexOf('\n')))).not.toBe(first);
  });
});
