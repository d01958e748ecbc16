import type { ReactNode } from 'react';
import { Badge, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HouseholdDetail, IndividualView } from '../../../../src/modules/people/contract';
import { DateLabel } from '../../shell/DateLabel';
import { ButtonLink } from '../../shell/links';
import { ErrorState, Loading } from '../../shell/states';
import { useOperation } from '../places/api';
import { useHousehold } from './api';
import { birthText } from './labels';
import { PersonNames } from './PersonNames';
import { PlaceName, SiteName } from './PlaceName';

export function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Text size="xs" c="dimmed" fw={700}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}

/** The household's facts: group, places, crossing, registration. */
export function HouseholdFacts({ household: h, solarHijri }: { household: Omit<HouseholdDetail, 'versions'>; solarHijri?: boolean }) {
  const { t } = useTranslation();
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
      <Fact label={t('people.fields.populationGroup')}>{t(`people.populationGroup.${h.populationGroup}`)}</Fact>
      <Fact label={t('people.fields.status')}>{t(`people.status.${h.status}`)}</Fact>
      <Fact label={t('people.fields.currentPlace')}>
        <PlaceName operation={h.operationId} pcode={h.currentPcode} />
      </Fact>
      <Fact label={t('people.fields.destination')}>
        <PlaceName operation={h.operationId} pcode={h.destinationPcode} />
      </Fact>
      <Fact label={t('people.fields.crossingPoint')}>
        <SiteName operation={h.operationId} id={h.crossingSiteId} />
      </Fact>
      <Fact label={t('people.fields.crossingDate')}>{h.crossingDate ? <DateLabel value={h.crossingDate} solarHijri={solarHijri} /> : '—'}</Fact>
      <Fact label={t('people.fields.registered')}>
        <DateLabel value={h.registeredAt} solarHijri={solarHijri} />
      </Fact>
      {h.femaleHeaded !== null && <Fact label={t('people.fields.femaleHeaded')}>{h.femaleHeaded ? t('people.yes') : t('people.no')}</Fact>}
    </SimpleGrid>
  );
}

/** Members as a table: names in both scripts, sex, birth, relationship, and documents when shown. */
export function MembersTable({ members, actions }: { members: IndividualView[]; actions?: (m: IndividualView) => ReactNode }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" data-testid="members-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('people.fields.name')}</Table.Th>
            <Table.Th>{t('people.fields.relationship')}</Table.Th>
            <Table.Th>{t('people.fields.sex')}</Table.Th>
            <Table.Th>{t('people.fields.dob')}</Table.Th>
            <Table.Th>{t('people.fields.documents')}</Table.Th>
            {actions && <Table.Th />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((m) => (
            <Table.Tr key={m.id} style={{ opacity: m.removedAt ? 0.55 : 1 }}>
              <Table.Td>
                <PersonNames person={m} />
                {m.removedAt && (
                  <Text size="xs" c="dimmed" fw={600}>
                    {t('people.member.removed')}: {m.removalReason ? t(`people.removal.${m.removalReason}`) : ''}
                  </Text>
                )}
                {m.elsewhereOperationId && (
                  <Text size="xs" c="blue.7" fw={600}>
                    {t('people.member.elsewhere', { op: m.elsewhereOperationId })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{t(`people.relationship.${m.relationship}`)}</Table.Td>
              <Table.Td>{t(`people.sex.${m.sex}`)}</Table.Td>
              <Table.Td>
                <Text size="sm" component="span" style={{ whiteSpace: 'nowrap' }}>
                  <bdi>{birthText(t, m.birth)}</bdi>
                </Text>
              </Table.Td>
              <Table.Td>
                {m.documents === null ? (
                  <Text size="xs" c="dimmed">
                    {t('people.hidden')}
                  </Text>
                ) : m.documents.length === 0 ? (
                  '—'
                ) : (
                  <Stack gap={2}>
                    {m.documents.map((d) => (
                      <Text key={d.id} size="xs">
                        {t(`people.docType.${d.type}`)} <bdi dir="ltr">{d.number}</bdi> · {t(`people.docStatus.${d.status}`)}
                      </Text>
                    ))}
                  </Stack>
                )}
              </Table.Td>
              {actions && <Table.Td>{actions(m)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A household at a glance, loaded by id: beside the registration form when a duplicate is suspected. */
export function HouseholdOverview({ op, id, compact }: { op: string; id: string; compact?: boolean }) {
  const { t } = useTranslation();
  const q = useHousehold(id);
  const operation = useOperation(op);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const h = q.data;
  return (
    <Stack gap="sm" data-testid="household-overview">
      <Group gap="xs">
        <Text fw={800} size="lg" dir="ltr">
          {h.reference}
        </Text>
        <Badge variant="light">{t('people.card.members', { count: h.size })}</Badge>
        {compact && (
          <ButtonLink size="compact-sm" variant="light" to="/op/$op/people/households/$id" params={{ op: h.operationId, id: h.id }}>
            {t('people.dup.open')}
          </ButtonLink>
        )}
      </Group>
      <HouseholdFacts household={h} solarHijri={operation.data?.solarHijri} />
      <MembersTable members={compact ? h.members.filter((m) => !m.removedAt) : h.members} />
    </Stack>
  );
}
