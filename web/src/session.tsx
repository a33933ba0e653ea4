import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { api, ApiError, ok, setCsrfToken, type Me } from './api/client.ts';
import { useLocale } from './i18n/I18n.tsx';

export type Permission = Me['permissions'][number];

interface SessionState {
  me: Me;
  can: (permission: Permission) => boolean;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);
export const ME_KEY = ['me'] as const;

/** Who is signed in (GET /v1/me), or undefined when nobody is (401). */
async function fetchMe(): Promise<Me | null> {
  try {
    return await ok(api.GET('/v1/me'));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity, retry: false });
}

/** Signs in (POST /v1/sessions: an httpOnly cookie and the CSRF token) and keeps who signed in. */
export function useSignIn() {
  const client = useQueryClient();
  return useCallback(
    async (userName: string, password: string) => {
      const me = await ok(api.POST('/v1/sessions', { body: { userName, password } }));
      client.setQueryData(ME_KEY, me);
    },
    [client],
  );
}

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const client = useQueryClient();
  const { setUserLocale } = useLocale();
  setCsrfToken(me.csrfToken);
  useEffect(() => setUserLocale(me.user.locale), [me.user.locale, setUserLocale]);
  const state = useMemo<SessionState>(
    () => ({
      me,
      can: (p) => me.permissions.includes(p),
      signOut: async () => {
        await ok(api.DELETE('/v1/sessions/current')).catch(() => undefined);
        setCsrfToken(undefined);
        client.clear();
        client.setQueryData(ME_KEY, null);
      },
    }),
    [me, client],
  );
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
