/** Test helper: an in-memory CliIo (files by path; stdout/stderr collected). */
import type { CliIo } from './io.ts';
import { InputFileError, tooLargeMessage } from './read-file.ts';

export function fakeIo(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const reads: string[] = [];
  const io: CliIo = {
    readFile: (p, limit) => {
      reads.push(p);
      if (!Object.hasOwn(files, p)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      const text = files[p]!;
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > limit.maxBytes) throw new InputFileError(tooLargeMessage(bytes, limit));
      return text;
    },
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
  };
  return { io, out: () => out.join(''), err: () => err.join(''), reads: () => reads.slice() };
}
