/**
 * Cluster: presets, the GPU, node count and GPUs per node (also editable on the drawing), the
 * NVLink domain, and every catalog figure as an override (memory, bandwidths, TFLOPS, links,
 * power, $/hour) with the catalog value and its source shown.
 */
import { useMemo } from 'react';
import { GPUS, getGpu } from '../../core/hardware/gpus.ts';
import { CLUSTER_PRESETS } from '../../core/hardware/presets.ts';
import type { GpuSpec } from '../../core/hardware/types.ts';
import { scaleUpName } from '../../core/views/roofline.ts';
import { clusterGpus } from '../../core/views/planGpus.ts';
import { useActions, useApp } from '../../state/react.tsx';
import { fmtNum } from '../format.ts';
import { useEngineError } from '../hooks.ts';
import { IconChevron } from '../icons.tsx';
import { NumberField, ScenarioNumber, Section, SelectField } from './fields.tsx';
import { Topology } from './Topology.tsx';

type OverrideKey =
  | 'memoryGB'
  | 'memoryBandwidthGBps'
  | 'bf16Tflops'
  | 'fp8Tflops'
  | 'fp4Tflops'
  | 'int8Tops'
  | 'scaleUpGBps'
  | 'scaleUpLatencyUs'
  | 'scaleOutGBps'
  | 'scaleOutLatencyUs'
  | 'hostLinkGBps'
  | 'priceUsdPerHour'
  | 'tdpW'
  | 'idleW';

const OVERRIDES: readonly {
  key: OverrideKey;
  label: string;
  unit: string;
  catalog: (g: GpuSpec) => number | null;
  source: string;
}[] = [
  { key: 'memoryGB', label: 'HBM capacity', unit: 'GB', catalog: (g) => g.memoryGB, source: 'memoryGB' },
  {
    key: 'memoryBandwidthGBps',
    label: 'HBM bandwidth',
    unit: 'GB/s',
    catalog: (g) => g.memoryBandwidthGBps,
    source: 'memoryBandwidthGBps',
  },
  {
    key: 'bf16Tflops',
    label: 'BF16 dense',
    unit: 'TFLOPS',
    catalog: (g) => g.denseTflops.bf16,
    source: 'denseTflops.bf16',
  },
  {
    key: 'fp8Tflops',
    label: 'FP8 dense',
    unit: 'TFLOPS',
    catalog: (g) => g.denseTflops.fp8,
    source: 'denseTflops.fp8',
  },
  {
    key: 'fp4Tflops',
    label: 'FP4 dense',
    unit: 'TFLOPS',
    catalog: (g) => g.denseTflops.fp4,
    source: 'denseTflops.fp4',
  },
  {
    key: 'int8Tops',
    label: 'INT8 dense',
    unit: 'TOPS',
    catalog: (g) => g.denseTflops.int8,
    source: 'denseTflops.int8',
  },
  { key: 'scaleUpGBps', label: 'Scale-up link', unit: 'GB/s', catalog: (g) => g.scaleUpGBps, source: 'scaleUpGBps' },
  {
    key: 'scaleUpLatencyUs',
    label: 'Scale-up latency',
    unit: 'µs',
    catalog: (g) => g.scaleUpLatencyUs,
    source: 'scaleUpLatencyUs',
  },
  { key: 'scaleOutGBps', label: 'Scale-out NIC', unit: 'GB/s', catalog: (g) => g.scaleOutGBps, source: 'scaleOutGBps' },
  {
    key: 'scaleOutLatencyUs',
    label: 'Scale-out latency',
    unit: 'µs',
    catalog: (g) => g.scaleOutLatencyUs,
    source: 'scaleOutLatencyUs',
  },
  { key: 'hostLinkGBps', label: 'Host link', unit: 'GB/s', catalog: (g) => g.hostLinkGBps, source: 'hostLinkGBps' },
  {
    key: 'priceUsdPerHour',
    label: 'Price',
    unit: '$/GPU·h',
    catalog: (g) => g.priceUsdPerHour,
    source: 'priceUsdPerHour',
  },
  { key: 'tdpW', label: 'TDP', unit: 'W', catalog: (g) => g.tdpW, source: 'tdpW' },
  { key: 'idleW', label: 'Idle power', unit: 'W', catalog: (g) => g.idleW, source: 'idleW' },
];

