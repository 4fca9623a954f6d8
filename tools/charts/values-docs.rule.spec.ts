import { undocumentedValues } from './values-docs.rule';

describe('values documentation rule', () => {
  it('lists every leaf without a ## @param line on itself or a parent', () => {
    const values = [
      '## @param image.repository Where the image lives.',
      'image:',
      '  repository: leaf/app',
      '  tag: "1"',
      '## @param config Environment for the ConfigMap.',
      'config:',
      '  LOG_LEVEL: info',
      'keyVault:',
      '  ## @param keyVault.secrets[].objectName Secret name.',
      '  secrets:',
      '    - objectName: db',
      '      env: DB',
      '## @param tolerations',
      'tolerations: []',
    ].join('\n');
    expect(undocumentedValues(values)).toEqual(['image.tag', 'keyVault.secrets[].env', 'tolerations']);
  });
});
