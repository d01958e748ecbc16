import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DateLabel } from '../../shell/DateLabel';
import { AnchorLink } from '../../shell/links';
import { Empty, ErrorState, Loading, useErrorMessage } from '../../shell/states';
import { dedupApi, dedupKeys, useMerges, type MergeView } from './api';

/** Merges as a table with undo; also embedded on the household page (`household`). */
export function MergesTable({ op, household, merges }: { op: string; household?: string; merges: MergeView[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const message = useErrorMessage();
  const undo = useMutation({
    mutationFn: (id: string) => dedupApi.undo(id),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: t('dedup.merges.undone') });
      void qc.invalidateQueries({ queryKey: dedupKeys.all });
      void qc.invalidateQueries({ queryKey: ['people'] });
    },
    onError: (e) => notifications.show({ color: 'red', message: message(e), autoClose: 8000 }),
  });
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" data-testid="merges-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('dedup.merges.when')}</Table.Th>
            <Table.Th>{t('dedup.merges.merged')}</Table.Th>
            <Table.Th>{t('dedup.merges.into')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {merges.map((m) => (
            <Table.Tr key={m.id} data-testid="merge-row">
              <Table.Td>
                <DateLabel value={m.createdAt} time />
              </Table.Td>
              {[
                [m.mergedName, m.mergedHouseholdId, m.mergedHouseholdReference],
                [m.survivorName, m.survivorHouseholdId, m.survivorHouseholdReference],
              ].map(([name, id, ref]) => (
                <Table.Td key={id! + name}>
                  <Text size="sm" style={{ unicodeBidi: 'plaintext' }}>
                    {name ?? '—'}
                  </Text>
                  {id === household ? (
                    <Text size="xs" dir="ltr">{ref}</Text>
                  ) : (
                    <AnchorLink to="/op/$op/people/households/$id" params={{ op, id: id! }} size="xs" dir="ltr">
                      {ref}
                    </AnchorLink>
                  )}
                </Table.Td>
              ))}
              <Table.Td>
                <Group gap={4} justify="flex-end" wrap="nowrap">
                  {m.householdsMerged && (
                    <Badge size="sm" variant="light">
                      {t('dedup.merges.household')}
                    </Badge>
                  )}
                  {m.undoneAt ? (
                    <Badge size="sm" color="gray" variant="outline">
                      {t('dedup.merges.wasUndone')}
                    </Badge>
                  ) : (
                    <Button size="compact-xs" variant="light" color="orange" onClick={() => window.confirm(t('dedup.merges.undoAsk')) && undo.mutate(m.id)} loading={undo.isPending && undo.variables === m.id} data-testid="merge-undo">
                      {t('dedup.merges.undo')}
                    </Button>
                  )}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export default function MergesPage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/dedup/merges' });
  const q = useMerges(op);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data.items.length) return <Empty>{t('dedup.merges.none')}</Empty>;
  return <MergesTable op={op} merges={q.data.items} />;
}
