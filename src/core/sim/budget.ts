/**
 * Wall-time budgets the callers of the simulator set (SimulateOptions.budget.maxWallMs): the app's
 * worker keeps the page responsive under a hostile link, the CLI bounds one `parakv evaluate`. Their
 * own module so the worker can read them without loading the simulator.
 */
export const WORKER_SIM_WALL_MS = 1000;
export const CLI_SIM_WALL_MS = 5000;
