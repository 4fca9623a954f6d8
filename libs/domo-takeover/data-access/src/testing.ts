export * from './testing/fake-domo.server';
