export * from './testing/reconciliation-report.fixture';
export * from './testing/pdf-text';
