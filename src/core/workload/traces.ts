/**
 * Trace parsers: public LLM-serving request traces → `RequestSpec[]`.
 *
 * Formats (see data/reference/traces/FORMATS.md):
 * - 'azure-csv'      Azure LLM inference 2023/2024: `TIMESTAMP,ContextTokens,GeneratedTokens`; TIMESTAMP
 *                    is a datetime `YYYY-MM-DD HH:MM:SS.fffffff` (no zone) → seconds from the earliest row.
 * - 'burstgpt-csv'   BurstGPT: `Timestamp` (s from 0:00 of the first day) → seconds from the earliest row;
 *                    `Request tokens`, `Response tokens`, optional `Session ID` (`_3` files). Rows with
 *                    `Response tokens` = 0 are failed requests: they are skipped, as in the official
 *                    `*_without_fails` files, and each one is reported as a warning.
 * - 'mooncake-jsonl' Mooncake: `timestamp` (ms from trace start, kept as an offset), `input_length`,
 *                    `output_length`, optional `hash_ids` (prefix-block hashes, 512-token blocks).
 * - 'apex-jsonl'     APEX: `StartTimeOffset` (ns from the run's first request, kept as an offset),
 *                    `ContextTokens`, `GeneratedTokens`; other keys ignored.
 * - 'vidur-csv'      Vidur trace replay: `arrived_at` (s, kept as an offset), `num_prefill_tokens`,
 *                    `num_decode_tokens`. Vidur's length-only traces lack `arrived_at`: then every
 *                    arrival is 0 (offline) and a warning says so.
 *
 * Rules shared by all parsers:
 * - CSV columns and JSON keys are found by NAME (CSV: case, spaces, `_` and `-` ignored), never by
 *   position; extra columns/keys are ignored. Minimal RFC 4180 quoting ("a,b", "") within a line.
 * - CRLF, a UTF-8 BOM and blank lines (anywhere) are fine.
 * - Every bad row is reported as `{ line, message }` (1-based line of the input; line 0 = the input
 *   as a whole) naming the column and what is wrong (missing, not a number, negative, not an integer,
 *   too large). Bad rows produce no request; nothing is dropped silently.
 * - A 0 token count cannot be simulated: it is raised to 1 with a warning (except BurstGPT's failed
 *   rows, above).
 * - Rows out of time order are stably sorted by arrival, with a warning. `id` = position after that.
 * - Never throws and never hangs: non-text/binary input, empty input, JSON where CSV is expected (and
 *   vice versa), lines over 1 MiB and more than 1,000,000 rows all give a clear error. `errors` and
 *   `warnings` keep the first 1,000 issues; `errorCount`/`warningCount` count all of them.
 */
import { MAX_TOKENS } from './types.ts';
import type { RequestSpec } from './types.ts';

export type TraceFormat = 'azure-csv' | 'burstgpt-csv' | 'mooncake-jsonl' | 'apex-jsonl' | 'vidur-csv';

export const TRACE_FORMATS: readonly TraceFormat[] = [
  'azure-csv',
  'burstgpt-csv',
  'mooncake-jsonl',
  'apex-jsonl',
  'vidur-csv',
];

/** Maximum data rows per trace. */
export const MAX_TRACE_ROWS = 1_000_000;
/** Maximum characters per line. */
export const MAX_LINE_CHARS = 1 << 20;
/** Issues kept in detail by a parser (all are counted). */
export const MAX_STORED_ISSUES = 1000;
/** Issues listed by `parseTrace`. */
export const MAX_REPORTED_ISSUES = 20;

export interface TraceIssue {
  /** 1-based line in the input; 0 = the input as a whole. */
  line: number;
  message: string;
}

export interface TraceParseOutput {
  /** Requests from the good rows, in arrival order (ids 0..n-1). */
  requests: RequestSpec[];
  /** The first MAX_STORED_ISSUES errors (bad rows and file-level problems). */
  errors: TraceIssue[];
  errorCount: number;
  /** The first MAX_STORED_ISSUES warnings (skipped failed rows, raised zeros, re-sorting). */
  warnings: TraceIssue[];
  warningCount: number;
  /** Rows deliberately left out (BurstGPT failed requests); each one is also a warning. */
  skippedRows: number;
}

export type TraceParser = (text: string) => TraceParseOutput;

