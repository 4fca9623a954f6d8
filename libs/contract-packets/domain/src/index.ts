export * from './hash/quick-xor-hash';
export * from './extraction/extracted-document';
export * from './rate-table/candidate-term';
export * from './rate-table/rate-labels';
export * from './rate-table/guarantee-id';
export * from './rate-table/rate-table.parser';
export * from './validation/packet-validation';
export * from './validation/packet-status';
