import { Badge, Card, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { can, useMe } from '../../shell/session';
import { ButtonLink } from '../../shell/links';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { useFormat } from '../../lib/format';
import { useSurveys } from './api';
import { ExportMenu } from '../exports';
import { directionLabel, LoadMore, siteLabel, useFlowSites, usePages } from './shared';

/** Surveys list (newest first, cursor paging) with period and site filters. */
export default function SurveysPage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { op } = useParams({ from: '/app/op/$op/flows/surveys' });
  const search = useSearch({ from: '/app/op/$op/flows/surveys' });
  const navigate = useNavigate({ from: '/op/$op/flows/surveys' });
  const me = useMe();
  const { sites } = useFlowSites(op, 'flows.read');
  const q = useSurveys({ operation: op, from: search.from, to: search.to, site: search.site });
  const { items, total } = usePages(q);
  const set = (patch: Record<string, string | undefined>) => void navigate({ search: (s) => ({ ...s, ...patch }), replace: true });
  const siteName = (id: string, fallback: string) => {
    const s = sites.find((x) => x.id === id);
    return s ? siteLabel(s, i18n.language) : fallback;
  };
  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap" gap="xs">
        {can(me.data, 'flows.survey.write', op) ? (
          <ButtonLink to="/op/$op/flows/surveys/new" params={{ op }} data-testid="new-survey">
            {t('flows.survey.new')}
          </ButtonLink>
        ) : (
          <span />
        )}
        <Group gap="xs">
          {can(me.data, 'flows.export', op) && (
            <ExportMenu url="/api/v1/flows/exports/surveys" params={{ operation: op, from: search.from, to: search.to, site: search.site }} label={t('flows.survey.exportAggregated')} testId="surveys-export" />
          )}
          {can(me.data, 'flows.surveys.rows.export', op) && (
            <ExportMenu url="/api/v1/flows/exports/survey-rows" params={{ operation: op, from: search.from, to: search.to, site: search.site }} label={t('flows.survey.exportRows')} testId="survey-rows-export" />
          )}
        </Group>
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
        </Group>
      </Card>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <Empty>{t('flows.survey.none')}</Empty>
      ) : (
        <>
          <Table.ScrollContainer minWidth={340}>
            <Table striped data-testid="surveys-table" verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('flows.count.date')}</Table.Th>
                  <Table.Th>{t('flows.count.site')}</Table.Th>
                  <Table.Th ta="end">{t('flows.survey.groupShort')}</Table.Th>
                  <Table.Th>{t('flows.survey.documents')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Text size="sm">{f.date(s.date, { timeZone: 'UTC' })}</Text>
                      <Text size="xs" c="dimmed">
                        {directionLabel(t, s.direction)} · {t(`flows.country.${s.originCountry}`, { defaultValue: s.originCountry })}
                      </Text>
                    </Table.Td>
                    <Table.Td>{siteName(s.siteId, s.siteCode)}</Table.Td>
                    <Table.Td ta="end">{f.number(s.groupSize)}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {s.documents.map((d) => (
                          <Badge key={d} size="xs" variant="light">
                            {t(`flows.documents.${d}`)}
                          </Badge>
                        ))}
                      </Group>
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
