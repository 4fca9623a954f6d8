import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { queueCatalogue, subscriptionCatalogue } from '@leaf/contracts';
import { loadServiceConfig } from '@leaf/platform';
import { localStackServices } from './service-registry';

/** The `@EventPattern` patterns of a controller's methods. */
function patternsOf(controller: Type): string[] {
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto).flatMap((key) => {
    const patterns = Reflect.getMetadata(PATTERN_METADATA, proto[key] as object) as unknown[] | undefined;
    return (patterns ?? []).filter((p): p is string => typeof p === 'string');
  });
}

/**
 * A subscription nobody reads fills up on Azure until the topic refuses sends; a handler without
 * its subscription fails the service's start. Both sides must match, service by service.
 */
describe('declared subscriptions and their consumers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-subs-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const handled = new Map<string, string[]>();
  beforeAll(() => {
    for (const definition of localStackServices) {
      const config = loadServiceConfig(definition, { LEAF_DATA_DIR: dataDir, LEAF_DEV_ISSUER_DIR: join(dataDir, 'dev-issuer') });
      const root: DynamicModule = definition.rootModule(config);
      handled.set(
        definition.name,
        (root.controllers ?? []).flatMap((c) => patternsOf(c as Type)),
      );
    }
  });

  it('gives every declared subscription an @EventPattern handler in the service it names', () => {
    const missing = subscriptionCatalogue.filter((s) => !(handled.get(s.name) ?? []).includes(s.topic)).map((s) => `${s.name} on ${s.topic}`);
    expect(missing).toEqual([]);
  });

  it('declares a subscription (or the queue) for every handler', () => {
    const undeclared = [...handled].flatMap(([service, patterns]) =>
      patterns
        .filter((p) => !(p in queueCatalogue) && !subscriptionCatalogue.some((s) => s.name === service && s.topic === p))
        .map((p) => `${service} on ${p}`),
    );
    expect(undeclared).toEqual([]);
  });
});
