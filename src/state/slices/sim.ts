/**
 * The simulation slice: an on-demand simulation of the selected plan (with its per-request timeline,
 * for latency CDFs). A new simulation cancels the running one; a late result is dropped.
 */
import type { SimulatedEvaluation } from '../../core/evaluate/simulated.ts';
import type { Scenario } from '../../core/scenario/schema.ts';
import { scenarioKey } from '../keys.ts';
import { asSimulationRun, isCancelled, type SimulationRun } from '../search-backend.ts';
import type { AppSlice, SimState, StoreDeps } from '../types.ts';

/** The simulator on the main thread, loaded on first use, after a tick so the UI can show "Simulating…". */
async function simulateOnMainThread(s: Scenario): Promise<SimulatedEvaluation> {
  await new Promise((r) => setTimeout(r, 30));
  const m = await import('../../core/evaluate/simulated.ts');
  return m.evaluateSimulated(s, { timeline: true, budget: { maxWallMs: m.MAIN_THREAD_SIM_WALL_MS } });
}

const IDLE_SIM: SimState = { key: null, status: 'idle', result: null, error: null, startedAt: null, where: null };

export function createSimSlice(
  deps: Pick<StoreDeps, 'simulate' | 'now'>,
): AppSlice<'sim' | 'simulateSelected' | 'cancelSimulation'> {
  return (set, get) => {
    const now = deps.now ?? (() => Date.now());
    const simulate = deps.simulate ?? simulateOnMainThread;
    let simJob = 0;
    let simRun: SimulationRun | null = null;
    return {
      sim: IDLE_SIM,

      simulateSelected: () => {
        simRun?.cancel();
        simRun = null;
        const scenario = get().scenario;
        const key = scenarioKey(scenario);
        const id = ++simJob;
        const startedAt = now();
        let r: SimulationRun;
        try {
          r = asSimulationRun(simulate(scenario));
        } catch (e) {
          set({ sim: { ...IDLE_SIM, key, status: 'error', error: e instanceof Error ? e.message : String(e) } });
          return;
        }
        simRun = r;
        set({ sim: { key, status: 'running', result: null, error: null, startedAt, where: r.where ?? null } });
        r.promise.then(
          (result) => {
            if (id !== simJob) return;
            simRun = null;
            set({ sim: { key, status: 'done', result, error: null, startedAt: null, where: r.where ?? null } });
          },
          (e: unknown) => {
            if (id !== simJob) return;
            simRun = null;
            if (isCancelled(e)) set({ sim: IDLE_SIM });
            else
              set({
                sim: {
                  key,
                  status: 'error',
                  result: null,
                  error: e instanceof Error ? e.message : String(e),
                  startedAt: null,
                  where: r.where ?? null,
                },
              });
          },
        );
      },
      cancelSimulation: () => {
        if (get().sim.status !== 'running') return;
        simJob++;
        simRun?.cancel();
        simRun = null;
        set({ sim: IDLE_SIM });
      },
    };
  };
}
