import type { Translations } from './index.ts';

/** Messages for orders refusals, in en-US, fr-FR and de-DE; placeholders are {name}. */
export const ORDER_MESSAGES = {} satisfies Record<string, Translations>;
