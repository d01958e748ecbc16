import { Anchor, Breadcrumbs, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Site } from './api';
import type { AreaWithAncestors } from './ancestors';
import { levelLabel } from './labels';
import { displayName } from './names';
import { isRtl } from '../../i18n';
import { SitesTable } from './SitesTable';
import { Empty } from '../../shell/states';
import { useFormat } from '../../lib/format';

interface Props {
  op: string;
  area: AreaWithAncestors;
  sites: Site[] | null;
  onSelect: (pcode: string) => void;
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={700} tt="uppercase">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </div>
  );
}

/** What one admin area is, where it sits, and the sites within it. */
export function AreaDetail({ op, area, sites, onSelect }: Props) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const within = sites?.filter((s) => s.areaPcode?.startsWith(area.pcode)) ?? null;
  return (
    <Card withBorder padding="md" data-testid="area-detail">
      <Stack gap="sm">
        {area.ancestors.length > 0 && (
          <Breadcrumbs separator={isRtl(i18n.language) ? '‹' : '›'} aria-label={t('places.breadcrumb')}>
            {area.ancestors.map((a) => (
              <Anchor key={a.pcode} component="button" type="button" size="sm" onClick={() => onSelect(a.pcode)}>
                {displayName(a, i18n.language)}
              </Anchor>
            ))}
          </Breadcrumbs>
        )}
        <Title order={3} size="h4">
          {displayName(area, i18n.language)}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="sm">
          <Field label={t('places.pcode')}>
            <bdi dir="ltr" style={{ fontFamily: 'monospace' }}>
              {area.pcode}
            </bdi>
          </Field>
          <Field label={t('places.level')}>{levelLabel(t, area.level)}</Field>
          <Field label={t('places.childCount')}>{f.number(area.childCount)}</Field>
          <Field label={t('places.nameEnglish')}>
            <span lang="en" dir="ltr">
              {area.name}
            </span>
          </Field>
          <Field label={t('places.nameLocal')}>
            {area.nameLocal ? (
              <span dir="rtl">
                {area.nameLocal}
              </span>
            ) : (
              '—'
            )}
          </Field>
        </SimpleGrid>
        <Group justify="space-between">
          <Text fw={600} size="sm">
            {t('places.sitesWithin')}
          </Text>
        </Group>
        {within === null ? (
          <Empty>{t('places.sitesNotAvailable')}</Empty>
        ) : within.length === 0 ? (
          <Empty>{t('places.noSitesHere')}</Empty>
        ) : (
          <SitesTable sites={within} op={op} onSelectArea={onSelect} />
        )}
      </Stack>
    </Card>
  );
}
