import { Card, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { can, useMe } from '../../shell/session';
import { AnchorLink, ButtonLink } from '../../shell/links';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { useFormat } from '../../lib/format';
import { useCounts } from './api';
import { directionLabel, LoadMore, siteLabel, StatusBadge, useFlowSites, usePages } from './shared';
import { ExportMenu } from '../exports';
import AlertsBanner from './AlertsBanner';

const STATUSES = ['draft', 'submitted', 'verified', 'published'] as const;

/** Counts list: filters by period, site and status; newest first with "load more" (cursor paging). */
export default function CountsPage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { op } = useParams({ from: '/app/op/$op/flows/' });
  const search = useSearch({ from: '/app/op/$op/flows/' });
  const navigate = useNavigate({ from: '/op/$op/flows/' });
  const me = useMe();
  const { sites } = useFlowSites(op, 'flows.read');
  const q = useCounts({ operation: op, from: search.from, to: search.to, site: search.site, status: search.status });
  const { items, total } = usePages(q);
  const set = (patch: Record<string, string | undefined>) => void navigate({ search: (s) => ({ ...s, ...patch }), replace: true });

  return (
    <Stack gap="sm">
      <AlertsBanner operation={op} />
      <Group justify="space-between" wrap="wrap" gap="xs">
        {can(me.data, 'flows.count.write', op) && (
          <ButtonLink to="/op/$op/flows/counts/new" params={{ op }} data-testid="new-count">
            {t('flows.count.new')}
          </ButtonLink>
        )}
        {can(me.data, 'flows.export', op) && <ExportMenu url="/api/v1/flows/exports/counts" params={{ operation: op, from: search.from, to: search.to, site: search.site, status: search.status }} testId="counts-export" />}
      </Group>
      <Card withBorder padding="xs">
        <Group gap="xs" wrap="wrap" align="flex-end">
          <TextInput type="date" label={t('flows.filters.from')} value={search.from ?? ''} onChange={(e) => set({ from: e.currentTarget.value || undefined })} w={150} size="xs" />
          <TextInput type="date" label={t('flows.filters.to')} value={search.to ?? ''} onChange={(e) => set({ to: e.currentTarget.value || undefined })} w={150} size="xs" />
          <Select
            label={t('flows.count.site')}
            placeholder={t('flows.filters.allSites')}
            size="xs"
            w={170}
            clearable
            data={sites.map((s) => ({ value: s.id, label: siteLabel(s, i18n.language) }))}
            value={search.site ?? null}
            onChange={(v) => set({ site: v ?? undefined })}
          />
          <Select
            label={t('flows.filters.status')}
            placeholder={t('flows.filters.anyStatus')}
            size="xs"
            w={140}
            clearable
            data={STATUSES.map((s) => ({ value: s, label: t(`flows.status.${s}`) }))}
            value={search.status ?? null}
            onChange={(v) => set({ status: v ?? undefined })}
          />
        </Group>
      </Card>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <Empty>{t('flows.count.none')}</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={320}>
            <Table striped highlightOnHover data-testid="counts-table" verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('flows.count.date')}</Table.Th>
                  <Table.Th>{t('flows.count.site')}</Table.Th>
                  <Table.Th ta="end">{t('flows.count.total')}</Table.Th>
                  <Table.Th>{t('flows.filters.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <AnchorLink to="/op/$op/flows/counts/$countId" params={{ op, countId: c.id }} size="sm">
                        {f.date(c.date, { timeZone: 'UTC', style: 'short' })}
                      </AnchorLink>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{siteLabel({ name: c.siteName, nameLocal: sites.find((s) => s.id === c.siteId)?.nameLocal ?? null, code: c.siteCode }, i18n.language)}</Text>
                      <Text size="xs" c="dimmed">
                        {directionLabel(t, c.direction)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="end">{f.number(c.total)}</Table.Td>
                    <Table.Td>
                      <StatusBadge status={c.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore q={q as never} shown={items.length} total={total} />
        </>
      )}
    </Stack>
  );
}
