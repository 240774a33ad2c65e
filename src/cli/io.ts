/** The CLI's side effects, injected so commands are testable without a process. */
export interface CliIo {
  readFile(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A user error: one line on stderr, exit code 2, never a stack trace. */
export class UsageError extends Error {}

export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}
