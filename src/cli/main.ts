/**
 * `parakv` — the CLI over src/core. Exit 0 on success, 2 on invalid input (one line naming the
 * field on stderr), 1 on an internal error.
 */
import { GPUS } from '../core/hardware/gpus.ts';
import { MODELS } from '../core/model/catalog.ts';
import { countParams, kvBytesPerToken } from '../core/model/params.ts';
import { CLI_SIM_WALL_MS, evaluateSimulated } from '../core/evaluate/simulated.ts';
import { evaluateFast } from '../core/evaluate/fast.ts';
import { parseScenario } from '../core/scenario/validate.ts';
import { UsageError, type CliIo } from './io.ts';
import { errorSummary, scenarioProblem, summariseIssues } from './check.ts';
import { runEvaluate } from './evaluate.ts';
import { inlineTraces, readJsonFile } from './input.ts';
import { readBoundedFile } from './read-file.ts';
import { preloadKernelsForInput } from '../core/kernels/registry.ts';
import { scenarioFromLink, scenarioToLink } from '../core/share/scenario-link.ts';
import { fmtNum, renderTable } from './table.ts';
import { calibrateFlags, calibrateFromFiles, withoutCalibrateFlags } from './calibrate.ts';

const HELP = `parakv — plan LLM serving parallelism and KV-cache strategy

usage:
  parakv evaluate <scenario.json|-> [--format json|table] [--fast]
  parakv evaluate --link '<url or #s2.… fragment>' [--format json|table] [--fast]
      simulates the workload (discrete-event); --fast uses the closed-form estimator
      --calibrate a.json,b.jsonl  fit runtime.engine.calibration to your benchmark results first
      (vLLM bench serve JSON, SGLang bench_serving JSONL, aiperf/genai-perf export, trtllm-bench report or --report_json)
  parakv link <scenario.json|-> [--base https://host/path/]
  parakv validate <scenario.json|->
  parakv search <scenario.json> [--objective ...] [--top N] [--kv-strategies bf16,fp8,kivi2,h2o] [--allow-lossy] [--json]
  parakv commands <scenario.json|-> [--engine vllm|sglang|trtllm]
      prints the engine launch command for the scenario's plan
  parakv list models|gpus [--json]
`;

export const nodeIo: CliIo = {
  readFile: readBoundedFile,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return v;
}

