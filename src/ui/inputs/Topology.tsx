/**
 * Cluster topology drawing: nodes as boxes of GPUs, the NVLink/NVSwitch (scale-up) domain as a
 * dashed outline around the GPUs that share it, and scale-out links from each node to the fabric.
 * GPUs the selected plan uses are coloured by replica (stage shown as S0/S1… when pp > 1).
 * React owns the SVG; the only maths is layout in px.
 */
import { categoricalColor } from '../../charts/index.ts';
import { instanceGpus, planGpus, stageGpus } from '../../core/views/planGpus.ts';

export interface TopologyProps {
  nodes: number;
  gpusPerNode: number;
  /** GPUs per scale-up domain as the engine resolves it. */
  domainGpus: number;
  gpuName: string;
  scaleUpLabel: string;
  scaleOutGBps: number;
  plan: { tp: number; pp: number; dp: number; attentionDp: number } | null;
}

const MAX_NODES_DRAWN = 16;
const W = 320;
const PAD = 6;
const GAP = 8;

export function Topology({ nodes, gpusPerNode, domainGpus, gpuName, scaleUpLabel, scaleOutGBps, plan }: TopologyProps) {
  const shown = Math.min(nodes, MAX_NODES_DRAWN);
  const nodeCols = shown <= 2 ? shown : shown <= 4 ? 2 : shown <= 9 ? 3 : 4;
  const nodeRows = Math.ceil(shown / nodeCols);
  const nodeW = (W - PAD * 2 - GAP * (nodeCols - 1)) / nodeCols;
  const gCols =
    gpusPerNode <= 4
      ? gpusPerNode
      : gpusPerNode <= 8
        ? Math.ceil(gpusPerNode / 2)
        : Math.min(8, Math.ceil(Math.sqrt(gpusPerNode * 2)));
  const gRows = Math.ceil(gpusPerNode / gCols);
  const cell = Math.min(22, (nodeW - 12) / gCols);
  const gpuSize = cell - 3;
  const nodeH = 18 + gRows * cell + 8;
  const multiDomainNodes = domainGpus > gpusPerNode && domainGpus % gpusPerNode === 0 ? domainGpus / gpusPerNode : 1;
  const fabric = nodes > 1 && domainGpus < nodes * gpusPerNode;
  const gridH = nodeRows * nodeH + (nodeRows - 1) * GAP;
  const top = multiDomainNodes > 1 ? 14 : 4;
  const fabricY = top + gridH + 18;
  const H = fabric ? fabricY + 22 : top + gridH + 6;

  const instGpus = plan ? instanceGpus(plan) : 0;
  const used = plan ? planGpus(plan) : 0;
  const groupOf = (g: number) =>
    plan && g < used
      ? { replica: Math.floor(g / instGpus), stage: Math.floor((g % instGpus) / stageGpus(plan)) }
      : null;

  const nodeX = (i: number) => PAD + (i % nodeCols) * (nodeW + GAP);
  const nodeY = (i: number) => top + Math.floor(i / nodeCols) * (nodeH + GAP);

  const domainBoxes: { x: number; y: number; w: number; h: number; label: string }[] = [];
  if (multiDomainNodes > 1) {
    // A domain spans several nodes (NVL72 trays): outline consecutive node groups in the same row range.
    for (let start = 0; start < shown; start += multiDomainNodes) {
      const end = Math.min(shown, start + multiDomainNodes) - 1;
      const xs = [start, end].map(nodeX);
      const ys = [start, end].map(nodeY);
      const x = Math.min(...xs) - 3;
      const y = Math.min(...ys) - 11;
      const x2 =
        start === end
          ? nodeX(start) + nodeW
          : Math.max(...Array.from({ length: end - start + 1 }, (_, k) => nodeX(start + k) + nodeW));
      const y2 = Math.max(...ys) + nodeH;
      domainBoxes.push({ x, y, w: x2 - x + 3, h: y2 - y + 3, label: `${scaleUpLabel} domain · ${domainGpus} GPUs` });
    }
  }

  return (
    <figure
      className="topology"
      data-testid="topology"
      aria-label={`Topology: ${nodes} node${nodes === 1 ? '' : 's'} × ${gpusPerNode} ${gpuName}`}
    >
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-hidden="true">
        {domainBoxes.map((d, i) => (
          <g key={`d${i}`}>
            <rect className="topo-domain" x={d.x} y={d.y} width={d.w} height={d.h} rx={7} />
            <text className="topo-domain-label" x={d.x + 6} y={d.y + 8}>
              {d.label}
            </text>
          </g>
        ))}
        {Array.from({ length: shown }, (_, n) => {
          const x = nodeX(n);
          const y = nodeY(n);
          const gx0 = x + (nodeW - gCols * cell) / 2;
          const domains: { x: number; y: number; w: number; h: number }[] = [];
          if (multiDomainNodes === 1 && domainGpus > 1) {
            const per = Math.min(domainGpus, gpusPerNode);
            for (let d = 0; d * per < gpusPerNode; d++) {
              const a = d * per;
              const b = Math.min(gpusPerNode, a + per) - 1;
              const r0 = Math.floor(a / gCols);
              const r1 = Math.floor(b / gCols);
              const c0 = r0 === r1 ? a % gCols : 0;
              const c1 = r0 === r1 ? b % gCols : gCols - 1;
              domains.push({
                x: gx0 + c0 * cell - 2.5,
                y: y + 16 + r0 * cell - 2.5,
                w: (c1 - c0 + 1) * cell + 2,
                h: (r1 - r0 + 1) * cell + 2,
              });
            }
          }
          return (
            <g key={n}>
              <rect className="topo-node" x={x} y={y} width={nodeW} height={nodeH} rx={6} />
              <text className="topo-node-label" x={x + 6} y={y + 11}>
                node {n}
              </text>
              {domains.map((d, i) => (
                <rect key={i} className="topo-domain" x={d.x} y={d.y} width={d.w} height={d.h} rx={4} />
              ))}
              {Array.from({ length: gpusPerNode }, (_, j) => {
                const g = n * gpusPerNode + j;
                const grp = groupOf(g);
                const gx = gx0 + (j % gCols) * cell;
                const gy = y + 16 + Math.floor(j / gCols) * cell;
                return (
                  <g key={j}>
                    <rect
                      className="topo-gpu"
                      x={gx}
                      y={gy}
                      width={gpuSize}
                      height={gpuSize}
                      rx={2.5}
                      style={grp ? { fill: categoricalColor(grp.replica) } : undefined}
                    >
                      <title>{`GPU ${g}${grp ? ` · replica ${grp.replica}${plan && plan.pp > 1 ? ` · stage ${grp.stage}` : ''}` : ' · idle in this plan'}`}</title>
                    </rect>
                    {grp && plan && plan.pp > 1 && gpuSize >= 13 && (
                      <text
                        x={gx + gpuSize / 2}
                        y={gy + gpuSize / 2 + 3}
                        textAnchor="middle"
                        fontSize={7.5}
                        fill="#fff"
                        fontWeight={600}
                      >
                        S{grp.stage}
                      </text>
                    )}
                  </g>
                );
              })}
              {fabric && (
                <line className="topo-link" x1={x + nodeW / 2} y1={y + nodeH} x2={x + nodeW / 2} y2={fabricY} />
              )}
            </g>
          );
        })}
        {fabric && (
          <g>
            <rect className="topo-fabric" x={PAD} y={fabricY} width={W - 2 * PAD} height={16} rx={4} />
            <text className="topo-fabric-label" x={W / 2} y={fabricY + 11} textAnchor="middle">
              Scale-out network · {scaleOutGBps} GB/s per GPU
              {nodes > MAX_NODES_DRAWN ? ` · +${nodes - MAX_NODES_DRAWN} more nodes not drawn` : ''}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}
