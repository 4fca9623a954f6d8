import { serviceNames, type ServiceName } from '@leaf/contracts';
import type { PlatformConfig } from '@leaf/platform';
import { serviceUrlSetting } from '../gateway.config';

export const SERVICE_DIRECTORY = Symbol('leaf.gateway.service-directory');

/** Where each downstream service answers. Built once from the validated config. */
export class ServiceDirectory {
  constructor(private readonly urls: ReadonlyMap<ServiceName, string>) {}

  static fromConfig(config: PlatformConfig & Record<string, unknown>, selfUrl: string): ServiceDirectory {
    const urls = new Map<ServiceName, string>();
    for (const service of serviceNames) {
      urls.set(service, service === 'gateway' ? selfUrl : String(config[serviceUrlSetting(service)]).replace(/\/$/, ''));
    }
    return new ServiceDirectory(urls);
  }

  urlOf(service: ServiceName): string {
    const url = this.urls.get(service);
    if (!url) throw new Error(`no URL configured for ${service}`);
    return url;
  }

  all(): Array<{ service: ServiceName; url: string }> {
    return [...this.urls].map(([service, url]) => ({ service, url }));
  }
}
