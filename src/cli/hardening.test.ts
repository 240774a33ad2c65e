/**
 * Hostile input through the CLI (issues 10 and 16): bounded, regular-file-only reads; `validate`
 * agreeing with `evaluate`; one summary line for arrays; errors that never quote a file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIo } from './fake-io.ts';
import { SCENARIO_FILE_LIMIT, type CliIo } from './io.ts';
import { main, nodeIo } from './main.ts';
import { InputFileError, readBoundedFile } from './read-file.ts';

const base = {
  version: 1,
  model: 'llama-3.1-8b',
  cluster: { gpu: 'h100-sxm', nodes: 1, gpusPerNode: 8 },
  plan: { tp: 1 },
  workload: { inputTokens: 512, outputTokens: 128 },
};
const SECRET = 'SECRET-TOKEN-6f1c2a';

/** nodeIo with stdout/stderr collected (real file reads). */
function realIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { readFile: nodeIo.readFile, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parakv-cli-'));
  mkdirSync(join(dir, 'a-directory'));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  writeFileSync(join(dir, 'secret.txt'), `root:x:0:0:${SECRET}:/root:/bin/bash\n`);
  const trace = (path: string) => ({ ...base, workload: { trace: { format: 'apex-jsonl', path } } });
  writeFileSync(join(dir, 'zero-trace.json'), JSON.stringify(trace('/dev/zero')));
  writeFileSync(join(dir, 'fifo-trace.json'), JSON.stringify(trace('fifo')));
  writeFileSync(join(dir, 'secret-trace.json'), JSON.stringify(trace('secret.txt')));
  writeFileSync(
    join(dir, 'secret-csv.json'),
    JSON.stringify({ ...base, workload: { trace: { format: 'azure-csv', path: 'secret.txt' } } }),
  );
  // "llama-3.1-8b" with its first byte replaced by 0xff: not UTF-8.
  const text = Buffer.from(JSON.stringify(base));
  text[text.indexOf('llama')] = 0xff;
  writeFileSync(join(dir, 'latin1.json'), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bounded reads of regular files only', () => {
  it.each([
    ['/dev/zero', 'it is a character device, not a regular file'],
    ['fifo', 'it is a FIFO (named pipe), not a regular file'],
    ['a-directory', 'it is a directory, not a regular file'],
  ])('evaluate and validate refuse %s with exit 2 and one line', async (name, why) => {
    const path = name.startsWith('/') ? name : join(dir, name);
    for (const cmd of ['evaluate', 'validate']) {
      const f = realIo();
      expect(await main([cmd, path], f.io)).toBe(2);
      expect(f.err()).toBe(`parakv: cannot read ${path}: ${why}\n`);
    }
  });

  it('refuses a trace path naming /dev/zero or a FIFO, without reading it', async () => {
    const z = realIo();
    expect(await main(['evaluate', join(dir, 'zero-trace.json')], z.io)).toBe(2);
    expect(z.err()).toBe(
      'parakv: workload.trace.path: cannot read "/dev/zero" (it is a character device, not a regular file)\n',
    );
    const p = realIo();
    expect(await main(['validate', join(dir, 'fifo-trace.json')], p.io)).toBe(2);
    expect(p.err()).toMatch(/^parakv: workload\.trace\.path: cannot read ".*\/fifo" \(it is a FIFO/);
  });

  it('refuses a file over the cap by its size, before reading it', () => {
    const limit = { what: 'a test file', maxBytes: 10, hint: 'make it smaller' };
    expect(() => readBoundedFile(join(dir, 'secret.txt'), limit)).toThrow(
      new InputFileError('it is 0.000 MiB; the limit for a test file is 0.000 MiB: make it smaller'),
    );
    expect(readBoundedFile(join(dir, 'secret.txt'), { ...limit, maxBytes: 1000 })).toContain(SECRET);
  });

  it('refuses a scenario file over 64 MiB with exit 2', async () => {
    const f = fakeIo({ 'big.json': `[${' '.repeat(SCENARIO_FILE_LIMIT.maxBytes)}]` });
    expect(await main(['evaluate', 'big.json'], f.io)).toBe(2);
    expect(f.err()).toBe(
      'parakv: cannot read big.json: it is 64.0 MiB; the limit for a scenario file is 64.0 MiB: split the array into several files\n',
    );
  });

  it('reads stdin ("-") through the bin entry, bounded the same way', () => {
    const bin = join(import.meta.dirname, '../../bin/parakv.mjs');
    const out = execFileSync(process.execPath, [bin, 'validate', '-'], {
      input: JSON.stringify(base),
      encoding: 'utf8',
    });
    expect(out).toBe('valid\n');
  });

  it('invalid UTF-8 is an error for validate exactly as for evaluate', async () => {
    for (const cmd of ['validate', 'evaluate']) {
      const f = realIo();
      expect(await main([cmd, join(dir, 'latin1.json')], f.io)).toBe(2);
      expect(f.err()).toMatch(/cannot read .*latin1\.json: it is not UTF-8 text/);
    }
  });
});

describe('validate runs the checks evaluate makes', () => {
  const bad = {
    'unknown model': { ...base, model: 'llama-9' },
    'unknown GPU': { ...base, cluster: { ...base.cluster, gpu: 'h999' } },
    'tp not dividing the heads': { ...base, plan: { tp: 3 } },
    'more GPUs than the cluster': { ...base, plan: { tp: 8, dp: 2 } },
    'a bad inline trace': { ...base, workload: { trace: { format: 'apex-jsonl', data: '{"nope":1}\n' } } },
  };
  it.each(Object.entries(bad))('%s: both exit 2 with the same message', async (_, scenario) => {
    const v = fakeIo({ 's.json': JSON.stringify(scenario) });
    expect(await main(['validate', 's.json'], v.io)).toBe(2);
    const e = fakeIo({ 's.json': JSON.stringify(scenario) });
    expect(await main(['evaluate', 's.json', '--fast'], e.io)).toBe(2);
    expect(v.err()).toBe(`parakv: ${e.err()}`);
    expect(v.err().split('\n')).toHaveLength(2);
  });

  it('a valid scenario and a valid array are "valid"', async () => {
    const f = fakeIo({ 's.json': JSON.stringify(base), 'a.json': JSON.stringify([base, base]) });
    expect(await main(['validate', 's.json'], f.io)).toBe(0);
    expect(await main(['validate', 'a.json'], f.io)).toBe(0);
    expect(f.out()).toBe('valid\nvalid (2 scenarios)\n');
  });
});

describe('one line for an array of bad scenarios', () => {
  it('evaluate: 200,000 bad scenarios give one stderr line, and each slot its { error }', async () => {
    const f = fakeIo({ 'many.json': JSON.stringify(Array.from({ length: 200_000 }, () => 1)) });
    expect(await main(['evaluate', 'many.json', '--fast'], f.io)).toBe(2);
    expect(f.err()).toBe(
      '200,000 of 200,000 scenarios are invalid; the first: scenario[0]: scenario must be a JSON object like { "version": 1, "model": "llama-3.1-70b", "cluster": { "gpu": "h100-sxm" } }\n',
    );
    const out = JSON.parse(f.out()) as { error: string }[];
    expect(out).toHaveLength(200_000);
    expect(out[199_999]!.error).toMatch(/^scenario must be a JSON object/);
  });

  it('validate: "3 of 2,000 scenarios are invalid; the first: …"', async () => {
    const items = Array.from({ length: 2000 }, () => base as unknown);
    items[7] = { ...base, model: 'nope' };
    items[900] = { ...base, plan: { tp: 3 } };
    items[1999] = 'x';
    const f = fakeIo({ 'a.json': JSON.stringify(items) });
    expect(await main(['validate', 'a.json'], f.io)).toBe(2);
    expect(f.err()).toMatch(
      /^parakv: 3 of 2,000 scenarios are invalid; the first: scenario\[7\]: model: unknown model "nope"/,
    );
    expect(f.err().split('\n')).toHaveLength(2);
  });

  it('a scenario with 100,000 unknown fields gives a bounded message', async () => {
    const junk = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`field${i}`, i]));
    const f = fakeIo({ 's.json': JSON.stringify({ ...base, cluster: { ...base.cluster, gpuOverrides: junk } }) });
    expect(await main(['validate', 's.json'], f.io)).toBe(2);
    expect(f.err()).toMatch(/^parakv: scenario: cluster\.gpuOverrides: unknown field\(s\) field0, field1, .*…\n$/);
    expect(f.err().length).toBeLessThan(2100);
  });

  it('reads a trace shared by many scenarios once', async () => {
    const rows = [0, 1, 2].map((i) =>
      JSON.stringify({ StartTimeOffset: i * 5e8, ContextTokens: 100, GeneratedTokens: 20 }),
    );
    const s = { ...base, workload: { trace: { format: 'apex-jsonl', path: 't.jsonl' } } };
    const f = fakeIo({ 'd/a.json': JSON.stringify([s, s, s]), 'd/t.jsonl': rows.join('\n') });
    expect(await main(['validate', 'd/a.json'], f.io)).toBe(0);
    expect(f.reads()).toEqual(['d/a.json', 'd/t.jsonl']);
  });
});

