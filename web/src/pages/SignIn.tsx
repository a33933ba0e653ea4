import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../components/common.tsx';
import { LanguagePicker } from '../components/Layout.tsx';
import { useT } from '../i18n/I18n.tsx';
import { TID } from '../testids.ts';
import { useSessionEnded, useSignIn } from '../session.tsx';

/** Sign-in for partner users (POST /v1/sessions); the page they asked for opens once they are in. */
export function SignIn() {
  const t = useT();
  const signIn = useSignIn();
  const ended = useSessionEnded();
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(userName, password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <div className="signin-card">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <h1>{t('signIn.title')}</h1>
        <p className="muted">{t('signIn.lead')}</p>
        {ended && !error && (
          <p className="alert alert-info" role="status" data-testid={TID.sessionEnded}>
            {t('signIn.sessionEnded')}
          </p>
        )}
        <ErrorAlert error={error} />
        <form onSubmit={(e) => void submit(e)}>
          <div className="field">
            <label htmlFor="userName">{t('signIn.userName')}</label>
            <input
              id="userName"
              name="username"
              autoComplete="username"
              required
              value={userName}
              onChange={(e) => setUserName(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t('signIn.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="button-primary button-wide" disabled={busy}>
            {busy ? t('signIn.busy') : t('signIn.submit')}
          </button>
        </form>
        <LanguagePicker />
      </div>
    </main>
  );
}