export type ParseTraceResult =
  | {
      ok: true;
      format: TraceFormat;
      requests: RequestSpec[];
      /** First MAX_REPORTED_ISSUES warnings. */
      warnings: TraceIssue[];
      warningCount: number;
      skippedRows: number;
    }
  | {
      ok: false;
      format: TraceFormat | null;
      /** First MAX_REPORTED_ISSUES errors. */
      errors: TraceIssue[];
      errorCount: number;
      /** One-line summary for the UI/CLI. */
      message: string;
    };

// ---------------------------------------------------------------------------------------------
// Shared machinery

class Issues {
  errors: TraceIssue[] = [];
  errorCount = 0;
  warnings: TraceIssue[] = [];
  warningCount = 0;
  skippedRows = 0;
  error(line: number, message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_STORED_ISSUES) this.errors.push({ line, message });
  }
  warn(line: number, message: string): void {
    this.warningCount++;
    if (this.warnings.length < MAX_STORED_ISSUES) this.warnings.push({ line, message });
  }
}

/** One parsed row before sorting/rebasing. `t` is in seconds in the format's own time base. */
interface Row {
  line: number;
  t: number;
  input: number;
  output: number;
  hashIds?: number[];
  sessionId?: string;
}

const fmtInt = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

function show(raw: string): string {
  const s = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return JSON.stringify(s);
}

/**
 * Calls `fn(line, lineNo, tooLong)` for every non-blank line (trailing \r removed). `fn` returns
 * false to stop. A line over MAX_LINE_CHARS is passed as '' with tooLong = true.
 */
function forEachLine(text: string, fn: (line: string, lineNo: number, tooLong: boolean) => boolean): void {
  let start = 0;
  let lineNo = 0;
  const n = text.length;
  while (start <= n) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = n;
    lineNo++;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop - start > MAX_LINE_CHARS) {
      if (!fn('', lineNo, true)) return;
    } else if (stop > start) {
      const line = text.slice(start, stop);
      if (line.trim().length > 0 && !fn(line, lineNo, false)) return;
    }
    start = end + 1;
  }
}

/** Whole-input checks; returns the text to parse (BOM removed) or null after reporting an error. */
function precheck(text: unknown, issues: Issues): string | null {
  if (typeof text !== 'string') {
    issues.error(0, `expected the trace as text, got ${text === null ? 'null' : typeof text}`);
    return null;
  }
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.trim().length === 0) {
    issues.error(0, 'the trace is empty: no rows');
    return null;
  }
  if (t.indexOf('\u0000') >= 0) {
    issues.error(0, 'the input contains NUL bytes: it looks like a binary file, not a CSV/JSONL text trace');
    return null;
  }
  return t;
}

function tooManyRows(issues: Issues, lineNo: number, hasHeader: boolean): void {
  const keep = hasHeader ? `head -n ${MAX_TRACE_ROWS + 1}` : `head -n ${MAX_TRACE_ROWS}`;
  issues.error(
    lineNo,
    `the trace has more than ${fmtInt(MAX_TRACE_ROWS)} rows: trim it (e.g. \`${keep} trace > trimmed\` keeps the ${hasHeader ? 'header and the ' : ''}first ${fmtInt(MAX_TRACE_ROWS)} rows) or sample it`,
  );
}

const lineTooLong = `the line is longer than ${fmtInt(MAX_LINE_CHARS)} characters`;

// A decimal number, written so that no input can make the regex backtrack super-linearly.
const NUM_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

type Parsed = { ok: true; value: number } | { ok: false; message: string };

/** Parses a CSV cell as a finite number ≥ 0 (optionally an integer ≤ MAX_TOKENS). */
function parseCell(raw: string | undefined, col: string, isTokens: boolean): Parsed {
  if (raw === undefined) return { ok: false, message: `missing column "${col}"` };
  const s = raw.trim();
  if (s.length === 0) return { ok: false, message: `${col} is empty` };
  if (s.length > 40 || !NUM_RE.test(s)) return { ok: false, message: `${col} ${show(s)} is not a number` };
  return checkNumber(Number(s), col, isTokens, s);
}

