import { writeFileSync } from 'node:fs';
import { exportedOpenApiPath, gatewayOpenApiJson } from './openapi-export';

gatewayOpenApiJson().then(
  (json) => {
    writeFileSync(exportedOpenApiPath, json);
    process.stdout.write(`wrote ${exportedOpenApiPath} (${json.length} bytes)\n`);
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
