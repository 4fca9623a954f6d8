import { loadServiceConfig } from '@leaf/platform';
import { claimsRuntimeService } from './claims-runtime.service';

describe('claims-runtime config', () => {
  it('gives run leases sane defaults: 30 s leases renewed every 5 s, swept every 15 s', () => {
    expect(loadServiceConfig(claimsRuntimeService, {})).toMatchObject({
      LEAF_RECONCILIATION_LEASE_MS: 30_000,
      LEAF_RECONCILIATION_RENEW_MS: 5_000,
      LEAF_RECONCILIATION_SWEEP_MS: 15_000,
    });
  });

  it('refuses a renewal interval that would let a live run’s lease lapse, naming the setting', () => {
    expect(() =>
      loadServiceConfig(claimsRuntimeService, {
        LEAF_RECONCILIATION_LEASE_MS: '3000',
        LEAF_RECONCILIATION_RENEW_MS: '1500',
      }),
    ).toThrow(/LEAF_RECONCILIATION_RENEW_MS: must be at most a third of the lease/);
    expect(() =>
      loadServiceConfig(claimsRuntimeService, {
        LEAF_RECONCILIATION_LEASE_MS: 'long',
      }),
    ).toThrow(/LEAF_RECONCILIATION_LEASE_MS: LEAF_RECONCILIATION_LEASE_MS must be a number/);
    expect(() =>
      loadServiceConfig(claimsRuntimeService, {
        LEAF_RECONCILIATION_SWEEP_MS: '0',
      }),
    ).toThrow(/LEAF_RECONCILIATION_SWEEP_MS/);
  });
});
