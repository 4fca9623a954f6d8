import { buildOpenApiDocument } from '@leaf/gateway/feature';
import { withGatewayPreview } from './openapi-export';
import { lintOpenApi, routesReadingBody, type OpenApiDocument } from './openapi-lint';

const problem = { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

describe('OpenAPI lint', () => {
  let document: OpenApiDocument;
  let bodyRoutes: string[];

  beforeAll(async () => {
    [document, bodyRoutes] = await withGatewayPreview((app) => [buildOpenApiDocument(app) as unknown as OpenApiDocument, routesReadingBody(app)] as const);
  }, 60_000);

  it("finds the gateway handlers that read a body from Nest's route metadata", () => {
    // Admin routes read bodies too; they are left out of the document on purpose, so the lint only asks of documented operations.
    expect(bodyRoutes).toEqual(
      expect.arrayContaining(['POST /v1/clients/{clientId}/reconciliations', 'POST /v1/packets/sync', 'POST /v1/packets/{packetId}/reject', 'POST /v1/tasks']),
    );
  });

  it('the gateway document passes: names, summaries, path parameters, bodies, problem responses and valid examples', () => {
    expect(lintOpenApi(document, bodyRoutes)).toEqual([]);
    // The statuses the routes really answer, and the seeded ids in the examples.
    expect(Object.keys(document.paths['/v1/packets/sync'].post.responses ?? {})).toContain('202');
    expect(Object.keys(document.paths['/v1/clients/{clientId}/reconciliations'].post.responses ?? {})).toContain('202');
    expect(Object.keys(document.paths['/v1/tasks'].post.responses ?? {})).toContain('201');
    expect(document.paths['/v1/clients/{clientId}/reconciliations'].post.requestBody).toMatchObject({
      content: { 'application/json': { example: { periodId: 'northfield-tech-py2025' } } },
    });
    expect(document.paths['/v1/tasks'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]));
    expect(document.paths['/v1/clients/{clientId}/reconciliations/{runId}/artifacts/{name}'].get.responses?.['403']).toBeDefined();
  });

  it('reports each kind of gap in a document that has them', () => {
    const broken: OpenApiDocument = {
      paths: {
        '/v1/things/{thingId}': {
          get: { responses: { '200': {}, '404': {} } },
          post: {
            operationId: 'makeThing',
            summary: 'Make a thing',
            parameters: [
              { name: 'thingId', in: 'path', required: true, schema: { type: 'string', pattern: '^t-[0-9]+$' }, example: 'nope' },
              { name: 'otherId', in: 'path', required: true, schema: { type: 'string' } },
            ],
            responses: { '201': {}, '400': problem },
          },
        },
        '/v1/others': { get: { operationId: 'makeThing', summary: 'Other', responses: { '200': {}, '401': problem } } },
      },
    };
    expect(lintOpenApi(broken, ['POST /v1/things/{thingId}'])).toEqual([
      'GET /v1/things/{thingId}: no operationId',
      'GET /v1/things/{thingId}: no summary',
      'GET /v1/things/{thingId}: path parameter thingId is not declared',
      'GET /v1/things/{thingId}: no 4xx application/problem+json response',
      'POST /v1/things/{thingId}: declares path parameter otherId the path does not have',
      'POST /v1/things/{thingId}: the handler reads a body but the operation has no requestBody',
      expect.stringMatching(/^POST \/v1\/things\/\{thingId\} parameter thingId: the example does not validate against its schema/),
      'GET /v1/others: operationId makeThing is used twice',
    ]);
  });

  it('checks request body examples against their schema too', () => {
    const body = (example: unknown): OpenApiDocument => ({
      paths: {
        '/v1/runs': {
          post: {
            operationId: 'startRun',
            summary: 'Start a run',
            requestBody: {
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { periodId: { type: 'string', minLength: 1 } }, required: ['periodId'], additionalProperties: false },
                  example,
                },
              },
            },
            responses: { '202': {}, '400': problem },
          },
        },
      },
    });
    expect(lintOpenApi(body({ periodId: 'northfield-tech-py2025' }), ['POST /v1/runs'])).toEqual([]);
    expect(lintOpenApi(body({ period: 'northfield-tech-py2025' }), ['POST /v1/runs'])).toEqual([
      expect.stringContaining('POST /v1/runs requestBody application/json: the example does not validate'),
    ]);
  });
});