function GpuFigures({ gpu }: { gpu: GpuSpec }) {
  const overrides = useApp((s) => s.scenario.cluster.gpuOverrides);
  const errors = useApp((s) => s.fieldErrors);
  const { setField } = useActions();
  const count = overrides ? Object.keys(overrides).length : 0;
  return (
    <details className="disclosure" data-testid="gpu-figures">
      <summary>
        <IconChevron /> GPU figures &amp; price{count > 0 ? ` (${count} overridden)` : ''}
      </summary>
      <div className="disclosure__body">
        <div className="field__note">
          Empty = catalog value (shown greyed; hover for its source). Type a number to override it for this scenario.
        </div>
        <div className="grid-2">
          {OVERRIDES.map((o) => {
            const cat = o.catalog(gpu);
            const v = overrides?.[o.key];
            return (
              <NumberField
                key={o.key}
                label={o.label}
                unit={o.unit}
                value={v}
                optional
                step="any"
                placeholder={cat === null ? 'n/a' : fmtNum(cat, 4).replace(/,/g, '')}
                title={`Catalog: ${cat ?? 'not supported'} ${o.unit}. Source: ${gpu.sources[o.source] ?? 'catalog'}`}
                overridden={v !== undefined}
                error={errors[`cluster.gpuOverrides.${o.key}`]}
                onCommit={(n) => setField(['cluster', 'gpuOverrides', o.key], n)}
              />
            );
          })}
        </div>
        {count > 0 && (
          <button
            type="button"
            className="btn btn--sm"
            onClick={() => setField(['cluster', 'gpuOverrides'], undefined)}
          >
            Reset all to catalog
          </button>
        )}
      </div>
    </details>
  );
}

