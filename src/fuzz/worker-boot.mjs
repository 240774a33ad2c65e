// Worker entry of the fuzz harness: registers tsx (the TypeScript loader) in this thread, then runs
// worker.ts. A worker thread does not inherit the parent's loader (vitest's or tsx's).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