/** Parses a JSON value as a finite number ≥ 0 (optionally an integer ≤ MAX_TOKENS). */
function parseJsonNumber(obj: Record<string, unknown>, key: string, isTokens: boolean): Parsed {
  if (!Object.prototype.hasOwnProperty.call(obj, key)) return { ok: false, message: `missing field "${key}"` };
  const v = obj[key];
  if (typeof v !== 'number') {
    const got =
      v === null
        ? 'null'
        : Array.isArray(v)
          ? 'an array'
          : typeof v === 'string'
            ? `the string ${show(v)}`
            : `a ${typeof v}`;
    return { ok: false, message: `${key} must be a number, got ${got}` };
  }
  return checkNumber(v, key, isTokens, String(v));
}

function checkNumber(v: number, col: string, isTokens: boolean, shown: string): Parsed {
  if (!Number.isFinite(v)) return { ok: false, message: `${col} ${shown} is not a finite number` };
  if (v < 0) return { ok: false, message: `${col} ${shown} is negative` };
  if (isTokens) {
    if (!Number.isInteger(v)) return { ok: false, message: `${col} ${shown} is not an integer token count` };
    if (v > MAX_TOKENS)
      return { ok: false, message: `${col} ${shown} exceeds the maximum of ${fmtInt(MAX_TOKENS)} tokens` };
  }
  return { ok: true, value: v };
}

/** Splits one CSV line (RFC 4180 quotes within the line). */
function splitCsv(line: string): { fields: string[]; error?: string } {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34) {
      // quoted field
      let val = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return { fields, error: 'unterminated quoted field' };
        val += line.slice(i, q);
        if (line.charCodeAt(q + 1) === 34) {
          val += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(val + line.slice(i));
        return { fields };
      }
      fields.push(val + line.slice(i, comma));
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return { fields };
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}

const normName = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');

/** Builds requests: stable sort by time (warning if needed), optional rebase to the earliest row. */
function finish(rows: Row[], rebase: boolean, issues: Issues): RequestSpec[] {
  let firstBad = -1;
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.t < rows[i - 1]!.t) {
      firstBad = i;
      break;
    }
  }
  if (firstBad >= 0) {
    const r = rows[firstBad]!;
    issues.warn(
      r.line,
      `rows are not in time order (line ${r.line} is earlier than line ${rows[firstBad - 1]!.line}); requests were sorted by arrival time`,
    );
    rows.sort((a, b) => a.t - b.t);
  }
  const t0 = rebase && rows.length > 0 ? rows[0]!.t : 0;
  return rows.map((r, id) => {
    const req: RequestSpec = { id, arrivalS: r.t - t0, inputTokens: r.input, outputTokens: r.output };
    if (r.hashIds !== undefined) req.hashIds = r.hashIds;
    if (r.sessionId !== undefined) req.sessionId = r.sessionId;
    return req;
  });
}

function output(requests: RequestSpec[], issues: Issues): TraceParseOutput {
  return {
    requests,
    errors: issues.errors,
    errorCount: issues.errorCount,
    warnings: issues.warnings,
    warningCount: issues.warningCount,
    skippedRows: issues.skippedRows,
  };
}

/** Raises 0 token counts to 1 with a warning. */
function fixZeros(row: Row, inName: string, outName: string, issues: Issues): void {
  if (row.input === 0) {
    row.input = 1;
    issues.warn(row.line, `${inName} is 0: counted as 1 token`);
  }
  if (row.output === 0) {
    row.output = 1;
    issues.warn(row.line, `${outName} is 0: counted as 1 token`);
  }
}

/** Wraps a parser so that an unexpected exception becomes an error instead of a throw. */
function safe(fn: (text: string, issues: Issues) => RequestSpec[]): TraceParser {
  return (text: string) => {
    const issues = new Issues();
    let requests: RequestSpec[] = [];
    try {
      const t = precheck(text, issues);
      if (t !== null) requests = fn(t, issues);
    } catch (e) {
      issues.error(0, `could not parse the trace: ${e instanceof Error ? e.message : String(e)}`);
      requests = [];
    }
    return output(requests, issues);
  };
}

// ---------------------------------------------------------------------------------------------
// CSV formats

interface CsvColumn {
  key: 'time' | 'input' | 'output' | 'session';
  /** Header name as documented (shown in messages). */
  label: string;
  required: boolean;
}

interface CsvSpec {
  format: TraceFormat;
  columns: CsvColumn[];
  /** Builds a row from the located cells, or reports and returns null. */
  row(cells: Map<CsvColumn['key'], string | undefined>, line: number, issues: Issues, ctx: CsvContext): Row | null;
  /** Whether arrivals are rebased to the earliest row. */
  rebase: boolean;
  /** Called once with the located header (for optional-column warnings). */
  onHeader?(found: Set<CsvColumn['key']>, line: number, issues: Issues): void;
}