function positional(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      if (
        [
          '--format',
          '--objective',
          '--secondary',
          '--top',
          '--kv',
          '--max-num-seqs',
          '--max-batched-tokens',
          '--link',
          '--base',
        ].includes(a)
      )
        i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The scenario file's JSON with every `workload.trace.path` read and inlined (relative to the file). */
function readScenarios(path: string | undefined, io: CliIo): unknown {
  return inlineTraces(readJsonFile(path, io), path, io);
}

/** Shown for an unknown command; a long argument is cut (it is echoed back). */
const MAX_COMMAND_SHOWN = 40;

function list(what: string | undefined, json: boolean, io: CliIo): number {
  if (what === 'models') {
    const rows = MODELS.map((m) => {
      const p = countParams(m);
      return {
        id: m.id,
        name: m.name,
        totalParamsB: p.totalParams / 1e9,
        activeParamsB: p.activeParams / 1e9,
        layers: m.layers.length,
        attention: m.attention.kind,
        heads: m.attention.numHeads,
        kvHeads: m.attention.numKvHeads,
        experts: m.moe ? `${m.moe.topK}/${m.moe.numExperts}` : '',
        kvBytesPerTokenBf16: kvBytesPerToken(m, 2),
      };
    });
    io.stdout(
      json
        ? JSON.stringify(rows, null, 2) + '\n'
        : renderTable(
            ['id', 'name', 'total B', 'active B', 'layers', 'attn', 'heads', 'kv', 'experts', 'KV B/tok bf16'],
            rows.map((r) => [
              r.id,
              r.name,
              fmtNum(r.totalParamsB),
              fmtNum(r.activeParamsB),
              r.layers,
              r.attention,
              r.heads,
              r.kvHeads,
              r.experts,
              r.kvBytesPerTokenBf16,
            ]),
          ) + '\n',
    );
    return 0;
  }
  if (what === 'gpus') {
    const rows = GPUS.map((g) => ({
      id: g.id,
      name: g.name,
      memoryGB: g.memoryGB,
      memoryBandwidthGBps: g.memoryBandwidthGBps,
      bf16Tflops: g.denseTflops.bf16,
      fp8Tflops: g.denseTflops.fp8,
      fp4Tflops: g.denseTflops.fp4,
      scaleUpGBps: g.scaleUpGBps,
      scaleOutGBps: g.scaleOutGBps,
      tdpW: g.tdpW,
      priceUsdPerHour: g.priceUsdPerHour,
    }));
    io.stdout(
      json
        ? JSON.stringify(rows, null, 2) + '\n'
        : renderTable(
            ['id', 'name', 'GB', 'GB/s', 'bf16 TF', 'fp8 TF', 'fp4 TF', 'NVLink GB/s', 'NIC GB/s', 'TDP W', '$/h'],
            rows.map((r) => [
              r.id,
              r.name,
              r.memoryGB,
              r.memoryBandwidthGBps,
              r.bf16Tflops,
              r.fp8Tflops ?? '-',
              r.fp4Tflops ?? '-',
              r.scaleUpGBps,
              r.scaleOutGBps,
              r.tdpW,
              r.priceUsdPerHour,
            ]),
          ) + '\n',
    );
    return 0;
  }
  throw new UsageError('list what? use `parakv list models` or `parakv list gpus`');
}

/** `input` calibrated on the benchmark `files` (unchanged without any); one scenario only. */
function calibrated(input: unknown, files: readonly string[], io: CliIo): unknown {
  if (files.length === 0) return input;
  if (Array.isArray(input)) throw new UsageError('--calibrate takes one scenario, not an array');
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new UsageError(summariseIssues(parsed.errors));
  return calibrateFromFiles(parsed.scenario, files, io);
}

export async function main(argv: string[], io: CliIo = nodeIo): Promise<number> {
  const [cmd, ...rest] = argv;
  let args = rest;
  try {
    switch (cmd) {
      case 'evaluate': {
        const benchFiles = calibrateFlags(argv);
        args = withoutCalibrateFlags(args);
        const format = flag(args, '--format') ?? 'json';
        if (format !== 'json' && format !== 'table') throw new UsageError('--format must be json or table');
        const evaluate = args.includes('--fast')
          ? (s: Parameters<typeof evaluateFast>[0]) => evaluateFast(s)
          : (s: Parameters<typeof evaluateSimulated>[0]) =>
              evaluateSimulated(s, { budget: { maxWallMs: CLI_SIM_WALL_MS } });
        const link = flag(args, '--link');
        if (link !== undefined) {
          const decoded = await scenarioFromLink(link);
          if (!decoded.ok) throw new UsageError(`link: ${decoded.error}`);
          await preloadKernelsForInput(decoded.value);
          return runEvaluate(calibrated(decoded.value, benchFiles, io), format, evaluate, io);
        }
        const input = readScenarios(positional(args)[0], io);
        await preloadKernelsForInput(input);
        return runEvaluate(calibrated(input, benchFiles, io), format, evaluate, io);
      }
      case 'link': {
        const parsed = parseScenario(readJsonFile(positional(args)[0], io));
        if (!parsed.ok) throw new UsageError(summariseIssues(parsed.errors));
        const base = flag(args, '--base') ?? '';
        io.stdout(`${base}#${await scenarioToLink(parsed.scenario)}\n`);
        return 0;
      }
      case 'validate': {
        // The checks evaluate makes before it computes: schema, catalog ids, plan shape, trace rows.
        const input = readScenarios(positional(args)[0], io);
        const many = Array.isArray(input);
        const items: unknown[] = many ? input : [input];
        const problem = errorSummary(items.map(scenarioProblem), many);
        if (problem !== null) throw new UsageError(problem);
        io.stdout(many ? `valid (${items.length.toLocaleString('en-US')} scenarios)\n` : 'valid\n');
        return 0;
      }
      case 'list':
        return list(positional(args)[0], args.includes('--json'), io);
      case 'commands': {
        const { runCommands } = await import('./commands.ts');
        return await runCommands(args, io);
      }
      case 'search': {
        const mod = await import('./search.ts').catch(() => null);
        if (!mod) throw new UsageError('search is not available in this build');
        return await mod.runSearch(args, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout(HELP);
        return cmd === undefined ? 2 : 0;
      default: {
        const shown = cmd.length > MAX_COMMAND_SHOWN ? `${cmd.slice(0, MAX_COMMAND_SHOWN)}…` : cmd;
        throw new UsageError(`unknown command "${shown}": run \`parakv --help\` for the commands`);
      }
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`parakv: ${e.message}\n`);
      return 2;
    }
    io.stderr(`parakv: internal error: ${(e as Error).message}\n`);
    return 1;
  }
}
