import { Alert, List, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Page } from '../../api';
import { can, useMe } from '../../shell/session';
import { AnchorLink } from '../../shell/links';
import type { AlertView } from './api';
import { useAlertSentence } from './shared';

/**
 * The open (not yet acknowledged) surge alerts of an operation, for the top of a page such as the
 * flows dashboard. Shows nothing to users without flows.read there, or when nothing is open.
 */
export default function AlertsBanner({ operation }: { operation: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const allowed = can(me.data, 'flows.read', operation);
  const sentence = useAlertSentence();
  const open = useQuery({
    queryKey: ['flows', 'alerts', 'banner', operation],
    enabled: allowed,
    queryFn: ({ signal }) => api.get<Page<AlertView>>('/flows/alerts', { operation, status: 'open', limit: 3 }, signal),
    refetchInterval: 5 * 60_000,
  });
  if (!allowed || !open.data || open.data.total === 0) return null;
  return (
    <Alert color="orange" variant="light" title={t('flows.alerts.bannerTitle', { count: open.data.total })} data-testid="flows-alerts-banner" role="status">
      <List size="sm" spacing={2}>
        {open.data.items.map((a) => (
          <List.Item key={a.id}>{sentence(a)}</List.Item>
        ))}
      </List>
      <Text size="sm" mt="xs">
        <AnchorLink to="/op/$op/flows/alerts" params={{ op: operation }} search={{ status: 'open' }}>
          {t('flows.alerts.seeAll')}
        </AnchorLink>
      </Text>
    </Alert>
  );
}