interface CsvContext {
  /** Azure: integer epoch seconds of the first good row (keeps 7 fractional digits exact). */
  baseEpochS?: number;
}

function looksLikeJson(line: string): boolean {
  const c = line.trimStart()[0];
  return c === '{' || c === '[';
}

function parseCsvWith(spec: CsvSpec, text: string, issues: Issues): RequestSpec[] {
  const rows: Row[] = [];
  let header: Map<CsvColumn['key'], number> | null = null;
  let headerWidth = 0;
  let dataRows = 0;
  const ctx: CsvContext = {};
  const expected = spec.columns
    .filter((c) => c.required)
    .map((c) => c.label)
    .join(', ');
  let fatal = false;

  forEachLine(text, (line, lineNo, tooLong) => {
    if (header === null) {
      if (tooLong) {
        issues.error(lineNo, `${lineTooLong}: expected a CSV header row with columns ${expected}`);
        fatal = true;
        return false;
      }
      if (looksLikeJson(line)) {
        issues.error(
          lineNo,
          `this looks like JSON, not CSV: for JSON lines use the 'mooncake-jsonl' or 'apex-jsonl' format; the ${spec.format} format needs a header row with columns ${expected}`,
        );
        fatal = true;
        return false;
      }
      const { fields } = splitCsv(line);
      const names = fields.map(normName);
      const found = new Map<CsvColumn['key'], number>();
      const missing: string[] = [];
      for (const col of spec.columns) {
        const idx = names.indexOf(normName(col.label));
        if (idx >= 0) found.set(col.key, idx);
        else if (col.required) missing.push(`"${col.label}"`);
      }
      if (missing.length > 0) {
        const shown = fields
          .slice(0, 12)
          .map((f) => f.trim().slice(0, 30))
          .join(', ');
        const first = (fields[0] ?? '').trim();
        const hint =
          NUM_RE.test(first) || /^\d{4}-\d\d-\d\d/.test(first) ? ' The first line must be the header row.' : '';
        issues.error(
          lineNo,
          `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in the header (found: ${shown.length > 0 ? shown : 'nothing'}${fields.length > 12 ? ', …' : ''}); the ${spec.format} format needs ${expected}.${hint}`,
        );
        fatal = true;
        return false;
      }
      header = found;
      headerWidth = fields.length;
      spec.onHeader?.(new Set(found.keys()), lineNo, issues);
      return true;
    }
    dataRows++;
    if (dataRows > MAX_TRACE_ROWS) {
      tooManyRows(issues, lineNo, true);
      return false;
    }
    if (tooLong) {
      issues.error(lineNo, lineTooLong);
      return true;
    }
    const { fields, error } = splitCsv(line);
    if (error !== undefined) {
      issues.error(lineNo, error);
      return true;
    }
    const cells = new Map<CsvColumn['key'], string | undefined>();
    const short: string[] = [];
    for (const col of spec.columns) {
      const idx = header.get(col.key);
      if (idx === undefined) continue;
      const v = fields[idx];
      if (v === undefined && col.required) short.push(`"${col.label}"`);
      cells.set(col.key, v);
    }
    if (short.length > 0) {
      issues.error(
        lineNo,
        `missing column${short.length > 1 ? 's' : ''} ${short.join(', ')}: the row has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${headerWidth}`,
      );
      return true;
    }
    const row = spec.row(cells, lineNo, issues, ctx);
    if (row !== null) rows.push(row);
    return true;
  });

  if (!fatal && header === null) issues.error(0, `no header row found: the ${spec.format} format needs ${expected}`);
  return finish(rows, spec.rebase, issues);
}

/** Collects cell errors for one row; reports them joined as one issue. */
function rowErrors(issues: Issues, line: number, results: Parsed[]): number[] | null {
  const msgs: string[] = [];
  const vals: number[] = [];
  for (const r of results) {
    if (r.ok) vals.push(r.value);
    else msgs.push(r.message);
  }
  if (msgs.length > 0) {
    issues.error(line, msgs.join('; '));
    return null;
  }
  return vals;
}

const AZURE_TS_RE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$/;

