import type { MessageKey } from '../i18n/messages.ts';

/** Catalog keys for the API's enumerations, so that no component shows a raw value. */
export const SEGMENT_KEY: Record<string, MessageKey> = {
  commercial: 'segment.commercial',
  education: 'segment.education',
  government: 'segment.government',
  nonprofit: 'segment.nonprofit',
};

export const CYCLE_KEY: Record<string, MessageKey> = {
  monthly: 'cycle.monthly',
  annual: 'cycle.annual',
  none: 'cycle.trial',
  trial: 'cycle.trial',
};

export const REASON_KEY: Record<string, MessageKey> = {
  customerRequest: 'reason.customerRequest',
  nonPayment: 'reason.nonPayment',
  fraud: 'reason.fraud',
  other: 'reason.other',
  unspecified: 'reason.unspecified',
};

export const QUALIFICATION_KEY: Record<string, MessageKey> = {
  Education: 'qualification.Education',
  GovernmentCommunityCloud: 'qualification.GovernmentCommunityCloud',
  StateOwnedEntity: 'qualification.StateOwnedEntity',
};
