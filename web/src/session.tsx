import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { api, ok, setCsrfToken, type Me } from './api/client.ts';
import { useLocale } from './i18n/I18n.tsx';

export type Permission = Me['permissions'][number];

interface SessionState {
  me: Me;
  can: (permission: Permission) => boolean;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | undefined>(undefined);
export const ME_KEY = ['me'] as const;

/**
 * Who is signed in, or null: GET /v1/sessions/current answers 200 either way, so a page opened before
 * signing in logs no failed request.
 */
async function fetchMe(): Promise<Me | null> {
  const status = await ok(api.GET('/v1/sessions/current'));
  return status.signedIn ? status.me : null;
}

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity, retry: false });
}

// Whether the last session ended while the console was open (signed out, expired): the sign-in page says so.
let ended = false;
const endedListeners = new Set<() => void>();
const setEnded = (value: boolean) => {
  ended = value;
  for (const l of endedListeners) l();
};
export const useSessionEnded = (): boolean =>
  useSyncExternalStore(
    (l) => {
      endedListeners.add(l);
      return () => endedListeners.delete(l);
    },
    () => ended,
  );

/**
 * The session is over (signed out, or a call answered 401): the sign-in page replaces the console first, then
 * every partner datum is dropped from the cache, so nothing of it stays on screen or in memory.
 */
export function endSession(client: QueryClient): void {
  setCsrfToken(undefined);
  setEnded(true);
  client.setQueryData(ME_KEY, null);
  void client.cancelQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  client.getMutationCache().clear();
}

/** Signs in (POST /v1/sessions: an httpOnly cookie and the CSRF token) and keeps who signed in. */
export function useSignIn() {
  const client = useQueryClient();
  return useCallback(
    async (userName: string, password: string) => {
      const me = await ok(api.POST('/v1/sessions', { body: { userName, password } }));
      setEnded(false);
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
        endSession(client);
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
