/**
 * worker_threads entry for bench/search-speed.ts: the browser worker's API (src/worker/planner.api)
 * exposed with comlink over the thread's parent port, so the bench drives the real PlannerPool.
 */
import * as Comlink from 'comlink';
import { parentPort } from 'node:worker_threads';
import { plannerApi } from '../src/worker/planner.api.ts';
import { nodeEndpoint } from './node-endpoint.ts';

if (!parentPort) throw new Error('search-worker.ts must run in a worker thread');
Comlink.expose(plannerApi, nodeEndpoint(parentPort));
