export * from './extraction/extraction.error';
export * from './extraction/extract-document';
