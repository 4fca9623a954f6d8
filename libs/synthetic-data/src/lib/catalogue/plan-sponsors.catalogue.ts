import type { Client } from '@leaf/contracts';

/**
 * Fictional but realistic plan sponsors. Names are invented on purpose: synthetic contracts must
 * never read as the terms of a real employer, union or plan. Some names carry commas and
 * ampersands so every CSV path meets quoting on the default seed.
 */
export interface PlanSponsor {
  readonly clientId: string;
  readonly name: string;
  readonly segment: Client['segment'];
}

export const planSponsors: readonly PlanSponsor[] = [
  { clientId: 'cascade-logistics', name: 'Cascade Logistics Group', segment: 'employer' },
  { clientId: 'harbor-point-mfg', name: 'Harbor Point Manufacturing Co.', segment: 'employer' },
  { clientId: 'northfield-tech', name: 'Northfield Technologies, Inc.', segment: 'employer' },
  { clientId: 'bluewater-retail', name: 'Bluewater Retail Holdings', segment: 'employer' },
  { clientId: 'summit-health-system', name: 'Summit Regional Health System (employee plan)', segment: 'employer' },
  { clientId: 'great-lakes-carpenters', name: 'Great Lakes Carpenters Health & Welfare Trust', segment: 'union' },
  { clientId: 'uew-local-1142', name: 'United Electrical Workers Local 1142 Benefit Fund', segment: 'union' },
  { clientId: 'oe-local-88', name: 'Operating Engineers Health Fund, Local 88', segment: 'union' },
  { clientId: 'franklin-state-employees', name: 'State of Franklin Employee Benefits Division', segment: 'public-sector' },
  { clientId: 'city-of-riverton', name: 'City of Riverton', segment: 'public-sector' },
  { clientId: 'lakeshore-schools', name: 'Lakeshore County School District', segment: 'public-sector' },
  { clientId: 'mid-valley-transit', name: 'Mid-Valley Transit Authority', segment: 'public-sector' },
  { clientId: 'prairie-health-plan', name: 'Prairie Health Plan', segment: 'health-plan' },
  { clientId: 'keystone-community', name: 'Keystone Community Health Plan', segment: 'health-plan' },
  { clientId: 'pinecrest-medicaid', name: 'Pinecrest Medicaid Managed Care', segment: 'health-plan' },
];

/** Member counts by segment: state plans and health plans are an order of magnitude larger. */
export const memberCountRange: Readonly<Record<Client['segment'], readonly [number, number]>> = {
  employer: [2_500, 40_000],
  union: [4_000, 25_000],
  'public-sector': [15_000, 90_000],
  'health-plan': [40_000, 180_000],
};

/** Fictional PBM names, for the same reason as the sponsors. */
export const pbmNames: readonly string[] = ['Meridian Rx', 'Northstar Pharmacy Benefits', 'Clearpath PBM', 'Atlas Script Services', 'Beacon Rx Solutions'];
