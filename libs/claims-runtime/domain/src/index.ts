export * from './report/reconciliation-report';
export * from './reconcile/reconciliation-plan';
export * from './reconcile/bucket-aggregate';
export * from './reconcile/money-math';
export * from './reconcile/compute-reconciliation';
export * from './reconcile/engine-version';
export * from './replay/canonical-json';
export * from './runs/run-lifecycle';
