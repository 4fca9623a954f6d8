export * from './azurite/azurite';
