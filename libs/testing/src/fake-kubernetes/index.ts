export * from './fake-kubernetes';
export * from './kubernetes-objects';
