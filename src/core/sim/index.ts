/** Discrete-event serving simulator (see engine.ts for the model). */
export * from './engine.ts';
export * from './requests.ts';
export * from './stability.ts';
export * from './stats.ts';
export { PrefixCache } from './prefix.ts';
export { StepCoster, type DecodeCoef, type StepTimes } from './stepcost.ts';
