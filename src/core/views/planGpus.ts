/**
 * GPU counts of a plan's layout, for views (topology drawing, memory labels). One pipeline stage
 * spans tp × attentionDp GPUs; one instance (replica) spans pp of those stages; dp replicas run.
 */
export interface PlanLayout {
  tp: number;
  pp: number;
  dp: number;
  attentionDp: number;
}

/** GPUs in one pipeline stage of one replica: tp × attentionDp. */
export const stageGpus = (p: Pick<PlanLayout, 'tp' | 'attentionDp'>): number => p.tp * p.attentionDp;

/** GPUs in one replica (instance): tp × pp × attentionDp. */
export const instanceGpus = (p: Pick<PlanLayout, 'tp' | 'pp' | 'attentionDp'>): number => stageGpus(p) * p.pp;

/** GPUs all dp replicas use together. */
export const planGpus = (p: PlanLayout): number => instanceGpus(p) * p.dp;

/** GPUs in the whole cluster: nodes × gpusPerNode. */
export const clusterGpus = (c: { nodes: number; gpusPerNode: number }): number => c.nodes * c.gpusPerNode;
