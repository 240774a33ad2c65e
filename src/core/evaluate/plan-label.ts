/** Plan labels shared by the evaluators, the search and the views. */

/** The parallel sizes of one instance shape (a colocated plan or one P/D pool). */
export interface ShapeLike {
  tp: number;
  pp: number;
  ep: number;
  attentionDp: number;
}

/** "TP4·PP2·EP8·ADP2": the parallel family, without replica counts. */
export function shapeGroup(s: ShapeLike): string {
  const parts = [`TP${s.tp}`];
  if (s.pp > 1) parts.push(`PP${s.pp}`);
  if (s.ep > 1) parts.push(`EP${s.ep}`);
  if (s.attentionDp > 1) parts.push(`ADP${s.attentionDp}`);
  return parts.join('·');
}
