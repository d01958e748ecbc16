import { useMemo } from 'react';
import { Badge, Button, Group, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { Page } from '../../api';
import { can, useMe, type Me } from '../../shell/session';
import { useSites, type Site } from '../places/api';
import type { AlertView } from './api';
import { useFormat } from '../../lib/format';

/**
 * The operation's flow monitoring points that the user reaches with `permission`: the server
 * decides (an unreachable site answers 404); this keeps the pickers to the sites that will work.
 * A grant limited to an area reaches the sites inside it (P-code prefix).
 */
export function reachableSites(me: Me | undefined, op: string, permission: string, sites: Site[]): Site[] {
  if (!can(me, permission, op)) return [];
  const grants = (me?.grants ?? []).filter((g) => g.operationId === op);
  const everywhere = grants.some((g) => g.areaPcode === null);
  return sites.filter((s) => s.flowMonitoring && (everywhere || grants.some((g) => g.areaPcode && s.areaPcode?.startsWith(g.areaPcode))));
}

export function useFlowSites(op: string, permission: string) {
  const me = useMe();
  const sites = useSites(op);
  const list = useMemo(() => reachableSites(me.data, op, permission, sites.data?.items ?? []), [me.data, op, permission, sites.data]);
  return { sites: list, isPending: me.isPending || sites.isPending, error: me.error ?? sites.error };
}

export function siteLabel(s: Pick<Site, 'name' | 'nameLocal' | 'code'>, lang: string): string {
  return lang !== 'en' && s.nameLocal ? s.nameLocal : s.name;
}

export const directionLabel = (t: TFunction, d: string) => t(d === 'in' ? 'flows.direction.in' : 'flows.direction.out');

export function statusColor(status: string): string {
  return status === 'published' ? 'green' : status === 'verified' ? 'teal' : status === 'submitted' ? 'blue' : 'gray';
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor(status)} variant="light" data-testid="count-status" style={{ flexShrink: 0, overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }}>
      {t(`flows.status.${status}`)}
    </Badge>
  );
}

/** One sentence saying what an alert saw: the flow, the window and the level it went above. */
export function useAlertSentence() {
  const { t } = useTranslation();
  const f = useFormat();
  return (a: AlertView) => {
    const vars = {
      site: a.siteName,
      direction: directionLabel(t, a.direction),
      observed: f.number(a.observed),
      date: f.date(a.date, { timeZone: 'UTC' }),
      level: f.number(Math.round(a.level)),
      expected: f.number(Math.round(a.expected ?? 0)),
      factor: f.number(a.factor ?? 0),
    };
    if (a.kind === 'ratio') return t('flows.alerts.ratioLine', vars);
    return a.window === '1d' ? t('flows.alerts.dayLine', vars) : t('flows.alerts.weekLine', vars);
  };
}

/** Flattens the pages of a cursor list; "load more" button under it. */
export function usePages<T>(q: UseInfiniteQueryResult<InfiniteData<Page<T>>>) {
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const total = q.data?.pages[0]?.total ?? 0;
  return { items, total };
}

export function LoadMore({ q, shown, total }: { q: UseInfiniteQueryResult<InfiniteData<Page<unknown>>>; shown: number; total: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Group justify="space-between" mt="xs">
      <Text size="sm" c="dimmed" data-testid="list-total">
        {t('flows.list.shown', { shown: f.number(shown), total: f.number(total) })}
      </Text>
      {q.hasNextPage && (
        <Button variant="light" size="xs" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
          {t('flows.list.more')}
        </Button>
      )}
    </Group>
  );
}
