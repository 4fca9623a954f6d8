export * from './objects/mirrored-objects';
export * from './sync/sync-window';
export * from './completeness/completeness';
export * from './evidence/evidence-bundle';
export * from './search/request-search-text';
export * from './values/field-values';
