export * from './testing/reconciliation-report.fixture';