export function ClusterEditor() {
  const cluster = useApp((s) => s.scenario.cluster);
  const plan = useApp((s) => s.scenario.plan);
  const { setModelOrCluster, setField } = useActions();
  const engineError = useEngineError();
  const gpu = getGpu(cluster.gpu);
  const preset = CLUSTER_PRESETS.find(
    (p) => p.gpu === cluster.gpu && p.nodes === cluster.nodes && p.gpusPerNode === cluster.gpusPerNode,
  );
  const total = clusterGpus(cluster);
  const domain = gpu
    ? Math.max(1, Math.min(cluster.scaleUpDomainGpus ?? Math.max(gpu.scaleUpDomainGpus, 1), total))
    : 1;
  const gpuOptions = useMemo(
    () => GPUS.map((g) => ({ value: g.id, label: `${g.name} · ${g.memoryGB} GB`, group: g.vendor })),
    [],
  );
  const effective =
    gpu && cluster.gpuOverrides ? { ...gpu, scaleOutGBps: cluster.gpuOverrides.scaleOutGBps ?? gpu.scaleOutGBps } : gpu;
  const keep = { keepPlanValid: 'cluster' as const };
  const domainError = useApp((s) => s.fieldErrors['cluster.scaleUpDomainGpus']);

  return (
    <Section
      title="Cluster"
      summary={`${cluster.nodes} × ${cluster.gpusPerNode} ${gpu?.name.replace(/^NVIDIA |^AMD /, '') ?? cluster.gpu}`}
      testId="cluster-editor"
    >
      <SelectField
        label="Preset"
        value={preset?.id ?? 'custom'}
        options={[
          { value: 'custom', label: 'Custom cluster' },
          ...CLUSTER_PRESETS.map((p) => ({ value: p.id, label: p.label })),
        ]}
        onChange={(id) => {
          const p = CLUSTER_PRESETS.find((x) => x.id === id);
          if (p) setModelOrCluster({ cluster: { gpu: p.gpu, nodes: p.nodes, gpusPerNode: p.gpusPerNode } });
        }}
        note={preset?.note}
        testId="cluster-preset"
      />
      <SelectField
        label="GPU"
        value={cluster.gpu}
        options={gpuOptions}
        onChange={(id) =>
          setModelOrCluster({ cluster: { ...cluster, gpu: id, gpuOverrides: undefined, scaleUpDomainGpus: undefined } })
        }
        error={engineError('cluster.gpu')}
        testId="gpu-select"
      />
      {gpu && effective && (
        <Topology
          nodes={cluster.nodes}
          gpusPerNode={cluster.gpusPerNode}
          domainGpus={domain}
          gpuName={gpu.name}
          scaleUpLabel={scaleUpName(gpu.scaleUpTech)}
          scaleOutGBps={effective.scaleOutGBps}
          plan={engineError('plan') ? null : plan}
        />
      )}
      <div className="topology__toolbar" role="group" aria-label="Edit the cluster on the drawing">
        <span>Nodes</span>
        <button
          type="button"
          className="btn btn--sm btn--icon"
          aria-label="Remove a node"
          disabled={cluster.nodes <= 1}
          onClick={() => setField(['cluster', 'nodes'], cluster.nodes - 1, keep)}
        >
          −
        </button>
        <button
          type="button"
          className="btn btn--sm btn--icon"
          aria-label="Add a node"
          disabled={cluster.nodes >= 1024}
          onClick={() => setField(['cluster', 'nodes'], cluster.nodes + 1, keep)}
        >
          +
        </button>
        <span className="spacer" />
        <span>GPUs per node</span>
        <button
          type="button"
          className="btn btn--sm btn--icon"
          aria-label="Halve the GPUs per node"
          disabled={cluster.gpusPerNode <= 1}
          onClick={() =>
            setField(
              ['cluster', 'gpusPerNode'],
              cluster.gpusPerNode % 2 === 0 ? cluster.gpusPerNode / 2 : cluster.gpusPerNode - 1,
              keep,
            )
          }
        >
          −
        </button>
        <button
          type="button"
          className="btn btn--sm btn--icon"
          aria-label="Double the GPUs per node"
          disabled={cluster.gpusPerNode >= 128}
          onClick={() => setField(['cluster', 'gpusPerNode'], Math.min(128, cluster.gpusPerNode * 2), keep)}
        >
          +
        </button>
      </div>
      <div className="grid-3">
        <ScenarioNumber
          path={['cluster', 'nodes']}
          label="Nodes"
          step={1}
          min={1}
          max={1024}
          keepPlanValid="cluster"
          testId="cluster-nodes"
        />
        <ScenarioNumber
          path={['cluster', 'gpusPerNode']}
          label="GPUs / node"
          step={1}
          min={1}
          max={128}
          keepPlanValid="cluster"
        />
        <NumberField
          label="NVLink domain"
          unit="GPUs"
          value={cluster.scaleUpDomainGpus}
          optional
          step={1}
          min={1}
          placeholder={gpu ? String(Math.min(gpu.scaleUpDomainGpus, total)) : ''}
          title="GPUs that share one scale-up (NVLink/NVSwitch) domain. Empty = the GPU's default."
          onCommit={(v) => setField(['cluster', 'scaleUpDomainGpus'], v, keep)}
          error={domainError}
        />
      </div>
      <div className="field__note">
        {total} GPUs · scale-up domain of {domain} ·{' '}
        {gpu
          ? `${gpu.memoryGB} GB, ${fmtNum(gpu.memoryBandwidthGBps / 1000, 3)} TB/s, ${gpu.denseTflops.bf16} BF16 TFLOPS each, $${gpu.priceUsdPerHour}/h`
          : ''}
      </div>
      {gpu && <GpuFigures gpu={gpu} />}
    </Section>
  );
}
