import type { SearchIndex as AzureIndexDefinition } from '@azure/search-documents';
import type { SearchModule } from '@leaf/contracts';

/** One Azure AI Search index per module: `<prefix>-<module>`. */
export const azureIndexName = (prefix: string, module: SearchModule) => `${prefix}-${module}`;

export const vectorProfileName = 'leaf-hnsw-cosine';
export const semanticConfigurationName = 'leaf-semantic';

/**
 * A chunk as stored in Azure AI Search. `id` is the key (Azure allows letters, digits, `_`, `-`,
 * `=`): the document id's hash and the chunk's sequence. The scope fields are filterable so
 * every query branch carries `search.in(clientId, …)`, the module and the role floor.
 */
export interface AzureChunkDocument {
  id: string;
  documentId: string;
  clientId: string;
  module: string;
  minRole: number;
  source: string;
  objectId: string;
  sha256: string;
  title: string;
  locator: string;
  text: string;
  embedding?: number[];
}

/** The index definition, as code: fields, HNSW vector profile (cosine), semantic configuration. */
export function azureIndexDefinition(name: string, dimensions: number): AzureIndexDefinition {
  return {
    name,
    fields: [
      { name: 'id', type: 'Edm.String', key: true, filterable: true },
      { name: 'documentId', type: 'Edm.String', filterable: true },
      { name: 'clientId', type: 'Edm.String', filterable: true, facetable: true },
      { name: 'module', type: 'Edm.String', filterable: true },
      { name: 'minRole', type: 'Edm.Int32', filterable: true },
      { name: 'source', type: 'Edm.String', filterable: true },
      { name: 'objectId', type: 'Edm.String', filterable: true },
      { name: 'sha256', type: 'Edm.String' },
      { name: 'title', type: 'Edm.String', searchable: true, analyzerName: 'en.lucene' },
      { name: 'locator', type: 'Edm.String' },
      { name: 'text', type: 'Edm.String', searchable: true, analyzerName: 'en.lucene' },
      {
        name: 'embedding',
        type: 'Collection(Edm.Single)',
        searchable: true,
        hidden: true,
        vectorSearchDimensions: dimensions,
        vectorSearchProfileName: vectorProfileName,
      },
    ],
    vectorSearch: {
      algorithms: [{ name: 'leaf-hnsw', kind: 'hnsw', parameters: { metric: 'cosine', m: 16, efConstruction: 200, efSearch: 100 } }],
      profiles: [{ name: vectorProfileName, algorithmConfigurationName: 'leaf-hnsw' }],
    },
    semanticSearch: {
      defaultConfigurationName: semanticConfigurationName,
      configurations: [{ name: semanticConfigurationName, prioritizedFields: { titleField: { name: 'title' }, contentFields: [{ name: 'text' }] } }],
    },
  };
}
