// Public entry of @exitbot/sdk. Each feature folder owns its export list in its own index.ts.

export * from './analysis/index.ts';
export * from './cache/index.ts';
export * from './client/index.ts';
export * from './errors/index.ts';
export * from './guide/index.ts';
export * from './interview/index.ts';
export * from './model/index.ts';
export * from './privacy/index.ts';
export * from './protocol/index.ts';
