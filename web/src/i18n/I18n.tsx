import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { IntlProvider, useIntl } from 'react-intl';
import { setApiLocale } from '../api/client.ts';
import { countryName, formatDate, formatDateTime, formatMoney, formatMonth, formatNumber } from './format.ts';
import { pickLocale, type Locale } from './locale.ts';
import { MESSAGES, type MessageKey } from './messages.ts';

const CHOSEN_KEY = 'seatwise.locale';

interface LocaleState {
  locale: Locale;
  /** Sets the language from the menu (kept in this browser) or from the signed-in user's setting. */
  choose: (locale: Locale) => void;
  setUserLocale: (locale: string | null) => void;
}

const LocaleContext = createContext<LocaleState | undefined>(undefined);

const readChosen = (): string | null => {
  try {
    return localStorage.getItem(CHOSEN_KEY);
  } catch {
    return null;
  }
};

/** Picks the language (menu choice, user setting, browser: locale.ts) and provides messages and formats. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [chosen, setChosen] = useState<string | null>(readChosen);
  const [user, setUserLocale] = useState<string | null>(null);
  const locale = pickLocale({ chosen, user, browser: navigator.languages });
  setApiLocale(locale);
  const choose = useCallback((l: Locale) => {
    try {
      localStorage.setItem(CHOSEN_KEY, l);
    } catch {
      // private mode: the choice lasts as long as the page
    }
    setChosen(l);
  }, []);
  const state = useMemo(() => ({ locale, choose, setUserLocale }), [locale, choose]);
  // The catalog's names and descriptions come from the server in the language asked for: ask again.
  const client = useQueryClient();
  const asked = useRef(locale);
  useEffect(() => {
    if (asked.current === locale) return;
    asked.current = locale;
    void client.invalidateQueries({
      predicate: (q) => q.queryKey.some((k) => k === 'catalog' || k === 'addoncatalog'),
    });
  }, [client, locale]);
  if (document.documentElement.lang !== locale) document.documentElement.lang = locale;
  return (
    <LocaleContext.Provider value={state}>
      <IntlProvider locale={locale} messages={MESSAGES[locale]} defaultLocale="en-US">
        {children}
      </IntlProvider>
    </LocaleContext.Provider>
  );
}

export function useLocale(): LocaleState {
  const state = useContext(LocaleContext);
  if (!state) throw new Error('useLocale outside I18nProvider');
  return state;
}

export type MessageValues = Record<string, string | number>;

/** `t('key', values)`: a console message in the current language (ICU syntax, plurals included). */
export function useT(): (key: MessageKey, values?: MessageValues) => string {
  const intl = useIntl();
  return useCallback((key, values) => intl.formatMessage({ id: key }, values), [intl]);
}

/** Numbers, money (minor units), dates and country names in the current language. */
export function useFormat() {
  const { locale } = useLocale();
  return useMemo(
    () => ({
      locale,
      money: (minor: number, currency: string) => formatMoney(locale, minor, currency),
      date: (iso: string | Date) => formatDate(locale, iso),
      dateTime: (iso: string | Date) => formatDateTime(locale, iso),
      number: (n: number) => formatNumber(locale, n),
      month: (month: string) => formatMonth(locale, month),
      country: (code: string) => countryName(locale, code),
    }),
    [locale],
  );
}
