import { Anchor, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useParams } from '@tanstack/react-router';
import { AnchorLink, ButtonLink } from './links';
import { useTranslation } from 'react-i18next';
import { useAreas, useOperation, useSites } from '../modules/places/api';
import { levelPlural } from '../modules/places/labels';
import { SitesTable } from '../modules/places/SitesTable';
import { useFormat } from '../lib/format';
import { isRtl } from '../i18n';
import { DateLabel } from './DateLabel';
import { Empty, ErrorState, Loading } from './states';
import { NotFoundPage } from './NotFoundPage';

function AreaCount({ op, level }: { op: string; level: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const q = useAreas({ operation: op, level, limit: 1 });
  if (q.isPending) return <Skeleton h={72} />;
  if (q.isError || q.data.total === 0) return null;
  return (
    <Card withBorder padding="md" data-testid={`area-count-${level}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {levelPlural(t, level)}
      </Text>
      <Text size="xl" fw={700}>
        {f.number(q.data.total)}
      </Text>
      <AnchorLink to="/op/$op/places" params={{ op }} search={{}} size="sm">
        {t('dashboard.browse')}
      </AnchorLink>
    </Card>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fw={500}>{children}</Text>
    </div>
  );
}

export function Dashboard() {
  const { t, i18n } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op' });
  const operation = useOperation(op);
  const sites = useSites(op);

  if (operation.isPending) return <Loading />;
  if (operation.isError) return <ErrorState error={operation.error} onRetry={() => void operation.refetch()} />;
  if (!operation.data) return <NotFoundPage />;
  const o = operation.data;
  const rtl = isRtl(i18n.language);
  const title = rtl && o.nameLocal ? o.nameLocal : o.name;
  const subtitle = rtl && o.nameLocal ? o.name : o.nameLocal;

  return (
    <Stack gap="lg">
      <div>
        <Title order={2} data-testid="operation-name">
          {title}
        </Title>
        {subtitle && subtitle !== title && <Text c="dimmed">{subtitle}</Text>}
      </div>
      <Card withBorder padding="md">
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
          <Fact label={t('dashboard.today')}>
            <DateLabel value={new Date()} solarHijri={o.solarHijri} timeZone={o.timeZone} style="long" />
          </Fact>
          <Fact label={t('dashboard.currency')}>{o.currency}</Fact>
          <Fact label={t('dashboard.timeZone')}>
            <bdi>{o.timeZone}</bdi>
          </Fact>
          <Fact label={t('dashboard.operationCode')}>{o.id}</Fact>
        </SimpleGrid>
      </Card>

      <section>
        <Title order={3} size="h4" mb="xs">
          {t('dashboard.adminAreas')}
        </Title>
        <SimpleGrid cols={{ base: 2, sm: 3, md: 4 }} spacing="md">
          {[1, 2, 3].map((level) => (
            <AreaCount key={level} op={op} level={level} />
          ))}
        </SimpleGrid>
      </section>

      <section>
        <Group justify="space-between" mb="xs">
          <Title order={3} size="h4">
            {t('dashboard.sites')}
          </Title>
          <ButtonLink to="/op/$op/places" params={{ op }} search={{}} variant="light" size="xs">
            {t('dashboard.openPlaces')}
          </ButtonLink>
        </Group>
        {sites.isPending ? (
          <Loading />
        ) : sites.isError ? (
          <ErrorState error={sites.error} onRetry={() => void sites.refetch()} />
        ) : sites.data === null ? (
          <Empty>{t('places.sitesNotAvailable')}</Empty>
        ) : sites.data.items.length === 0 ? (
          <Empty>{t('places.noSites')}</Empty>
        ) : (
          <Card withBorder padding={0}>
            <SitesTable sites={sites.data.items} op={op} />
          </Card>
        )}
      </section>
    </Stack>
  );
}
