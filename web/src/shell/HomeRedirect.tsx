import { Navigate } from '@tanstack/react-router';
import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useOperations } from '../modules/places/api';
import { ErrorState, Loading } from './states';

/** "/" goes to the operation used last on this device, or the first one the user works in. */
export function HomeRedirect() {
  const { t } = useTranslation();
  const ops = useOperations();
  if (ops.isPending) return <Loading />;
  if (ops.isError) return <ErrorState error={ops.error} onRetry={() => void ops.refetch()} />;
  if (ops.data.length === 0) return <Alert title={t('home.noOperationsTitle')}>{t('home.noOperations')}</Alert>;
  let last: string | null = null;
  try {
    last = localStorage.getItem('hamrah.operation');
  } catch {
    /* ignore */
  }
  const op = ops.data.find((o) => o.id === last)?.id ?? ops.data[0]!.id;
  return <Navigate to="/op/$op" params={{ op }} replace />;
}
