/** Test fixture: an H100-like roofline with a few good and a few unplottable points. */
import type { RooflineInput } from './layout';

export const H100: RooflineInput = {
  gpuLabel: 'H100 SXM',
  ceilings: [
    { label: 'FP8', tflops: 1979 },
    { label: 'BF16', tflops: 989 },
  ],
  memoryGBps: 3350,
  links: [
    { label: 'NVLink', GBps: 450 },
    { label: 'IB', GBps: 50 },
  ],
  points: [
    {
      id: 'a',
      label: 'prefill mlp',
      phase: 'prefill',
      intensityFlopPerByte: 2600,
      achievedTflops: 760,
      timeShare: 0.4,
      bound: 'compute',
    },
    {
      id: 'b',
      label: 'decode attn',
      phase: 'decode',
      intensityFlopPerByte: 1.1,
      achievedTflops: 3.1,
      timeShare: 0.3,
      bound: 'memory',
    },
    {
      id: 'c',
      label: 'decode mlp',
      phase: 'decode',
      intensityFlopPerByte: 60,
      achievedTflops: 170,
      timeShare: 0.2,
      bound: 'memory',
    },
    {
      id: 'zero',
      label: 'bad',
      phase: 'decode',
      intensityFlopPerByte: 0,
      achievedTflops: 1,
      timeShare: 0.1,
      bound: '?',
    },
    {
      id: 'neg',
      label: 'bad',
      phase: 'prefill',
      intensityFlopPerByte: 10,
      achievedTflops: -1,
      timeShare: 0.1,
      bound: '?',
    },
    {
      id: 'nan',
      label: 'bad',
      phase: 'prefill',
      intensityFlopPerByte: Number.NaN,
      achievedTflops: 1,
      timeShare: 0.1,
      bound: '?',
    },
  ],
};