describe('errors never echo file contents', () => {
  it.each(['secret-trace.json', 'secret-csv.json'])('a trace path pointing at another file (%s)', async (name) => {
    for (const cmd of ['evaluate', 'validate']) {
      const f = realIo();
      expect(await main([cmd, join(dir, name)], f.io)).toBe(2);
      expect(f.err()).toMatch(
        /workload\.trace\.path: ".*secret\.txt" is not a valid (apex-jsonl|azure-csv) trace: 1 bad row, on line 1 \(the file's contents are not shown/,
      );
      expect(f.err()).not.toMatch(/SECRET|root:x/);
    }
  });

  it('a scenario file that is not JSON', async () => {
    const f = realIo();
    expect(await main(['evaluate', join(dir, 'secret.txt')], f.io)).toBe(2);
    expect(f.err()).toMatch(/secret\.txt is not valid JSON: Unexpected token\n$/);
    expect(f.err()).not.toMatch(/SECRET|root:x/);
  });
});

describe('deep values and unknown commands', () => {
  it('a scenario nested 10⁵ deep is refused with exit 2 by every command, never a stack overflow', async () => {
    const deep = `{"version":1,"model":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    for (const args of [
      ['link', 'd.json'],
      ['validate', 'd.json'],
      ['evaluate', 'd.json'],
      ['search', 'd.json'],
    ]) {
      const f = fakeIo({ 'd.json': deep });
      expect(await main(args, f.io)).toBe(2);
      expect(f.err()).toMatch(/d\.json nests deeper than 64 levels: it cannot be a valid input\n$/);
    }
  });

  it('a link nested 10⁵ deep is refused at decode with a clear message', async () => {
    const bytes = new TextEncoder().encode(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const deflated = new Uint8Array(
      await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer(),
    );
    const link = `#s1.${Buffer.from(deflated).toString('base64url')}`;
    const f = fakeIo();
    expect(await main(['evaluate', '--link', link], f.io)).toBe(2);
    expect(f.err()).toBe(
      'parakv: link: link data nests deeper than 64 levels: a ParaKV link never does, so it was not opened\n',
    );
  });

  it('an unknown command prints one line and a pointer to --help', async () => {
    const f = fakeIo();
    expect(await main(['frobnicate'], f.io)).toBe(2);
    expect(f.err()).toBe('parakv: unknown command "frobnicate": run `parakv --help` for the commands\n');
    expect(f.out()).toBe('');
    const long = fakeIo();
    expect(await main(['x'.repeat(10_000)], long.io)).toBe(2);
    expect(long.err()).toBe(`parakv: unknown command "${'x'.repeat(40)}…": run \`parakv --help\` for the commands\n`);
  });
});
