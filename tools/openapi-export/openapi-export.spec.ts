import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { exportedOpenApiPath, gatewayOpenApiJson } from './openapi-export';

const root = join(__dirname, '..', '..');

describe('APIM artefacts', () => {
  it('apim/openapi.json is current: regenerating it gives the committed bytes (run npm run openapi:export)', async () => {
    const committed = readFileSync(join(root, exportedOpenApiPath), 'utf8');
    expect(await gatewayOpenApiJson()).toBe(committed);
    const doc = JSON.parse(committed) as { openapi: string; paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/clients', '/v1/clients/{clientId}/reconciliations/{runId}/artifacts/{name}', '/mcp']));
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/admin'))).toBe(false);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['cloudflare-access', 'entra']);
  }, 60_000);

  it.each(readdirSync(join(root, 'apim', 'policies')).filter((f) => f.endsWith('.xml')))(
    '%s is well-formed and strips the internal identity header',
    (file) => {
      const xml = readFileSync(join(root, 'apim', 'policies', file), 'utf8');
      expect(XMLValidator.validate(xml)).toBe(true);
      const policies = new XMLParser({ ignoreAttributes: false }).parse(xml).policies;
      expect(Object.keys(policies)).toEqual(expect.arrayContaining(['inbound', 'backend', 'outbound', 'on-error']));
      expect(JSON.stringify(policies.inbound)).toContain('"@_name":"x-leaf-identity","@_exists-action":"delete"');
      expect(policies.inbound['validate-jwt']).toBeDefined();
    },
  );
});
