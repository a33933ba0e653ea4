/** The three isolated cloud instances (SPEC §6). One deployment serves exactly one. */
export const CLOUDS = ['global', 'usgov', 'germany'] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface CloudPolicy {
  cloud: Cloud;
  displayName: string;
  /** Currencies customers of this instance are billed in; `undefined` means per country. */
  currency: 'USD' | 'EUR' | undefined;
  /** Customer user and licence management: `full`, `readOnly` or `absent` (SPEC §6). */
  customerUserManagement: 'full' | 'readOnly' | 'absent';
  /** Whether new customers are accepted without an operator opening the instance. */
  newCustomersOpenByDefault: boolean;
}

export const CLOUD_POLICIES: Record<Cloud, CloudPolicy> = {
  global: {
    cloud: 'global',
    displayName: 'Global',
    currency: undefined,
    customerUserManagement: 'full',
    newCustomersOpenByDefault: true,
  },
  usgov: {
    cloud: 'usgov',
    displayName: 'US Government',
    currency: 'USD',
    customerUserManagement: 'absent',
    newCustomersOpenByDefault: true,
  },
  germany: {
    cloud: 'germany',
    displayName: 'Germany',
    currency: 'EUR',
    customerUserManagement: 'readOnly',
    newCustomersOpenByDefault: false,
  },
};

export const isCloud = (v: string): v is Cloud => (CLOUDS as readonly string[]).includes(v);
