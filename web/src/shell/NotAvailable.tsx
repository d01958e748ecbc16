import { Alert, Stack, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { findModule } from './modules';
import { NotFoundPage } from './NotFoundPage';

/** The honest page for a module this version does not have yet. */
export function NotAvailable() {
  const { t } = useTranslation();
  const { module } = useParams({ strict: false }) as { module?: string };
  const m = module ? findModule(module) : undefined;
  if (!m) return <NotFoundPage />;
  return (
    <Stack maw={720}>
      <Title order={2}>{t(`modules.${m.key}`)}</Title>
      <Alert color="gray" title={t('notAvailable.title')} data-testid="module-not-available">
        {t('notAvailable.body', { module: t(`modules.${m.key}`) })}
      </Alert>
    </Stack>
  );
}
