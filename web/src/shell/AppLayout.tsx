import { Suspense, useEffect } from 'react';
import { AppShell, Burger, Group, Text, Title, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api';
import { isLanguage, setLanguage, storedLanguage } from '../i18n';
import { useOperations } from '../modules/places/api';
import { LanguageMenu } from './LanguageMenu';
import { Navigation } from './Navigation';
import { OperationSwitcher } from './OperationSwitcher';
import { UserMenu } from './UserMenu';
import { useMe } from './session';
import { ErrorState, Loading } from './states';

export function AppLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const operations = useOperations(me.isSuccess);
  const [opened, { toggle, close }] = useDisclosure();
  const params = useParams({ strict: false }) as { op?: string };

  // Until the user picks a language on this device, use the one in their profile.
  const profileLanguage = me.data?.user.language;
  useEffect(() => {
    if (!storedLanguage() && isLanguage(profileLanguage)) void setLanguage(profileLanguage, false);
  }, [profileLanguage]);

  if (me.isPending) return <Loading />;
  if (me.isError) {
    // The query cache's 401 handler (main.tsx) is already taking the user to the login page.
    if (isApiError(me.error) && me.error.status === 401) return <Loading />;
    return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  }

  const op = params.op ?? operations.data?.[0]?.id ?? '';

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'xs', sm: 'md' }}
    >
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t('shell.toggleNavigation')} />
            <UnstyledButton component={Link} to="/" aria-label={t('app.name')}>
              <Title order={1} size="h3" c="teal.8" style={{ whiteSpace: 'nowrap' }}>
                {t('app.name')}
              </Title>
            </UnstyledButton>
            {operations.data && operations.data.length > 0 && op && (
              <OperationSwitcher operations={operations.data} current={op} />
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <LanguageMenu />
            <UserMenu me={me.data} op={op} />
          </Group>
        </Group>
      </AppShell.Header>
      {op ? (
        <AppShell.Navbar p="xs">
          <Navigation me={me.data} op={op} onNavigate={close} />
          <Text size="xs" c="dimmed" p="xs">
            {t('app.tagline')}
          </Text>
        </AppShell.Navbar>
      ) : null}
      <AppShell.Main>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
