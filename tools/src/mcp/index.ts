export * from './naming';
export * from './pinning';
export * from './safety';
export * from './connections';
export * from './validate';
export * from './provider';
