/**
 * What the CLI reads: a scenario file (or stdin) as bounded, untrusted JSON, and the trace files
 * its scenarios name in `workload.trace.path`. Errors are one line naming the file and the reason;
 * they never quote a file's contents (a scenario may point its trace path at any file).
 */
import { inlineTracePath, resolveTracePath, tracePathOf } from '../core/scenario/trace-path.ts';
import { parseTrace, TRACE_FORMATS, type ParseTraceResult, type TraceFormat } from '../core/workload/traces.ts';
import { parseJsonText, SCENARIO_FILE_LIMIT, TRACE_FILE_LIMIT, UsageError, type CliIo } from './io.ts';

/** Line numbers listed in a bad-trace message. */
const MAX_LINES_SHOWN = 5;

export function describeReadError(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** The JSON in `path` ('-' = stdin), size- and depth-checked; a UsageError for any problem. */
export function readJsonFile(path: string | null | undefined, io: CliIo): unknown {
  if (!path) throw new UsageError('missing <scenario.json> (or - for stdin)');
  let text: string;
  try {
    text = io.readFile(path, SCENARIO_FILE_LIMIT);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${describeReadError(e)}`);
  }
  return parseJsonText(text, path === '-' ? 'stdin' : path);
}

function isTraceFormat(f: unknown): f is TraceFormat {
  return typeof f === 'string' && (TRACE_FORMATS as readonly string[]).includes(f);
}

function traceFormatOf(input: unknown): unknown {
  const w = (input as { workload?: { trace?: { format?: unknown } } } | null)?.workload;
  return typeof w === 'object' && w !== null ? w.trace?.format : undefined;
}

/** "3 bad rows, on lines 1, 4, 9" — line numbers and counts only, no text from the file. */
function whereBad(r: Extract<ParseTraceResult, { ok: false }>): string {
  const lines = [...new Set(r.errors.filter((e) => e.line > 0).map((e) => e.line))];
  if (lines.length === 0)
    return 'the file as a whole does not match the format (empty, binary, no header or no data rows)';
  const shown = lines.slice(0, MAX_LINES_SHOWN).join(', ');
  const rows = `${r.errorCount.toLocaleString('en-US')} bad row${r.errorCount === 1 ? '' : 's'}`;
  return `${rows}, on line${lines.length === 1 ? '' : 's'} ${shown}${r.errorCount > MAX_LINES_SHOWN ? ', …' : ''}`;
}

/**
 * Inlines `workload.trace.path` of the scenario (or of each scenario in an array) as trace data,
 * reading each file once, relative to the scenario file. A trace that does not parse is refused
 * here by line number: the parser's own messages quote cells, and the file may be anything.
 */
export function inlineTraces(json: unknown, scenarioPath: string | null | undefined, io: CliIo): unknown {
  const texts = new Map<string, string>();
  const checked = new Set<string>();
  const inline = (one: unknown): unknown => {
    const rel = tracePathOf(one);
    if (rel === null) return one;
    const read = (p: string): string => {
      let text = texts.get(p);
      if (text === undefined) {
        try {
          text = io.readFile(p, TRACE_FILE_LIMIT);
        } catch (e) {
          throw new Error(describeReadError(e), { cause: e });
        }
        texts.set(p, text);
      }
      return text;
    };
    const r = inlineTracePath(one, scenarioPath ?? null, read);
    if (!r.ok) throw new UsageError(r.error);
    const format = traceFormatOf(one);
    const path = resolveTracePath(scenarioPath ?? null, rel);
    // An unknown format is the scenario's error (workload.trace.format), reported when it is parsed.
    if (isTraceFormat(format) && !checked.has(`${format}\n${path}`)) {
      const parsed = parseTrace(format, texts.get(path)!);
      if (!parsed.ok)
        throw new UsageError(
          `workload.trace.path: "${path}" is not a valid ${format} trace: ${whereBad(parsed)} (the file's contents are not shown; check those lines against the ${format} format)`,
        );
      checked.add(`${format}\n${path}`);
    }
    return r.value;
  };
  return Array.isArray(json) ? json.map(inline) : inline(json);
}
