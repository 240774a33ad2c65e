/**
 * Bounded file reading for the CLI: a regular file (or stdin for '-') of at most `maxBytes`, as
 * UTF-8 text. Devices, FIFOs, sockets and directories are refused after `open` (non-blocking, so a
 * FIFO without a writer does not hang) and before any byte is read; a file that grows past the cap
 * while being read is refused too. Error messages describe the file, never its contents.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** What is being read and how much of it is accepted. */
export interface FileLimit {
  /** For messages: "a scenario file", "a trace file". */
  what: string;
  maxBytes: number;
  /** Appended to the too-large message: how to make the file smaller. */
  hint?: string;
}

/** A file the CLI refuses to read (exit 2); the message names the reason and the limit. */
export class InputFileError extends Error {}

const CHUNK_BYTES = 1 << 20;

const fmtBytes = (b: number): string =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(b >= 2 ** 20 ? 1 : 3)} MiB`;

export function tooLargeMessage(sizeBytes: number | null, limit: FileLimit): string {
  const size = sizeBytes === null ? `over ${fmtBytes(limit.maxBytes)}` : fmtBytes(sizeBytes);
  return `it is ${size}; the limit for ${limit.what} is ${fmtBytes(limit.maxBytes)}${limit.hint ? `: ${limit.hint}` : ''}`;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** Blocks the thread for `ms` (stdin that is non-blocking and has nothing yet). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads from `fd` until EOF or until more than `maxBytes` have arrived (then stops at maxBytes + 1). */
function readUpTo(fd: number, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= maxBytes) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        pause(10);
        continue;
      }
      throw e;
    }
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
  }
  return Buffer.concat(chunks, total);
}

/** UTF-8 text (a leading BOM removed), or an InputFileError for bytes that are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputFileError('it is not UTF-8 text (a binary file, or another encoding): save it as UTF-8');
  }
}

/** Reads `path` ('-' = stdin) within `limit`. Throws InputFileError, or the system error (ENOENT, EACCES). */
export function readBoundedFile(path: string, limit: FileLimit): string {
  const stdin = path === '-';
  const fd = stdin ? 0 : openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (!stdin) {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new InputFileError(`it is ${kindOf(st)}, not a regular file`);
      if (st.size > limit.maxBytes) throw new InputFileError(tooLargeMessage(st.size, limit));
    }
    const bytes = readUpTo(fd, limit.maxBytes);
    if (bytes.length > limit.maxBytes) throw new InputFileError(tooLargeMessage(null, limit));
    return decodeUtf8(bytes);
  } finally {
    if (!stdin) closeSync(fd);
  }
}
