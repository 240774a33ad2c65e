/**
 * `workload.trace.path` support for the CLI. Core never touches the file system: the CLI passes a
 * reader, and these pure helpers find the path in the (still untrusted) scenario JSON, resolve it
 * against the scenario file's directory, and inline the file's text as `workload.trace.data`.
 */

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** `workload.trace.path` of a scenario JSON value, or null when there is none. */
export function tracePathOf(input: unknown): string | null {
  if (!isObject(input) || !isObject(input['workload'])) return null;
  const trace = input['workload']['trace'];
  if (!isObject(trace)) return null;
  const path = trace['path'];
  return typeof path === 'string' && path.length > 0 ? path : null;
}

/** A copy of the scenario JSON whose workload.trace carries `data: text` instead of `path`. */
export function inlineTraceData(input: unknown, text: string): unknown {
  if (!isObject(input) || !isObject(input['workload']) || !isObject(input['workload']['trace'])) return input;
  const { path: _path, ...trace } = input['workload']['trace'];
  void _path;
  return { ...input, workload: { ...input['workload'], trace: { ...trace, data: text } } };
}

const isAbsolute = (p: string): boolean => p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);

/**
 * Resolve `tracePath` relative to the directory of `scenarioPath` (null or '-' = stdin: relative to
 * the working directory, returned as given). Absolute trace paths pass through. Both `/` and `\`
 * separate directories.
 */
export function resolveTracePath(scenarioPath: string | null, tracePath: string): string {
  if (isAbsolute(tracePath) || scenarioPath === null || scenarioPath === '-') return tracePath;
  const cut = Math.max(scenarioPath.lastIndexOf('/'), scenarioPath.lastIndexOf('\\'));
  if (cut < 0) return tracePath;
  return scenarioPath.slice(0, cut + 1) + tracePath;
}

export type InlineResult = { ok: true; value: unknown; path: string | null } | { ok: false; error: string };

/**
 * Inline `workload.trace.path` (if any) using `read` (e.g. `(p) => fs.readFileSync(p, 'utf8')`).
 * Read failures come back as `{ ok: false, error }` naming the field and the resolved path.
 */
export function inlineTracePath(
  input: unknown,
  scenarioPath: string | null,
  read: (path: string) => string,
): InlineResult {
  const rel = tracePathOf(input);
  if (rel === null) return { ok: true, value: input, path: null };
  const path = resolveTracePath(scenarioPath, rel);
  let text: string;
  try {
    text = read(path);
  } catch (e) {
    return {
      ok: false,
      error: `workload.trace.path: cannot read "${path}" (${e instanceof Error ? e.message : String(e)})`,
    };
  }
  return { ok: true, value: inlineTraceData(input, text), path };
}
