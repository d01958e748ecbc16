import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, NumberInput, SegmentedControl, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { can, useMe } from '../../shell/session';
import { AnchorLink } from '../../shell/links';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { fieldErrors } from '../../shell/forms';
import { useFormat } from '../../lib/format';
import { useAlertRules, useCreateRule, useUpdateRule, uuidv7, type AlertRuleView } from './api';
import { directionLabel, siteLabel, useFlowSites, usePages } from './shared';

export default function RulesPage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const { op } = useParams({ from: '/app/op/$op/flows/alerts/rules' });
  const me = useMe();
  const manage = can(me.data, 'flows.verify', op);
  const q = useAlertRules({ operation: op });
  const { items } = usePages(q);
  const [editing, setEditing] = useState<AlertRuleView | 'new' | null>(null);
  const update = useUpdateRule();

  const describe = (r: AlertRuleView) =>
    r.kind === 'ratio'
      ? t('flows.rules.ratioText', { factor: f.number(r.factor ?? 0), direction: directionLabel(t, r.direction) })
      : t(r.window === '1d' ? 'flows.rules.absoluteDayText' : 'flows.rules.absoluteWeekText', { threshold: f.number(r.threshold ?? 0), direction: directionLabel(t, r.direction) });

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={3}>{t('flows.rules.title')}</Title>
        <Group gap="xs">
          <AnchorLink to="/op/$op/flows/alerts" params={{ op }} size="sm">
            {t('flows.tabs.alerts')}
          </AnchorLink>
          {manage && (
            <Button size="sm" onClick={() => setEditing('new')} data-testid="new-rule">
              {t('flows.rules.new')}
            </Button>
          )}
        </Group>
      </Group>
      <Text size="sm" c="dimmed">
        {t('flows.rules.help')}
      </Text>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <Empty>{t('flows.rules.none')}</Empty>
      ) : (
        <Stack gap="xs">
          {items.map((r) => (
            <Card key={r.id} withBorder padding="sm" data-testid="rule-item">
              <Group justify="space-between" wrap="wrap" gap="xs">
                <Stack gap={2}>
                  <Text fw={500}>{siteLabel({ name: r.siteName, nameLocal: null, code: r.siteCode }, i18n.language)}</Text>
                  <Text size="sm">{describe(r)}</Text>
                  {r.minTotal > 0 && (
                    <Text size="xs" c="dimmed">
                      {t('flows.rules.minTotalText', { n: f.number(r.minTotal) })}
                    </Text>
                  )}
                  {r.notes && (
                    <Text size="xs" c="dimmed">
                      {r.notes}
                    </Text>
                  )}
                </Stack>
                <Group gap="xs">
                  {r.openAlerts > 0 && <Badge color="orange">{t('flows.rules.openAlerts', { count: r.openAlerts })}</Badge>}
                  {manage ? (
                    <>
                      <Switch
                        checked={r.active}
                        label={t('flows.rules.active')}
                        onChange={(e) => update.mutate({ id: r.id, active: e.currentTarget.checked })}
                        disabled={update.isPending}
                      />
                      <Button size="xs" variant="light" onClick={() => setEditing(r)}>
                        {t('flows.rules.edit')}
                      </Button>
                    </>
                  ) : (
                    <Badge color={r.active ? 'green' : 'gray'}>{r.active ? t('flows.rules.active') : t('flows.rules.inactive')}</Badge>
                  )}
                </Group>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
      {update.isError && <ErrorState error={update.error} />}
      {editing && <RuleModal op={op} rule={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function RuleModal({ op, rule, onClose }: { op: string; rule: AlertRuleView | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { sites } = useFlowSites(op, 'flows.verify');
  const create = useCreateRule();
  const update = useUpdateRule();
  const [id] = useState(() => uuidv7());
  const [siteId, setSiteId] = useState<string | null>(rule?.siteId ?? null);
  const [direction, setDirection] = useState<'in' | 'out'>(rule?.direction ?? 'in');
  const [kind, setKind] = useState<'ratio' | 'absolute'>(rule?.kind ?? 'ratio');
  const [window, setWindow] = useState<'7d' | '1d'>(rule?.window ?? '7d');
  const [factor, setFactor] = useState<number | string>(rule?.factor ?? 2);
  const [threshold, setThreshold] = useState<number | string>(rule?.threshold ?? '');
  const [minTotal, setMinTotal] = useState<number | string>(rule?.minTotal ?? 0);
  const [notes, setNotes] = useState(rule?.notes ?? '');
  const m = rule ? update : create;
  const errors = fieldErrors(m.error);
  const num = (v: number | string) => (typeof v === 'number' ? v : v === '' ? null : Number(v));
  const save = () => {
    const common = { window: kind === 'ratio' ? ('7d' as const) : window, factor: kind === 'ratio' ? num(factor) : null, threshold: kind === 'absolute' ? num(threshold) : null, minTotal: num(minTotal) ?? 0, notes: notes.trim() || null };
    if (rule) update.mutate({ id: rule.id, ...common }, { onSuccess: onClose });
    else create.mutate({ id, operationId: op, siteId: siteId ?? '', direction, kind, active: true, ...common }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={rule ? t('flows.rules.edit') : t('flows.rules.new')} size="md">
      <Stack gap="sm">
        <Select
          label={t('flows.count.site')}
          data={sites.map((s) => ({ value: s.id, label: siteLabel(s, i18n.language) }))}
          value={siteId}
          onChange={setSiteId}
          disabled={!!rule}
          error={errors.siteId}
          required
        />
        <SegmentedControl
          fullWidth
          disabled={!!rule}
          value={direction}
          onChange={(v) => setDirection(v as 'in' | 'out')}
          data={[
            { value: 'in', label: t('flows.direction.in') },
            { value: 'out', label: t('flows.direction.out') },
          ]}
        />
        <SegmentedControl
          fullWidth
          disabled={!!rule}
          value={kind}
          onChange={(v) => setKind(v as 'ratio' | 'absolute')}
          data={[
            { value: 'ratio', label: t('flows.rules.kindRatio') },
            { value: 'absolute', label: t('flows.rules.kindAbsolute') },
          ]}
        />
        {kind === 'ratio' ? (
          <NumberInput label={t('flows.rules.factor')} description={t('flows.rules.factorHelp')} min={0.1} max={100} step={0.1} decimalScale={2} value={factor} onChange={setFactor} error={errors.factor} required />
        ) : (
          <>
            <SegmentedControl
              fullWidth
              value={window}
              onChange={(v) => setWindow(v as '7d' | '1d')}
              data={[
                { value: '1d', label: t('flows.rules.window1d') },
                { value: '7d', label: t('flows.rules.window7d') },
              ]}
            />
            <NumberInput label={t('flows.rules.threshold')} min={0} value={threshold} onChange={setThreshold} error={errors.threshold} required thousandSeparator="," />
          </>
        )}
        <NumberInput label={t('flows.rules.minTotal')} description={t('flows.rules.minTotalHelp')} min={0} value={minTotal} onChange={setMinTotal} error={errors.minTotal} />
        <TextInput label={t('flows.rules.notes')} value={notes} onChange={(e) => setNotes(e.currentTarget.value)} maxLength={1000} />
        {m.isError && !Object.keys(errors).length && <ErrorState error={m.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button onClick={save} loading={m.isPending} disabled={!rule && !siteId}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
