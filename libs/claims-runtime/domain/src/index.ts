export * from './report/reconciliation-report';
