import type { BenchSuite } from '../bench-case';
import { claimsSuite } from './claims.suite';
import { domoSuite } from './domo.suite';
import { gatewaySuite } from './gateway.suite';
import { loadSuite } from './load.suite';
import { messagingSuite } from './messaging.suite';
import { packetsSuite } from './packets.suite';
import { retrievalSuite } from './retrieval.suite';
import { salesforceSuite } from './salesforce.suite';
import { startSuite } from './start.suite';
import { tasksSuite } from './tasks.suite';

/** Every suite `npm run bench -- <suite>` knows, by name. */
export const benchSuites: Readonly<Record<string, BenchSuite>> = {
  [claimsSuite.name]: claimsSuite,
  [domoSuite.name]: domoSuite,
  [gatewaySuite.name]: gatewaySuite,
  [loadSuite.name]: loadSuite,
  [messagingSuite.name]: messagingSuite,
  [packetsSuite.name]: packetsSuite,
  [retrievalSuite.name]: retrievalSuite,
  [salesforceSuite.name]: salesforceSuite,
  [startSuite.name]: startSuite,
  [tasksSuite.name]: tasksSuite,
};
