/**
 * `parakv commands <scenario.json|-> [--engine vllm|sglang|trtllm]`: the launch command(s) for the
 * scenario's plan (core/export/commands.ts), as the app's Command tab shows them. Without --engine:
 * the scenario's runtime.engine, else all three. Exit 0, 2 on bad input (one line naming the field).
 */
import { ENGINES, engineCommand, longestRequestTokens, maxModelLen, type Engine } from '../core/export/commands.ts';
import { preloadKernelsFor } from '../core/kernels/registry.ts';
import type { Scenario } from '../core/scenario/schema.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { summariseIssues } from './check.ts';
import { inlineTraces, readJsonFile } from './input.ts';
import { UsageError, type CliIo } from './io.ts';

export const COMMANDS_HELP = `usage: parakv commands <scenario.json|-> [--engine vllm|sglang|trtllm]

  prints the engine launch command for the scenario's plan; the context limit
  (--max-model-len / --context-length / --max_seq_len) covers the workload's longest request
  (a trace's longest row, a distribution's 99.9th percentile), rounded up to the KV block size
`;

const ENGINE_IDS = ENGINES.map((e) => e.id);

function parseArgs(args: string[]): { path: string | null; engine: Engine | null; help: boolean } {
  let path: string | null = null;
  let engine: Engine | null = null;
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '-h') help = true;
    else if (a === '--engine' || a.startsWith('--engine=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (v === undefined || !(ENGINE_IDS as readonly string[]).includes(v))
        throw new UsageError(`--engine must be one of ${ENGINE_IDS.join(', ')} (got "${v ?? ''}")`);
      engine = v as Engine;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a} (see parakv commands --help)`);
    else if (path !== null) throw new UsageError(`one scenario file at a time (got ${path}, ${a})`);
    else path = a;
  }
  return { path, engine, help };
}

function loadScenario(path: string | null, io: CliIo): Scenario {
  const raw = readJsonFile(path ?? undefined, io);
  if (Array.isArray(raw)) throw new UsageError('commands takes one scenario, not an array');
  const parsed = parseScenario(inlineTraces(raw, path ?? undefined, io));
  if (!parsed.ok) throw new UsageError(summariseIssues(parsed.errors));
  return parsed.scenario;
}

/** The commands' text for `engines`, each under a heading, with the context limit explained once. */
export function formatCommands(s: Scenario, engines: readonly Engine[]): string {
  const longest = longestRequestTokens(s);
  const lines = [
    `# context limit ${maxModelLen(s).toLocaleString('en-US')} tokens: ${
      longest !== null
        ? `the longest request (${longest.toLocaleString('en-US')} tokens${s.workload.trace ? ', the trace maximum' : s.workload.input || s.workload.output ? ', p99.9 of the length distributions' : ''}) rounded up to the KV block size, within the model window`
        : "the model's context window (the workload has no bounded longest request)"
    }`,
  ];
  for (const e of engines) {
    const label = ENGINES.find((x) => x.id === e)!.label;
    lines.push('', `## ${label}`, engineCommand(e, s).text);
  }
  return lines.join('\n') + '\n';
}

export async function runCommands(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args);
  if (p.help) {
    io.stdout(COMMANDS_HELP);
    return 0;
  }
  const s = loadScenario(p.path, io);
  await preloadKernelsFor(s);
  const own = s.runtime.engine?.name;
  const engines: Engine[] = p.engine ? [p.engine] : own ? [own] : [...ENGINE_IDS];
  io.stdout(formatCommands(s, engines));
  return 0;
}
