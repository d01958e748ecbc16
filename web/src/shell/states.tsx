import type { ReactNode } from 'react';
import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api';
import { issueText } from '../i18n/issues';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label ?? t('common.loading')}</Text>
      </Group>
    </Center>
  );
}

/** The user-facing sentence for any error, translated where we know the code. */
export function useErrorMessage() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (!isApiError(error)) return t('errors.unexpected');
    switch (error.code) {
      case 'NETWORK':
        return t('errors.network');
      case 'NOT_FOUND':
        return t('errors.notFound');
      case 'FORBIDDEN':
        return t('errors.forbidden');
      case 'UNAUTHENTICATED':
        return t('errors.unauthenticated');
      case 'CSRF_FAILED':
        return t('errors.csrf');
      case 'RATE_LIMITED':
        return error.retryAfter ? t('errors.rateLimitedWait', { seconds: error.retryAfter }) : t('errors.rateLimited');
      case 'VALIDATION_FAILED': {
        // Problems not shown beside a field (the file, the mapping, a query) still need saying.
        const details = [...new Set(error.fields.map(issueText))];
        return details.length ? [t('errors.validation'), ...details.slice(0, 5), ...(details.length > 5 ? ['…'] : [])].join(' ') : t('errors.validation');
      }
      case 'CONFLICT':
        return error.text() || t('errors.conflict');
      case 'INTERNAL':
        return t('errors.internal');
      default:
        return error.text() || t('errors.unexpected');
    }
  };
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = useErrorMessage();
  const requestId = isApiError(error) ? error.requestId : undefined;
  return (
    <Alert color="red" title={t('errors.title')} role="alert" my="sm">
      <Stack gap="xs">
        <Text size="sm">{message(error)}</Text>
        {requestId && (
          <Text size="xs" c="dimmed">
            {t('errors.requestId')}: <code>{requestId}</code>
          </Text>
        )}
        {onRetry && !(isApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429) && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              {t('common.retry')}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" ta="center" py="lg">
      {children}
    </Text>
  );
}
