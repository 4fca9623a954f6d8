import 'reflect-metadata';
import { serviceNames } from '@leaf/contracts';

/**
 * `npm run service -- <name>`: one service alone, as its container runs it, straight from the
 * TypeScript sources (no build). Configuration comes from the environment, as in production.
 */
const name = process.argv[2];
if (!name || !(serviceNames as readonly string[]).includes(name)) {
  process.stderr.write(`usage: npm run service -- <${serviceNames.join('|')}>\n`);
  process.exit(2);
}
require(`../apps/${name}/src/main`);
