import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { can, useMe } from '../../shell/session';
import { AnchorLink, ButtonLink } from '../../shell/links';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { DateLabel } from '../../shell/DateLabel';
import { useAcknowledgeAlert, useAlerts, type AlertView } from './api';
import { useFormat } from '../../lib/format';
import { LoadMore, siteLabel, useAlertSentence, useFlowSites, usePages } from './shared';

export default function AlertsPage() {
  const { t, i18n } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/flows/alerts' });
  const search = useSearch({ from: '/app/op/$op/flows/alerts' });
  const navigate = useNavigate({ from: '/op/$op/flows/alerts' });
  const me = useMe();
  const manage = can(me.data, 'flows.verify', op);
  const { sites } = useFlowSites(op, 'flows.read');
  // No status in the address: the alerts that stand (open and acknowledged); withdrawn ones by filter.
  const status = search.status === 'all' ? undefined : (search.status ?? 'open,acknowledged');
  const q = useAlerts({ operation: op, status, site: search.site });
  const { items, total } = usePages(q);
  const sentence = useAlertSentence();
  const f = useFormat();
  const [ack, setAck] = useState<AlertView | null>(null);

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs" wrap="wrap">
          <Select
            aria-label={t('flows.alerts.status')}
            w={210}
            data={[
              { value: 'current', label: t('flows.alerts.current') },
              { value: 'open', label: t('flows.alerts.open') },
              { value: 'acknowledged', label: t('flows.alerts.acknowledged') },
              { value: 'withdrawn', label: t('flows.alerts.withdrawnPlural') },
              { value: 'all', label: t('flows.alerts.all') },
            ]}
            value={search.status ?? 'current'}
            onChange={(v) =>
              void navigate({ search: (s) => ({ ...s, status: v === 'open' || v === 'acknowledged' || v === 'withdrawn' || v === 'all' ? v : undefined }), replace: true })
            }
            allowDeselect={false}
            data-testid="alerts-status-filter"
          />
          <Select
            aria-label={t('flows.count.site')}
            placeholder={t('flows.filters.allSites')}
            w={190}
            clearable
            data={sites.map((s) => ({ value: s.id, label: siteLabel(s, i18n.language) }))}
            value={search.site ?? null}
            onChange={(v) => void navigate({ search: (s) => ({ ...s, site: v ?? undefined }), replace: true })}
          />
        </Group>
        <ButtonLink to="/op/$op/flows/alerts/rules" params={{ op }} variant="light" size="sm">
          {t('flows.rules.title')}
        </ButtonLink>
      </Group>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <Empty>{t('flows.alerts.none')}</Empty>
      ) : (
        <Stack gap="xs" data-testid="alerts-list">
          {items.map((a) => (
            <Card key={a.id} withBorder padding="sm" data-testid="alert-item">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <Stack gap={4}>
                  <Text size="sm" fw={500} td={a.status === 'withdrawn' ? 'line-through' : undefined} c={a.status === 'withdrawn' ? 'dimmed' : undefined}>
                    {sentence(a)}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('flows.alerts.raised')}: <DateLabel value={a.raisedAt} time />
                    {' · '}
                    <AnchorLink to="/op/$op/flows" params={{ op }} search={{ site: a.siteId, from: a.window === '1d' ? a.date : daysBefore(a.date, 6), to: a.date }} size="xs">
                      {t('flows.alerts.seeCounts')}
                    </AnchorLink>
                  </Text>
                  {a.acknowledged && (
                    <Text size="xs" c="dimmed">
                      {t('flows.alerts.ackBy', { name: a.acknowledged.byName ?? '—' })} <DateLabel value={a.acknowledged.at} time />
                      {a.acknowledged.note ? ` — ${a.acknowledged.note}` : ''}
                    </Text>
                  )}
                  {a.reopenedAt && a.status !== 'withdrawn' && (
                    <Text size="xs" c="dimmed" data-testid="alert-reopened">
                      {t('flows.alerts.reopened')} <DateLabel value={a.reopenedAt} time />
                    </Text>
                  )}
                  {a.withdrawn && (
                    <Text size="xs" c="dimmed" data-testid="alert-withdrawn">
                      {t('flows.alerts.withdrawnBy', { name: a.withdrawn.byName ?? '—' })} <DateLabel value={a.withdrawn.at} time />
                      {' — '}
                      {a.withdrawn.observed === null
                        ? t('flows.alerts.withdrawnNoBaseline')
                        : t('flows.alerts.withdrawnNow', { observed: f.number(a.withdrawn.observed), level: f.number(Math.round(a.level)) })}
                    </Text>
                  )}
                </Stack>
                {a.status === 'open' ? (
                  manage ? (
                    <Button size="xs" variant="light" color="orange" onClick={() => setAck(a)} style={{ flexShrink: 0 }} data-testid="alert-ack">
                      {t('flows.alerts.acknowledge')}
                    </Button>
                  ) : (
                    <Badge color="orange" style={{ flexShrink: 0 }} styles={{ label: { overflow: 'visible' } }}>{t('flows.alerts.open')}</Badge>
                  )
                ) : a.status === 'withdrawn' ? (
                  <Badge color="gray" variant="outline" style={{ flexShrink: 0 }} styles={{ label: { overflow: 'visible' } }}>{t('flows.alerts.withdrawn')}</Badge>
                ) : (
                  <Badge color="gray" style={{ flexShrink: 0 }} styles={{ label: { overflow: 'visible' } }}>{t('flows.alerts.acknowledged')}</Badge>
                )}
              </Group>
            </Card>
          ))}
          <LoadMore q={q as never} shown={items.length} total={total} />
        </Stack>
      )}
      <AcknowledgeModal alert={ack} onClose={() => setAck(null)} />
    </Stack>
  );
}

function AcknowledgeModal({ alert, onClose }: { alert: AlertView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const m = useAcknowledgeAlert();
  const sentence = useAlertSentence();
  const close = () => {
    setNote('');
    m.reset();
    onClose();
  };
  return (
    <Modal opened={!!alert} onClose={close} title={t('flows.alerts.acknowledge')} size="md">
      {alert && (
        <Stack>
          <Text size="sm">{sentence(alert)}</Text>
          <Textarea label={t('flows.alerts.note')} description={t('flows.alerts.noteHelp')} value={note} onChange={(e) => setNote(e.currentTarget.value)} maxLength={1000} autosize minRows={2} />
          {m.isError && <ErrorState error={m.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button color="orange" loading={m.isPending} onClick={() => m.mutate({ id: alert.id, note: note.trim() || undefined }, { onSuccess: close })}>
              {t('flows.alerts.acknowledge')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** The day `n` days before an ISO date (YYYY-MM-DD). */
function daysBefore(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
}
