import { Fragment, useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { auditApi, type AuditFilter } from './api';
import { AuditChanges } from './AuditChanges';
import { UserPicker } from './UserPicker';
import { OperationSelect } from './selects';
import { useOperation } from '../places/api';
import { DateLabel } from '../../shell/DateLabel';
import { fieldErrors } from '../../shell/forms';
import { Empty, ErrorState, Loading } from '../../shell/states';

const PAGE = 50;

export default function AuditPage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/admin/audit' });
  const operation = useOperation(op);
  const [draft, setDraft] = useState<AuditFilter>({});
  const [filter, setFilter] = useState<AuditFilter>({});
  const [open, setOpen] = useState<Set<string>>(new Set());

  const q = useInfiniteQuery({
    queryKey: ['audit', filter],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => auditApi.list({ ...filter, limit: PAGE, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

  const set = (k: keyof AuditFilter, v: string | null) => setDraft((d) => ({ ...d, [k]: v?.trim() ? v : undefined }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setOpen(new Set());
    setFilter({ ...draft });
  };
  const clear = () => {
    const fresh = {};
    setDraft(fresh);
    setFilter(fresh);
  };
  const fields = fieldErrors(q.error);
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const total = q.data?.pages[0]?.total;
  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Stack gap="md">
      <Title order={2}>{t('modules.audit')}</Title>
      <Card withBorder padding="sm">
        <form onSubmit={apply}>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <TextInput label={t('audit.action')} placeholder="user.update" dir="ltr" value={draft.action ?? ''} onChange={(e) => set('action', e.currentTarget.value)} error={fields.action} />
            <TextInput label={t('audit.entityType')} placeholder="user" dir="ltr" value={draft.entityType ?? ''} onChange={(e) => set('entityType', e.currentTarget.value)} error={fields.entityType} />
            <TextInput label={t('audit.entityId')} dir="ltr" value={draft.entityId ?? ''} onChange={(e) => set('entityId', e.currentTarget.value)} error={fields.entityId} />
            <UserPicker label={t('audit.actor')} value={draft.actorId ?? null} onChange={(v) => set('actorId', v)} error={fields.actorId} />
            <OperationSelect label={t('audit.operation')} clearable allowDeselect value={draft.operation ?? null} onChange={(v) => set('operation', v)} error={fields.operation} />
            <TextInput label={t('audit.from')} type="date" value={draft.from ?? ''} onChange={(e) => set('from', e.currentTarget.value)} error={fields.from} />
            <TextInput label={t('audit.to')} type="date" value={draft.to ?? ''} onChange={(e) => set('to', e.currentTarget.value)} error={fields.to} />
            <Group align="flex-end" gap="xs">
              <Button type="submit">{t('audit.apply')}</Button>
              <Button variant="default" onClick={clear}>
                {t('common.clear')}
              </Button>
            </Group>
          </SimpleGrid>
        </form>
      </Card>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{t('audit.none')}</Empty>
      ) : (
        <Card withBorder padding={0}>
          {total !== undefined && (
            <Text size="xs" c="dimmed" p="xs">
              {t('audit.showing', { shown: rows.length, total })}
            </Text>
          )}
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" highlightOnHover data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.at')}</Table.Th>
                  <Table.Th>{t('audit.actor')}</Table.Th>
                  <Table.Th>{t('audit.operation')}</Table.Th>
                  <Table.Th>{t('audit.action')}</Table.Th>
                  <Table.Th>{t('audit.entity')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => {
                  const id = String(r.id);
                  const expanded = open.has(id);
                  return (
                    <Fragment key={id}>
                      <Table.Tr onClick={() => toggle(id)} style={{ cursor: 'pointer' }}>
                        <Table.Td>
                          <UnstyledButton aria-expanded={expanded} aria-label={t('audit.toggleDetails')} onClick={(e) => { e.stopPropagation(); toggle(id); }}>
                            <Text size="sm" component="span">
                              {expanded ? '▾ ' : '▸ '}
                              <DateLabel value={r.at} time solarHijri={operation.data?.solarHijri} timeZone={operation.data?.timeZone} />
                            </Text>
                          </UnstyledButton>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" dir="ltr" ta="start">
                            {r.actorUsername ?? t('audit.system')}
                          </Text>
                        </Table.Td>
                        <Table.Td>{r.operationId ?? '—'}</Table.Td>
                        <Table.Td>
                          <Group gap={4}>
                            <Text size="sm" ff="monospace" dir="ltr">
                              {r.action}
                            </Text>
                            {r.sensitiveRead && (
                              <Badge size="xs" color="orange" variant="light">
                                {t('audit.sensitiveRead')}
                              </Badge>
                            )}
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" ff="monospace" dir="ltr" ta="start">
                            {r.entityType}
                            {r.entityId ? ` ${r.entityId}` : ''}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                      {expanded && (
                        <Table.Tr>
                          <Table.Td colSpan={5} bg="gray.0">
                            <AuditChanges changes={r.changes} />
                            {r.requestId && (
                              <Text size="xs" c="dimmed" mt={4}>
                                {t('errors.requestId')}: <code>{r.requestId}</code>
                              </Text>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {q.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
            {t('common.loadMore')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
