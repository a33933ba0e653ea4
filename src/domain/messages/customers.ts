import type { Translations } from './index.ts';

/** Messages for customers refusals, in en-US, fr-FR and de-DE; placeholders are {name}. */
export const CUSTOMER_MESSAGES = {} satisfies Record<string, Translations>;
