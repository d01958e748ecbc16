import { Stack, Tabs, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';

type Tab = 'runs' | 'queue' | 'merges';

/** Deduplication: runs, the review queue and the merge history under one set of tabs. */
export default function DedupLayout() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/dedup' });
  const navigate = useNavigate();
  const path = useLocation({ select: (l) => l.pathname });
  const tab: Tab = /\/dedup\/(queue|pairs)/.test(path) ? 'queue' : /\/dedup\/merges/.test(path) ? 'merges' : 'runs';
  const go = (v: string | null) => {
    if (v === 'queue') void navigate({ to: '/op/$op/dedup/queue', params: { op }, search: {} });
    else if (v === 'merges') void navigate({ to: '/op/$op/dedup/merges', params: { op } });
    else void navigate({ to: '/op/$op/dedup', params: { op } });
  };
  return (
    <Stack gap="sm">
      <Title order={2}>{t('dedup.title')}</Title>
      <Tabs value={tab} onChange={go} keepMounted={false}>
        <Tabs.List grow>
          <Tabs.Tab value="runs" data-testid="tab-runs">
            {t('dedup.tabs.runs')}
          </Tabs.Tab>
          <Tabs.Tab value="queue" data-testid="tab-queue">
            {t('dedup.tabs.queue')}
          </Tabs.Tab>
          <Tabs.Tab value="merges" data-testid="tab-merges">
            {t('dedup.tabs.merges')}
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}
