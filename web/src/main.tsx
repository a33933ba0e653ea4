import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError, onSessionEnded } from './api/client.ts';
import { App } from './App.tsx';
import { I18nProvider } from './i18n/I18n.tsx';
import { endSession } from './session.tsx';
import './styles.css';

const client: QueryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: false,
      retry: (count, e) => !(e instanceof ApiError && e.status < 500) && count < 2,
    },
  },
  // A session that ended (expired, signed out elsewhere) brings back the sign-in page.
  queryCache: new QueryCache({
    onError: (e) => {
      if (e instanceof ApiError && e.status === 401) endSession(client);
    },
  }),
});

// A change refused with 401 (the session expired while the page was open) also brings back the sign-in page.
onSessionEnded(() => endSession(client));

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <I18nProvider>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </I18nProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
