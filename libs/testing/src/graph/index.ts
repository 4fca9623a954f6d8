export * from './fake-graph.server';
export * from './fake-graph.types';
export * from './test-tls';
