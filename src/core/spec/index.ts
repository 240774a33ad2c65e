export * from './types.ts';
export * from './acceptance.ts';
export * from './defaults.ts';
export * from './draft.ts';
