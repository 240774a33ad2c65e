/**
 * Wall-time budgets the callers of the simulator set (SimulateOptions.budget.maxWallMs). Their own
 * module so the worker can read them without loading the simulator.
 * - In a Web Worker the page stays responsive whatever the simulator does, and the user can Cancel:
 *   the cap only bounds the work a hostile link can cause (a 20,000-request run takes 1–3 s on a
 *   loaded 2-core machine, so a 1 s cap made ordinary runs partial).
 * - On the main thread (no worker support) a run blocks the tab: 1 s.
 * - The CLI bounds one `parakv evaluate`: 5 s.
 * A run that reaches its budget returns partial statistics marked `simulation.partial`.
 */
export const WORKER_SIM_WALL_MS = 10_000;
export const MAIN_THREAD_SIM_WALL_MS = 1000;
export const CLI_SIM_WALL_MS = 5000;
