/** The CLI's side effects, injected so commands are testable without a process. */
import { parseUntrustedJson, UntrustedJsonError } from '../core/json/untrusted.ts';
import { MAX_TRACE_DATA_CHARS } from '../core/scenario/schema.ts';
import type { FileLimit } from './read-file.ts';

export interface CliIo {
  /** The text of `path` ('-' = stdin), refusing files over `limit.maxBytes` and non-regular files. */
  readFile(path: string, limit: FileLimit): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A user error: one line on stderr, exit code 2, never a stack trace. */
export class UsageError extends Error {}

/** A scenario file (or an array of them) with inline traces: 64 MiB holds about 200,000 scenarios. */
export const SCENARIO_FILE_LIMIT: FileLimit = {
  what: 'a scenario file',
  maxBytes: 64 * 2 ** 20,
  hint: 'split the array into several files',
};

/** A trace file: as much as the scenario schema takes inline (workload.trace.data). */
export const TRACE_FILE_LIMIT: FileLimit = {
  what: 'a trace file',
  maxBytes: MAX_TRACE_DATA_CHARS,
  hint: 'keep the first rows (`head -n 1000000 trace > trimmed`) or sample it',
};

/** Parses JSON the CLI read (size, depth and prototype keys checked); errors never quote the text. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return parseUntrustedJson(text, { what, maxChars: SCENARIO_FILE_LIMIT.maxBytes });
  } catch (e) {
    if (e instanceof UntrustedJsonError) throw new UsageError(e.message);
    throw e;
  }
}