/** Parses an Azure TIMESTAMP into integer epoch seconds (UTC, as the trace has no zone) + fraction. */
function parseAzureTimestamp(
  raw: string | undefined,
): { ok: true; sec: number; frac: number } | { ok: false; message: string } {
  if (raw === undefined) return { ok: false, message: 'missing column "TIMESTAMP"' };
  const s = raw.trim();
  if (s.length === 0) return { ok: false, message: 'TIMESTAMP is empty' };
  const m = s.length <= 40 ? AZURE_TS_RE.exec(s) : null;
  if (m === null)
    return { ok: false, message: `TIMESTAMP ${show(s)} is not a datetime like 2023-11-16 18:17:03.9799600` };
  const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(ms);
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59 || back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1) {
    return { ok: false, message: `TIMESTAMP ${show(s)} is not a valid date/time` };
  }
  return { ok: true, sec: ms / 1000, frac: m[7] !== undefined ? Number(`0.${m[7]}`) : 0 };
}

const azureSpec: CsvSpec = {
  format: 'azure-csv',
  rebase: true,
  columns: [
    { key: 'time', label: 'TIMESTAMP', required: true },
    { key: 'input', label: 'ContextTokens', required: true },
    { key: 'output', label: 'GeneratedTokens', required: true },
  ],
  row(cells, line, issues, ctx) {
    const ts = parseAzureTimestamp(cells.get('time'));
    const inp = parseCell(cells.get('input'), 'ContextTokens', true);
    const out = parseCell(cells.get('output'), 'GeneratedTokens', true);
    const vals = rowErrors(issues, line, [ts.ok ? { ok: true, value: 0 } : ts, inp, out]);
    if (vals === null || !ts.ok) return null;
    ctx.baseEpochS ??= ts.sec;
    const row: Row = { line, t: ts.sec - ctx.baseEpochS + ts.frac, input: vals[1]!, output: vals[2]! };
    fixZeros(row, 'ContextTokens', 'GeneratedTokens', issues);
    return row;
  },
};

const burstSpec: CsvSpec = {
  format: 'burstgpt-csv',
  rebase: true,
  columns: [
    { key: 'time', label: 'Timestamp', required: true },
    { key: 'input', label: 'Request tokens', required: true },
    { key: 'output', label: 'Response tokens', required: true },
    { key: 'session', label: 'Session ID', required: false },
  ],
  row(cells, line, issues) {
    const vals = rowErrors(issues, line, [
      parseCell(cells.get('time'), 'Timestamp', false),
      parseCell(cells.get('input'), 'Request tokens', true),
      parseCell(cells.get('output'), 'Response tokens', true),
    ]);
    if (vals === null) return null;
    const [t, input, output] = vals as [number, number, number];
    if (output === 0) {
      issues.skippedRows++;
      issues.warn(
        line,
        'Response tokens is 0 (a failed request in BurstGPT): row skipped, as in the *_without_fails files',
      );
      return null;
    }
    const row: Row = { line, t, input, output };
    const session = cells.get('session')?.trim();
    if (session !== undefined && session.length > 0) row.sessionId = session;
    fixZeros(row, 'Request tokens', 'Response tokens', issues);
    return row;
  },
};

const vidurSpec: CsvSpec = {
  format: 'vidur-csv',
  rebase: false,
  columns: [
    { key: 'time', label: 'arrived_at', required: false },
    { key: 'input', label: 'num_prefill_tokens', required: true },
    { key: 'output', label: 'num_decode_tokens', required: true },
  ],
  onHeader(found, line, issues) {
    if (!found.has('time')) {
      issues.warn(
        line,
        'no "arrived_at" column (a length-only Vidur trace): every request arrives at t = 0 (offline); apply an arrival process to re-time them',
      );
    }
  },
  row(cells, line, issues) {
    const hasTime = cells.has('time');
    const vals = rowErrors(issues, line, [
      hasTime ? parseCell(cells.get('time'), 'arrived_at', false) : { ok: true, value: 0 },
      parseCell(cells.get('input'), 'num_prefill_tokens', true),
      parseCell(cells.get('output'), 'num_decode_tokens', true),
    ]);
    if (vals === null) return null;
    const row: Row = { line, t: vals[0]!, input: vals[1]!, output: vals[2]! };
    fixZeros(row, 'num_prefill_tokens', 'num_decode_tokens', issues);
    return row;
  },
};

// ---------------------------------------------------------------------------------------------
// JSONL formats

