export * from './extraction/extraction.error';
export * from './extraction/extract-document';
export * from './source/packet-source.port';
export * from './source/packet-source.error';
export * from './source/graph-packet.source';
export * from './source/folder-packet.source';
export * from './source/client-folder';
