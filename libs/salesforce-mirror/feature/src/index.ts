export * from './salesforce-mirror.service';
export * from './config/salesforce-mirror.config';
// The sync pipeline without Nest, for the benchmark (tools/bench/suites/salesforce.suite.ts).
export * from './sync/mirror-sync';
export * from './publish/request-publisher';
export * from './lineage/lineage-refresher';
