/**
 * Units live in names (`ttftMs`, `weightsGB`) and in these aliases, which document intent at
 * module boundaries. Conventions: GB = 1e9 bytes (datasheets), GiB = 2^30 bytes (nvidia-smi);
 * bandwidths in GB/s = 1e9 B/s; compute in TFLOPS = 1e12 FLOP/s.
 */
export type Bytes = number;
export type Flops = number;
export type Seconds = number;
export type Ms = number;

export const GB = 1e9;
export const GiB = 2 ** 30;
export const TERA = 1e12;
