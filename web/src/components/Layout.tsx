import { NavLink, Outlet } from 'react-router';
import { useLocale, useT } from '../i18n/I18n.tsx';
import { LOCALES, type Locale } from '../i18n/locale.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { useSession } from '../session.tsx';
import { TID } from '../testids.ts';

const LANGUAGE_NAME: Record<Locale, MessageKey> = {
  'en-US': 'language.en-US',
  'fr-FR': 'language.fr-FR',
  'de-DE': 'language.de-DE',
};

/** The language menu: each language named in itself would be kinder, but every label comes from the catalog. */
export function LanguagePicker() {
  const t = useT();
  const { locale, choose } = useLocale();
  return (
    <div className="language">
      <label htmlFor="language">{t('header.language')}</label>
      <select id="language" value={locale} onChange={(e) => choose(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(LANGUAGE_NAME[l])}
          </option>
        ))}
      </select>
    </div>
  );
}

export const ROLE_KEY: Record<string, MessageKey> = {
  GlobalAdmin: 'role.GlobalAdmin',
  AdminAgent: 'role.AdminAgent',
  SalesAgent: 'role.SalesAgent',
  HelpdeskAgent: 'role.HelpdeskAgent',
  BillingAdmin: 'role.BillingAdmin',
};

export const INSTANCE_KEY: Record<string, MessageKey> = {
  global: 'instance.global',
  usgov: 'instance.usgov',
  germany: 'instance.germany',
};

/** The frame of every signed-in page: who and where (partner, user, role, instance), the menu, the page. */
export function Layout() {
  const t = useT();
  const { me, signOut, can } = useSession();
  const role = ROLE_KEY[me.user.role];
  const instance = INSTANCE_KEY[me.instance.cloud];
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar" data-testid={TID.header}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
          <span className={`instance instance-${me.instance.cloud}`} data-testid={TID.headerInstance}>
            {t('header.instance', { name: instance ? t(instance) : me.instance.displayName })}
          </span>
        </div>
        <div className="who">
          <span className="partner" data-testid={TID.headerPartner}>
            {me.partner.name}
          </span>
          <span className="user">
            <span data-testid={TID.headerUser}>{me.user.displayName || me.user.userName}</span>
            <span className="role" data-testid={TID.headerRole}>
              {role ? t(role) : me.user.role}
            </span>
          </span>
          <LanguagePicker />
          <button type="button" className="button-quiet" onClick={() => void signOut()}>
            {t('header.signOut')}
          </button>
        </div>
      </header>
      <div className="shell">
        <nav className="sidebar" aria-label={t('nav.dashboardMenu')}>
          <p className="nav-title">{t('nav.dashboard')}</p>
          <ul>
            <li>
              <NavLink to="/" end>
                {t('nav.overview')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/customers">{t('nav.customers')}</NavLink>
            </li>
            {can('billing.view') && (
              <li>
                <NavLink to="/billing">{t('nav.billing')}</NavLink>
              </li>
            )}
            {can('billing.view') && (
              <li>
                <NavLink to="/pricing">{t('nav.pricing')}</NavLink>
              </li>
            )}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </>
  );
}
