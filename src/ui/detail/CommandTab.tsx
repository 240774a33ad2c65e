/** The exact launch command for the selected plan: vLLM, SGLang or TensorRT-LLM (core/export/commands). */
import { useState } from 'react';
import { ENGINES, engineCommand, type Engine } from '../../core/export/commands.ts';
import type { EvaluationResult } from '../../core/evaluate/evaluate.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { copyText, downloadText } from '../download.ts';
import { IconCheck, IconCopy, IconDownload } from '../icons.tsx';
import { Segmented } from '../inputs/fields.tsx';

export function CommandTab({ scenario, result }: { scenario: Scenario; result: EvaluationResult }) {
  const [engine, setEngine] = useState<Engine>(scenario.runtime.engine?.name ?? 'vllm');
  const [copied, setCopied] = useState<boolean | null>(null);
  const g = result.memory.perGpu[0];
  const cmd = engineCommand(
    engine,
    scenario,
    g
      ? {
          weightsGB: g.weightsGB,
          activationsGB: g.activationsGB,
          reservedGB: g.reservedGB,
          kvCacheGB: g.kvCacheGB,
          capacityGB: g.capacityGB,
          stateGB: g.stateGB,
        }
      : undefined,
  );
  const lines = cmd.text.split('\n');
  return (
    <>
      <div className="cmd-actions">
        <Segmented
          label="Engine"
          hideLabel
          value={engine}
          onChange={(e) => {
            setEngine(e);
            setCopied(null);
          }}
          options={ENGINES.map((e) => ({ value: e.id, label: e.label }))}
        />
        <span className="spacer" />
        <button
          type="button"
          className="btn btn--sm btn--primary"
          data-testid={`copy-${engine}`}
          onClick={() => void copyText(cmd.text).then(setCopied)}
        >
          {copied ? <IconCheck /> : <IconCopy />} {copied ? 'Copied' : 'Copy command'}
        </button>
        <button
          type="button"
          className="btn btn--sm"
          onClick={() =>
            downloadText(
              `serve-${engine}.sh`,
              `#!/usr/bin/env bash\nset -euo pipefail\n${cmd.text}\n`,
              'text/x-shellscript',
            )
          }
        >
          <IconDownload /> .sh
        </button>
      </div>
      {copied === false && (
        <div className="field__error">The browser refused clipboard access: select the text and copy it.</div>
      )}
      <pre
        className="cmd"
        data-testid={`export-${engine}`}
        aria-label={`${ENGINES.find((e) => e.id === engine)?.label} launch command`}
        tabIndex={0}
      >
        {lines.map((l, i) => (
          <span key={i} className={l.startsWith('#') ? 'comment' : undefined}>
            {l}
            {i < lines.length - 1 ? '\n' : ''}
          </span>
        ))}
      </pre>
      <p className="caption">
        Flags follow the plan: tensor/pipeline/data parallel sizes, expert parallelism, KV dtype, batch limits, chunked
        prefill, prefix caching and memory share. Check them against your engine version before production use.
      </p>
    </>
  );
}
