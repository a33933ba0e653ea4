import type { Translations } from './index.ts';

/** Messages for billing refusals (R-BIL), in en-US, fr-FR and de-DE; placeholders are {name}. */
export const BILLING_MESSAGES = {
  'billing.invalidMonth': {
    'en-US': 'A month is written YYYY-MM, such as 2027-01 (got {value}, R-BIL-6).',
    'fr-FR': 'Un mois s’écrit AAAA-MM, par exemple 2027-01 (reçu {value}, R-BIL-6).',
    'de-DE': 'Ein Monat wird JJJJ-MM geschrieben, etwa 2027-01 ({value}, R-BIL-6).',
  },
  'billing.invalidRange': {
    'en-US': 'The range from {from} to {to} must run forward and hold at most {max} months.',
    'fr-FR': 'La période de {from} à {to} doit aller vers l’avant et compter au plus {max} mois.',
    'de-DE': 'Der Zeitraum von {from} bis {to} muss vorwärts laufen und höchstens {max} Monate umfassen.',
  },
  'billing.unknownFormat': {
    'en-US': 'format must be json or csv (got {value}).',
    'fr-FR': 'format doit valoir json ou csv (reçu {value}).',
    'de-DE': 'format muss json oder csv sein ({value}).',
  },
} satisfies Record<string, Translations>;
