import { Badge, Button, Card, Group, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { DateLabel } from '../../shell/DateLabel';
import { JobProgress } from '../../shell/JobProgress';
import { ButtonLink } from '../../shell/links';
import { can, useMe } from '../../shell/session';
import { Empty, ErrorState, Loading, useErrorMessage } from '../../shell/states';
import { statusText } from '../../i18n/issues';
import { dedupApi, dedupKeys, useRuns, type RunView } from './api';

const STATUS_COLOR: Record<RunView['status'], string> = { queued: 'gray', running: 'blue', succeeded: 'teal', failed: 'red', cancelled: 'orange' };

function RunProgress({ run }: { run: RunView }) {
  const { t } = useTranslation();
  if (run.status !== 'running' && run.status !== 'queued') return null;
  const label = run.stage ? t(`dedup.stage.${run.stage}`) : t('dedup.status.queued');
  return <JobProgress done={run.progress.done} total={run.progress.total} label={label} testId="run-progress" />;
}

/** Runs of the whole registry: start one, follow its progress, cancel it, confirm its matches. */
export default function RunsPage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/dedup/' });
  const me = useMe();
  const qc = useQueryClient();
  const message = useErrorMessage();
  const runs = useRuns(op);
  const canRun = can(me.data, 'dedup.run', op);
  const canReview = can(me.data, 'dedup.review', op);
  const refresh = () => void qc.invalidateQueries({ queryKey: dedupKeys.all });
  const start = useMutation({ mutationFn: () => dedupApi.start(op), onSuccess: refresh, onError: (e) => notifications.show({ color: 'red', message: message(e) }) });
  const cancel = useMutation({ mutationFn: (id: string) => dedupApi.cancel(id), onSuccess: refresh, onError: (e) => notifications.show({ color: 'red', message: message(e) }) });
  const confirm = useMutation({
    mutationFn: (id: string) => dedupApi.confirmMatches(id),
    onSuccess: (r) => {
      notifications.show({ color: r.blocked.length ? 'orange' : 'teal', message: t('dedup.runs.confirmed', { merged: r.merged, left: r.left }) });
      refresh();
    },
    onError: (e) => notifications.show({ color: 'red', message: message(e) }),
  });
  if (runs.isPending) return <Loading />;
  if (runs.isError) return <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />;
  const active = runs.data.items.some((r) => r.status === 'queued' || r.status === 'running');
  const current = runs.data.items.find((r) => r.current);
  return (
    <Stack gap="md">
      <Card withBorder padding="sm">
        <Group justify="space-between">
          <Text size="sm" c="dimmed" maw={640}>
            {t('dedup.runs.intro')}
          </Text>
          <Group gap="xs">
            {current && canReview && (
              <ButtonLink to="/op/$op/dedup/queue" params={{ op }} search={{}} variant="light" data-testid="open-queue">
                {t('dedup.runs.openQueue', { count: current.openPairs })}
              </ButtonLink>
            )}
            {canRun && (
              <Button onClick={() => start.mutate()} loading={start.isPending} disabled={active} data-testid="dedup-start">
                {t('dedup.runs.start')}
              </Button>
            )}
          </Group>
        </Group>
      </Card>
      {!runs.data.items.length ? (
        <Empty>{t('dedup.runs.none')}</Empty>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="xs" data-testid="runs-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dedup.runs.started')}</Table.Th>
                <Table.Th>{t('dedup.runs.trigger')}</Table.Th>
                <Table.Th>{t('dedup.runs.status')}</Table.Th>
                <Table.Th>{t('dedup.runs.records')}</Table.Th>
                <Table.Th>{t('dedup.runs.pairs')}</Table.Th>
                <Table.Th>{t('dedup.runs.open')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data.items.map((r) => (
                <Table.Tr key={r.id} data-testid="run-row" data-status={r.status}>
                  <Table.Td>
                    <DateLabel value={r.createdAt} time />
                  </Table.Td>
                  <Table.Td>{t(`dedup.trigger.${r.trigger}`)}</Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      <Group gap={4}>
                        <Badge color={STATUS_COLOR[r.status]} variant="light" data-testid="run-status">
                          {t(`dedup.status.${r.status}`)}
                        </Badge>
                        {r.current && (
                          <Badge variant="outline" color="teal">
                            {t('dedup.runs.current')}
                          </Badge>
                        )}
                      </Group>
                      <RunProgress run={r} />
                      {r.status === 'failed' && r.message && (
                        <Text size="xs" c="red">
                          {statusText(r)}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td dir="ltr">{r.records ?? '—'}</Table.Td>
                  <Table.Td dir="ltr">{r.matchPairs === null ? '—' : t('dedup.runs.pairCounts', { match: r.matchPairs, review: r.reviewPairs ?? 0 })}</Table.Td>
                  <Table.Td dir="ltr">{r.status === 'succeeded' ? r.openPairs : '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      {canRun && (r.status === 'queued' || r.status === 'running') && r.jobId && (
                        <Button size="compact-xs" variant="subtle" color="red" onClick={() => cancel.mutate(r.id)} loading={cancel.isPending} disabled={r.cancelRequested}>
                          {t('dedup.runs.cancel')}
                        </Button>
                      )}
                      {canReview && r.status === 'succeeded' && (
                        <Button size="compact-xs" variant="subtle" onClick={() => window.confirm(t('dedup.runs.confirmAsk')) && confirm.mutate(r.id)} loading={confirm.isPending} data-testid="confirm-matches">
                          {t('dedup.runs.confirmMatches')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Text size="xs" c="dimmed">
        {t('dedup.runs.nightly')}
      </Text>
    </Stack>
  );
}
