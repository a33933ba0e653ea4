/** The console's languages (SPEC §5), the same three the API localizes its errors in. */
export const LOCALES = ['en-US', 'fr-FR', 'de-DE'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en-US';

/** The closest console language to a BCP 47 tag: `fr` or `fr-CA` → `fr-FR`; none for `es-ES`. */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.trim().toLowerCase().replace('_', '-');
  const exact = LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split('-')[0];
  return LOCALES.find((l) => l.slice(0, 2).toLowerCase() === language);
}

/**
 * The language to show: the one chosen in this browser's language menu, else the user's own setting, else
 * the first of the browser's languages the console speaks, else English.
 */
export function pickLocale(sources: {
  chosen?: string | null | undefined;
  user?: string | null | undefined;
  browser?: readonly string[] | undefined;
}): Locale {
  return (
    matchLocale(sources.chosen) ??
    matchLocale(sources.user) ??
    (sources.browser ?? []).map(matchLocale).find((l) => l !== undefined) ??
    DEFAULT_LOCALE
  );
}
