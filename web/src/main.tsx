import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { DirectionProvider, MantineProvider, useDirection } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@fontsource-variable/noto-sans-arabic';
import './styles.css';
import i18n, { isRtl } from './i18n';
import { isApiError } from './api';
import { router } from './router';
import { theme } from './theme';

/** Any 401 on a query means the session is gone: go to login, and come back afterwards. */
function onUnauthenticated(error: unknown) {
  if (!isApiError(error) || error.status !== 401 || error.code === 'INVALID_CREDENTIALS') return;
  const here = router.state.location;
  if (here.pathname === '/login') return;
  // Cached data is dropped when the next login succeeds (LoginPage clears the cache).
  void router.navigate({ to: '/login', search: { redirect: here.href === '/' ? undefined : here.href } });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthenticated }),
  mutationCache: new MutationCache({ onError: onUnauthenticated }),
  defaultOptions: {
    queries: {
      retry: (count, error) => (isApiError(error) && error.status > 0 && error.status < 500 ? false : count < 2),
      refetchOnWindowFocus: false,
    },
  },
});

function DirectionSync() {
  const { i18n: instance } = useTranslation();
  const { setDirection } = useDirection();
  useEffect(() => {
    setDirection(isRtl(instance.language) ? 'rtl' : 'ltr');
  }, [instance.language, setDirection]);
  return null;
}

function App() {
  return (
    <DirectionProvider initialDirection={isRtl(i18n.language) ? 'rtl' : 'ltr'} detectDirection={false}>
      <MantineProvider theme={theme} defaultColorScheme="light">
        <DirectionSync />
        <Notifications position="top-center" />
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </MantineProvider>
    </DirectionProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
