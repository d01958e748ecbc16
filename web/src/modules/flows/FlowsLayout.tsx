import type { ReactNode } from 'react';
import { Anchor, Group, Stack, Tabs, Title } from '@mantine/core';
import { Outlet, useLocation, useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { can, useMe } from '../../shell/session';

type Tab = 'counts' | 'surveys' | 'alerts';

/** Flow monitoring: tabs for counts, surveys and alerts, and links to the dashboard and imports. */
export default function FlowsLayout() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/flows' });
  const navigate = useNavigate();
  const path = useLocation({ select: (l) => l.pathname });
  const me = useMe();
  const tab: Tab = /\/flows\/surveys/.test(path) ? 'surveys' : /\/flows\/alerts/.test(path) ? 'alerts' : 'counts';
  const go = (v: string | null) => {
    if (v === 'surveys') void navigate({ to: '/op/$op/flows/surveys', params: { op } });
    else if (v === 'alerts') void navigate({ to: '/op/$op/flows/alerts', params: { op } });
    else void navigate({ to: '/op/$op/flows', params: { op } });
  };
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={2}>{t('modules.flows')}</Title>
        <Group gap="md">
          <PathLink href={`/op/${op}/flows/dashboard`} testId="flows-dashboard-link">
            {t('flows.links.dashboard')}
          </PathLink>
          {can(me.data, 'flows.count.write', op) || can(me.data, 'flows.verify', op) ? (
            <PathLink href={`/op/${op}/imports`}>
              {t('flows.links.imports')}
            </PathLink>
          ) : null}
        </Group>
      </Group>
      <Tabs value={tab} onChange={go} keepMounted={false}>
        <Tabs.List grow>
          <Tabs.Tab value="counts" data-testid="tab-counts">
            {t('flows.tabs.counts')}
          </Tabs.Tab>
          <Tabs.Tab value="surveys" data-testid="tab-surveys">
            {t('flows.tabs.surveys')}
          </Tabs.Tab>
          <Tabs.Tab value="alerts" data-testid="tab-alerts">
            {t('flows.tabs.alerts')}
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}

/** A client-side link to a page another module owns (its route may be registered after this one). */
function PathLink({ href, children, testId }: { href: string; children: ReactNode; testId?: string }) {
  const navigate = useNavigate();
  return (
    <Anchor
      href={href}
      size="sm"
      data-testid={testId}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        void navigate({ to: href as never });
      }}
    >
      {children}
    </Anchor>
  );
}
