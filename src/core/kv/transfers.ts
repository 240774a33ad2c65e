/**
 * Names of KV tier transfers (HBM ↔ host DRAM ↔ NVMe), shared by the simulator's timeline and the
 * Gantt views without pulling the simulator into the views' bundle.
 */

/** Tier transfer kinds (index = value stored in a timeline's `kind`). */
export const TIER_TRANSFER_KINDS = ['D2H', 'H2D', 'D2H→NVMe', 'NVMe→H2D'] as const;
export type TierTransferKind = (typeof TIER_TRANSFER_KINDS)[number];
export const XFER_D2H = 0;
export const XFER_H2D = 1;
export const XFER_TO_NVME = 2;
export const XFER_FROM_NVME = 3;