interface JsonlSpec {
  format: TraceFormat;
  keys: string[];
  rebase: boolean;
  row(obj: Record<string, unknown>, line: number, issues: Issues): Row | null;
}

function parseJsonlWith(spec: JsonlSpec, text: string, issues: Issues): RequestSpec[] {
  const rows: Row[] = [];
  const first = text.trimStart();
  if (first.startsWith('[')) {
    issues.error(
      1,
      `the input is a JSON array, not JSON lines: the ${spec.format} format needs one JSON object per line with ${spec.keys.join(', ')}`,
    );
    return [];
  }
  let dataRows = 0;
  forEachLine(text, (line, lineNo, tooLong) => {
    dataRows++;
    if (dataRows > MAX_TRACE_ROWS) {
      tooManyRows(issues, lineNo, false);
      return false;
    }
    if (tooLong) {
      issues.error(lineNo, lineTooLong);
      return true;
    }
    const c0 = line.trimStart()[0];
    if (c0 !== '{' && c0 !== '[') {
      // Not JSON at all: report without paying for a SyntaxError per line.
      const hint =
        dataRows === 1 && line.includes(',')
          ? ` (this looks like CSV: the ${spec.format} format needs one JSON object per line)`
          : '';
      issues.error(lineNo, `expected a JSON object with ${spec.keys.join(', ')}, found ${show(line.trim())}${hint}`);
      return true;
    }
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      issues.error(lineNo, `invalid JSON: ${why.slice(0, 200)}`);
      return true;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      const got = v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
      issues.error(lineNo, `expected a JSON object with ${spec.keys.join(', ')}, got ${got}`);
      return true;
    }
    const row = spec.row(v as Record<string, unknown>, lineNo, issues);
    if (row !== null) rows.push(row);
    return true;
  });
  return finish(rows, spec.rebase, issues);
}

const mooncakeSpec: JsonlSpec = {
  format: 'mooncake-jsonl',
  keys: ['timestamp', 'input_length', 'output_length', 'hash_ids'],
  rebase: false,
  row(obj, line, issues) {
    const results = [
      parseJsonNumber(obj, 'timestamp', false),
      parseJsonNumber(obj, 'input_length', true),
      parseJsonNumber(obj, 'output_length', true),
    ];
    let hashIds: number[] | undefined;
    const h = obj['hash_ids'];
    if (h !== undefined) {
      if (!Array.isArray(h)) {
        results.push({ ok: false, message: 'hash_ids must be an array of non-negative integers' });
      } else {
        const bad = h.findIndex((x) => typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0);
        if (bad >= 0)
          results.push({
            ok: false,
            message: `hash_ids[${bad}] ${show(JSON.stringify(h[bad]) ?? 'undefined')} is not a non-negative integer`,
          });
        else hashIds = h as number[];
      }
    }
    const vals = rowErrors(issues, line, results);
    if (vals === null) return null;
    const row: Row = { line, t: vals[0]! / 1000, input: vals[1]!, output: vals[2]! };
    if (hashIds !== undefined) row.hashIds = hashIds;
    fixZeros(row, 'input_length', 'output_length', issues);
    return row;
  },
};

const apexSpec: JsonlSpec = {
  format: 'apex-jsonl',
  keys: ['StartTimeOffset', 'ContextTokens', 'GeneratedTokens'],
  rebase: false,
  row(obj, line, issues) {
    const vals = rowErrors(issues, line, [
      parseJsonNumber(obj, 'StartTimeOffset', false),
      parseJsonNumber(obj, 'ContextTokens', true),
      parseJsonNumber(obj, 'GeneratedTokens', true),
    ]);
    if (vals === null) return null;
    const row: Row = { line, t: vals[0]! / 1e9, input: vals[1]!, output: vals[2]! };
    fixZeros(row, 'ContextTokens', 'GeneratedTokens', issues);
    return row;
  },
};

// ---------------------------------------------------------------------------------------------
// Public API

export const parseAzureCsv: TraceParser = safe((t, i) => parseCsvWith(azureSpec, t, i));
export const parseBurstGptCsv: TraceParser = safe((t, i) => parseCsvWith(burstSpec, t, i));
export const parseVidurCsv: TraceParser = safe((t, i) => parseCsvWith(vidurSpec, t, i));
export const parseMooncakeJsonl: TraceParser = safe((t, i) => parseJsonlWith(mooncakeSpec, t, i));
export const parseApexJsonl: TraceParser = safe((t, i) => parseJsonlWith(apexSpec, t, i));

