import { Button, Stack, Text, Title } from '@mantine/core';
import { ButtonLink } from './links';
import { useTranslation } from 'react-i18next';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack align="flex-start" p="md">
      <Title order={2}>{t('notFound.title')}</Title>
      <Text>{t('notFound.body')}</Text>
      <ButtonLink to="/" variant="light">
        {t('notFound.home')}
      </ButtonLink>
    </Stack>
  );
}
