import type { Locale } from './locale.ts';

/**
 * One term per concept per language: the word the console uses, and the words it must not use for the same
 * thing (web/src/i18n/messages.test.ts checks every message against this list).
 */
export interface Term {
  concept: string;
  use: string;
  avoid: readonly string[];
  /** Compare with case (German's Add-On against Add-on); otherwise case is ignored. */
  exactCase?: boolean;
}

export const GLOSSARY: Record<Locale, readonly Term[]> = {
  'en-US': [
    { concept: 'licence', use: 'licence', avoid: ['license'] },
    { concept: 'suspended', use: 'suspended', avoid: ['paused', 'blocked'] },
    { concept: 'add-on', use: 'add-on', avoid: ['addon', 'add on'] },
  ],
  'fr-FR': [
    { concept: 'suspended', use: 'suspendu', avoid: ['bloqué', 'en pause'] },
    { concept: 'add-on', use: 'composant additionnel', avoid: ['module complémentaire', 'add-on'] },
    { concept: 'renews on', use: 'se renouvelle le', avoid: ['renouvelé le'] },
  ],
  'de-DE': [
    { concept: 'suspended', use: 'angehalten', avoid: ['gesperrt', 'Sperrung', 'ausgesetzt', 'pausiert'] },
    { concept: 'add-on', use: 'Add-On', avoid: ['Add-on', 'Add-ons'], exactCase: true },
    { concept: 'renews on', use: 'verlängert sich am', avoid: ['verlängert am'] },
  ],
};