export const TRACE_PARSERS: Readonly<Record<TraceFormat, TraceParser>> = {
  'azure-csv': parseAzureCsv,
  'burstgpt-csv': parseBurstGptCsv,
  'mooncake-jsonl': parseMooncakeJsonl,
  'apex-jsonl': parseApexJsonl,
  'vidur-csv': parseVidurCsv,
};

function isTraceFormat(f: unknown): f is TraceFormat {
  return typeof f === 'string' && (TRACE_FORMATS as readonly string[]).includes(f);
}

/**
 * The last parsed trace, kept so that the estimator's workload view, the simulator and a plan search
 * evaluating many candidates over one trace parse it once per worker (scenarios arrive as fresh
 * structured clones, so caches keyed by object identity miss; comparing the text is a memcmp).
 * Parsing is pure; callers copy the requests they change.
 */
let lastTrace: { format: TraceFormat; data: string; result: ParseTraceResult } | null = null;

/** parseTrace, memoised on the last (format, text). */
export function parseTraceOnce(format: TraceFormat, text: string): ParseTraceResult {
  if (lastTrace !== null && lastTrace.format === format && lastTrace.data === text) return lastTrace.result;
  const result = parseTrace(format, text);
  lastTrace = { format, data: text, result };
  return result;
}

/**
 * Parses a trace all-or-nothing: ok only if no row is bad and at least one request remains.
 * Lists the first MAX_REPORTED_ISSUES errors (or warnings) plus the total count. Never throws.
 */
export function parseTrace(format: TraceFormat, text: string): ParseTraceResult {
  if (!isTraceFormat(format)) {
    const message = `unknown trace format ${show(String(format))}: expected one of ${TRACE_FORMATS.join(', ')}`;
    return { ok: false, format: null, errors: [{ line: 0, message }], errorCount: 1, message };
  }
  const out = TRACE_PARSERS[format](text);
  if (out.errorCount > 0) {
    const first = out.errors[0];
    const where = first !== undefined && first.line > 0 ? `line ${first.line}: ` : '';
    const more =
      out.errorCount > 1
        ? ` (${fmtInt(out.errorCount)} errors in all${out.errorCount > MAX_REPORTED_ISSUES ? `; the first ${MAX_REPORTED_ISSUES} are listed` : ''})`
        : '';
    return {
      ok: false,
      format,
      errors: out.errors.slice(0, MAX_REPORTED_ISSUES),
      errorCount: out.errorCount,
      message: `${format}: ${where}${first?.message ?? 'invalid trace'}${more}`,
    };
  }
  if (out.requests.length === 0) {
    const message =
      out.skippedRows > 0
        ? `${format}: no usable requests: all ${fmtInt(out.skippedRows)} rows were failed requests`
        : `${format}: the trace has no data rows`;
    return { ok: false, format, errors: [{ line: 0, message }], errorCount: 1, message };
  }
  return {
    ok: true,
    format,
    requests: out.requests,
    warnings: out.warnings.slice(0, MAX_REPORTED_ISSUES),
    warningCount: out.warningCount,
    skippedRows: out.skippedRows,
  };
}

/** Guesses the format from the first non-blank line (header names or JSON keys); null if unsure. */
export function detectTraceFormat(text: string): TraceFormat | null {
  if (typeof text !== 'string') return null;
  const found: { line: string | null } = { line: null };
  forEachLine(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, (line, _n, tooLong) => {
    found.line = tooLong ? null : line;
    return false;
  });
  const line = found.line;
  if (line === null) return null;
  if (line.trimStart().startsWith('{')) {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      return null;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    const o = v as Record<string, unknown>;
    if ('input_length' in o && 'output_length' in o) return 'mooncake-jsonl';
    if ('ContextTokens' in o && 'GeneratedTokens' in o && 'StartTimeOffset' in o) return 'apex-jsonl';
    return null;
  }
  const names = new Set(splitCsv(line).fields.map(normName));
  if (names.has('contexttokens') && names.has('generatedtokens') && names.has('timestamp')) return 'azure-csv';
  if (names.has('requesttokens') && names.has('responsetokens')) return 'burstgpt-csv';
  if (names.has('numprefilltokens') && names.has('numdecodetokens')) return 'vidur-csv';
  return null;
}
