import { useState } from 'react';
import { Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { usePairs, type PairsFilter, type PairView } from './api';

export function ScoreBadge({ pair }: { pair: Pick<PairView, 'score' | 'decision'> }) {
  const { t } = useTranslation();
  return (
    <Group gap={4} wrap="nowrap">
      <Badge variant="light" color={pair.decision === 'match' ? 'teal' : 'yellow'}>
        {t(`dedup.engine.${pair.decision}`)}
      </Badge>
      <Text size="sm" dir="ltr" ff="monospace">
        {pair.score.toFixed(1)}
      </Text>
    </Group>
  );
}

/** The review queue: open pairs of the latest run, best score first, filterable, paged. */
export default function QueuePage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/dedup/queue' });
  const search = useSearch({ from: '/app/op/$op/dedup/queue' });
  const navigate = useNavigate();
  const [cursors, setCursors] = useState<string[]>([]);
  const filter: PairsFilter = {
    operation: op,
    status: search.status ?? 'open',
    decision: search.decision,
    household: search.household,
    sort: search.sort ?? 'score_desc',
    limit: 25,
    cursor: cursors[cursors.length - 1],
  };
  const q = usePairs(filter);
  const set = (patch: Record<string, string | undefined>) => {
    setCursors([]);
    void navigate({ to: '/op/$op/dedup/queue', params: { op }, search: { ...search, ...patch } });
  };
  const open = (p: PairView) => void navigate({ to: '/op/$op/dedup/pairs/$a/$b', params: { op, a: p.idA, b: p.idB } });
  return (
    <Stack gap="sm">
      <Group gap="md" wrap="wrap">
        <SegmentedControl
          size="xs"
          value={filter.status!}
          onChange={(v) => set({ status: v })}
          data={(['open', 'skipped', 'decided', 'all'] as const).map((v) => ({ value: v, label: t(`dedup.queue.status.${v}`) }))}
          data-testid="queue-status"
        />
        <SegmentedControl
          size="xs"
          value={filter.decision ?? 'any'}
          onChange={(v) => set({ decision: v === 'any' ? undefined : v })}
          data={[{ value: 'any', label: t('dedup.queue.anyDecision') }, { value: 'match', label: t('dedup.engine.match') }, { value: 'review', label: t('dedup.engine.review') }]}
          data-testid="queue-decision"
        />
        <SegmentedControl
          size="xs"
          value={filter.sort!}
          onChange={(v) => set({ sort: v })}
          data={[{ value: 'score_desc', label: t('dedup.queue.best') }, { value: 'score_asc', label: t('dedup.queue.weakest') }]}
        />
        {search.household && (
          <Button size="compact-xs" variant="subtle" onClick={() => set({ household: undefined })}>
            {t('dedup.queue.allHouseholds')}
          </Button>
        )}
      </Group>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data.items.length ? (
        <Empty>{t('dedup.queue.empty')}</Empty>
      ) : (
        <>
          <Text size="sm" c="dimmed" data-testid="queue-total">
            {t('dedup.queue.total', { count: q.data.total })}
          </Text>
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs" highlightOnHover data-testid="queue-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('dedup.queue.score')}</Table.Th>
                  <Table.Th>{t('dedup.queue.recordA')}</Table.Th>
                  <Table.Th>{t('dedup.queue.recordB')}</Table.Th>
                  <Table.Th>{t('dedup.queue.state')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.items.map((p) => (
                  <Table.Tr key={`${p.idA}:${p.idB}`} style={{ cursor: 'pointer' }} onClick={() => open(p)} data-testid="queue-row" data-decision={p.decision}>
                    <Table.Td>
                      <ScoreBadge pair={p} />
                      {p.source === 'import' && p.importBatch ? (
                        <Text size="xs" c="dimmed" mt={2} data-testid="queue-source" style={{ unicodeBidi: 'plaintext' }}>
                          {t('dedup.queue.fromImport', { name: p.importBatch.name })}
                        </Text>
                      ) : null}
                    </Table.Td>
                    {[p.a, p.b].map((r) => (
                      <Table.Td key={r.id}>
                        <Text size="sm" style={{ unicodeBidi: 'plaintext' }}>
                          {r.displayName ?? '—'}
                        </Text>
                        <Text size="xs" c="dimmed" dir="ltr">
                          {r.householdReference} · {r.birthInput ?? '—'} · {r.currentPcode ?? ''}
                        </Text>
                      </Table.Td>
                    ))}
                    <Table.Td>
                      <Badge variant="dot" color={p.state === 'open' ? 'blue' : p.state === 'duplicate' ? 'teal' : 'gray'}>
                        {t(`dedup.state.${p.state}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="flex-end" gap="xs">
            <Button size="xs" variant="default" disabled={!cursors.length} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('dedup.queue.previous')}
            </Button>
            <Button size="xs" variant="default" disabled={!q.data.nextCursor} onClick={() => q.data.nextCursor && setCursors([...cursors, q.data.nextCursor])}>
              {t('dedup.queue.next')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
