export * from './fake-azure-search.server';
