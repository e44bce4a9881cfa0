export * from './errors';
export * from './ids';
export * from './routing';
export * from './subgraphs';
export * from './paths';
export * from './signed';
export * from './events';
