// The Domo stand-in is public API (the local stack serves its synthetic Domo with it); specs keep importing it from here.
export * from './fake-domo/fake-domo.server';
export * from './publication/recording-curated.publication';
