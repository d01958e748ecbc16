import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Chip,
  Grid,
  Group,
  Modal,
  NativeSelect,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { BirthView, ConsentView, DocumentType, DocumentView, HouseholdDetail, HouseholdUpdate, IndividualView, MemberUpdate } from '../../../../src/modules/people/contract';
import {
  CONSENT_PURPOSES,
  DOCUMENT_STATUSES,
  HOUSEHOLD_STATUSES,
  POPULATION_GROUPS,
  RELATIONSHIPS,
  REMOVAL_REASONS,
  SEXES,
  SPECIFIC_NEEDS,
  WG_DOMAINS,
  WG_LEVELS,
} from '../../../../src/modules/people/kinds';
import { issueText } from '../../i18n/issues';
import { isApiError } from '../../api';
import { DateLabel } from '../../shell/DateLabel';
import { AnchorLink } from '../../shell/links';
import { can, useMe } from '../../shell/session';
import { ErrorState, Loading, useErrorMessage } from '../../shell/states';
import { AreaPicker } from '../places/AreaPicker';
import { useOperation } from '../places/api';
import { peopleApi, peopleKeys, useHousehold, useTimeline } from './api';
import type { DobInput } from './dob';
import { emptyDocument, emptyMember, today, type MemberDraft } from './draft';
import { uuidv7 } from '../../lib/ids';
import { ArabicNameInput, DobField, LatinNameInput } from './fields';
import { OPERATIONS } from './MemberRows';
import { HouseholdCard } from './HouseholdCard';
import { Fact, HouseholdFacts, MembersTable } from './HouseholdOverview';
import { kindLabel } from './labels';
import { birthOf, DOCUMENT_COUNTRY, DOCUMENT_GROUPS, ISSUING_COUNTRIES, memberInputOf } from './mapping';
import { normaliseDocumentNumber } from './script';
import { PersonNames } from './PersonNames';
import { SiteName } from './PlaceName';
import { HouseholdFlags } from '../dedup/HouseholdFlags';
import './people.css';

/**
 * A 409 means someone else saved first: say so, and offer to reload instead of overwriting. A
 * household merged into another (HOUSEHOLD_MERGED) is not a stale edit: its own message, which
 * names the surviving household, is shown instead.
 */
function isConflict(e: unknown) {
  return isApiError(e) && e.status === 409 && e.code !== 'HOUSEHOLD_MERGED';
}

function ConflictAlert({ onReload }: { onReload: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="orange" title={t('people.edit.conflictTitle')} data-testid="conflict">
      <Stack gap="xs">
        <Text size="sm">{t('people.edit.conflict')}</Text>
        <Group>
          <Button size="xs" color="orange" onClick={onReload}>
            {t('people.edit.reload')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

function MutationError({ error, onReload }: { error: unknown; onReload: () => void }) {
  const message = useErrorMessage();
  if (!error) return null;
  if (isConflict(error)) return <ConflictAlert onReload={onReload} />;
  return (
    <Alert color="red" role="alert">
      {message(error)}
      {isApiError(error) &&
        error.fields.map((f, i) => (
          <Text key={i} size="xs">
            <code>{f.path.replace(/^body\./, '')}</code>: {issueText(f)}
          </Text>
        ))}
    </Alert>
  );
}

export default function HouseholdPage() {
  const { t } = useTranslation();
  const { op, id } = useParams({ from: '/app/op/$op/people/households/$id' });
  const me = useMe();
  const operation = useOperation(op);
  const q = useHousehold(id);
  const canWrite = can(me.data, 'people.write', op);
  const [editing, setEditing] = useState(false);
  const [member, setMember] = useState<IndividualView | 'new' | null>(null);
  const [removing, setRemoving] = useState<IndividualView | null>(null);
  const [docStatus, setDocStatus] = useState<DocumentView | null>(null);
  const [addingDoc, setAddingDoc] = useState(false);
  const [withdrawing, setWithdrawing] = useState<ConsentView | null>(null);
  const [consenting, setConsenting] = useState(false);
  const [version, setVersion] = useState<number | null>(null);

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const h = q.data;
  const sh = operation.data?.solarHijri;
  const docs = h.sensitive ? h.members.flatMap((m) => (m.documents ?? []).map((d) => ({ d, m }))) : [];
  const vulnerable = h.members.filter((m) => m.vulnerabilities && (m.vulnerabilities.disability || m.vulnerabilities.uasc || m.vulnerabilities.specificNeeds.length || m.vulnerabilities.washingtonGroup));
  const showVulnerabilities = h.members.some((m) => m.vulnerabilities !== null);

  return (
    <Stack gap="md" data-testid="household-page">
      <Group justify="space-between" align="flex-end">
        <div>
          <AnchorLink to="/op/$op/people" params={{ op }} search={{}} size="sm">
            {t('people.search.back')}
          </AnchorLink>
          <Group gap="xs">
            <Title order={2} dir="ltr" data-testid="household-reference">
              {h.reference}
            </Title>
            <Badge variant="light" color={h.status === 'active' ? 'teal' : 'gray'}>
              {t(`people.status.${h.status}`)}
            </Badge>
            <Badge variant="light" color="gray">
              {t('people.card.members', { count: h.size })}
            </Badge>
            <Text size="xs" c="dimmed">
              {t('people.household.version', { version: h.version })}
            </Text>
          </Group>
        </div>
        <Group gap="xs">
          {canWrite && (
            <Button variant="light" onClick={() => setEditing(true)} data-testid="edit-household">
              {t('people.edit.household')}
            </Button>
          )}
          <Button variant="default" onClick={() => window.print()}>
            {t('people.card.print')}
          </Button>
          <Button variant="subtle" component="a" href={`/api/v1/people/households/${h.id}/qr?format=png`} download={`${h.reference}.png`}>
            {t('people.card.downloadQr')}
          </Button>
        </Group>
      </Group>

      <HouseholdFlags op={op} householdId={h.id} names={Object.fromEntries(h.members.map((m) => [m.id, m.displayName]))} />

      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            <Card withBorder padding="sm">
              <HouseholdFacts household={h} solarHijri={sh} />
              {h.notes && (
                <Text size="sm" mt="sm" style={{ whiteSpace: 'pre-wrap', unicodeBidi: 'plaintext' }}>
                  <Text span c="dimmed" size="xs" fw={700}>
                    {t('people.fields.notes')}:{' '}
                  </Text>
                  {h.notes}
                </Text>
              )}
            </Card>

            <Card withBorder padding="sm">
              <Group justify="space-between" mb="xs">
                <Text fw={600}>{t('people.household.members')}</Text>
                {canWrite && (
                  <Button size="xs" variant="light" onClick={() => setMember('new')} data-testid="add-member">
                    {t('people.household.addMember')}
                  </Button>
                )}
              </Group>
              <MembersTable
                members={h.members}
                actions={
                  canWrite
                    ? (m) =>
                        m.removedAt ? null : (
                          <Group gap={4} wrap="nowrap">
                            <Button size="compact-xs" variant="subtle" onClick={() => setMember(m)} data-testid={`edit-member-${m.id}`}>
                              {t('people.edit.edit')}
                            </Button>
                            {m.relationship !== 'head' && (
                              <Button size="compact-xs" variant="subtle" color="red" onClick={() => setRemoving(m)}>
                                {t('people.edit.remove')}
                              </Button>
                            )}
                          </Group>
                        )
                    : undefined
                }
              />
            </Card>

            {h.sensitive && (
              <Card withBorder padding="sm" data-testid="documents">
                <Group justify="space-between" mb="xs">
                  <Text fw={600}>{t('people.fields.documents')}</Text>
                  {canWrite && (
                    <Button size="xs" variant="light" onClick={() => setAddingDoc(true)} data-testid="add-document">
                      {t('people.doc.add')}
                    </Button>
                  )}
                </Group>
                {docs.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('people.household.noDocuments')}
                  </Text>
                ) : (
                  <Table.ScrollContainer minWidth={600}>
                    <Table verticalSpacing="xs">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{t('people.doc.type')}</Table.Th>
                          <Table.Th>{t('people.fields.name')}</Table.Th>
                          <Table.Th>{t('people.doc.validity')}</Table.Th>
                          <Table.Th>{t('people.doc.history')}</Table.Th>
                          <Table.Th />
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {docs.map(({ d, m }) => (
                          <Table.Tr key={d.id}>
                            <Table.Td>
                              <Text size="sm" fw={600}>
                                {t(`people.docType.${d.type}`)}
                              </Text>
                              <Text size="xs">
                                <bdi dir="ltr">{d.number}</bdi> · {t(`people.countries.${d.issuingCountry}`, { defaultValue: d.issuingCountry })}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <PersonNames person={m} size="xs" strong={false} />
                            </Table.Td>
                            <Table.Td>
                              <Text size="xs">
                                {d.validFrom ? <DateLabel value={d.validFrom} /> : '…'} – {d.validTo ? <DateLabel value={d.validTo} /> : '…'}
                              </Text>
                            </Table.Td>
                            <Table.Td>
                              <Stack gap={0}>
                                {d.history.map((e, i) => (
                                  <Text key={i} size="xs" fw={i === d.history.length - 1 ? 700 : undefined} c={i === d.history.length - 1 ? undefined : 'dimmed'}>
                                    {t(`people.docStatus.${e.status}`)} · <DateLabel value={e.on} />
                                    {e.validTo ? ` → ${e.validTo}` : ''}
                                    {e.note ? ` · ${e.note}` : ''}
                                  </Text>
                                ))}
                              </Stack>
                            </Table.Td>
                            <Table.Td>
                              {canWrite && (
                                <Button size="compact-xs" variant="subtle" onClick={() => setDocStatus(d)}>
                                  {t('people.doc.changeStatus')}
                                </Button>
                              )}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                )}
              </Card>
            )}

            {showVulnerabilities && (
              <Card withBorder padding="sm" data-testid="vulnerabilities">
                <Text fw={600} mb="xs">
                  {t('people.household.vulnerabilities')}
                </Text>
                {h.femaleHeaded && (
                  <Badge color="orange" variant="light" mb="xs" tt="none">
                    {t('people.fields.femaleHeaded')}
                  </Badge>
                )}
                {vulnerable.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('people.household.noVulnerabilities')}
                  </Text>
                ) : (
                  <Stack gap="xs">
                    {vulnerable.map((m) => (
                      <Group key={m.id} align="flex-start" gap="md" wrap="nowrap">
                        <div style={{ minWidth: 160 }}>
                          <PersonNames person={m} size="xs" />
                        </div>
                        <Group gap={4}>
                          {m.vulnerabilities!.disability && (
                            <Badge color="orange" size="sm" tt="none">
                              {t('people.wg.disability')}
                            </Badge>
                          )}
                          {m.vulnerabilities!.uasc && (
                            <Badge color="red" size="sm" tt="none">
                              {t('people.fields.uasc')}
                            </Badge>
                          )}
                          {m.vulnerabilities!.specificNeeds.map((c) => (
                            <Badge key={c} variant="light" size="sm" tt="none">
                              {c} · {t(`people.needs.${c}`)}
                            </Badge>
                          ))}
                          {m.vulnerabilities!.washingtonGroup &&
                            WG_DOMAINS.filter((d) => m.vulnerabilities!.washingtonGroup![d] && m.vulnerabilities!.washingtonGroup![d] !== 'no_difficulty').map((d) => (
                              <Badge key={d} variant="outline" size="sm" color="gray" tt="none">
                                {t(`people.wg.domains.${d}`)}: {t(`people.wg.levels.${m.vulnerabilities!.washingtonGroup![d]}`)}
                              </Badge>
                            ))}
                        </Group>
                      </Group>
                    ))}
                  </Stack>
                )}
              </Card>
            )}

            <Card withBorder padding="sm" data-testid="consents">
              <Group justify="space-between" mb="xs">
                <Text fw={600}>{t('people.fields.consent')}</Text>
                {canWrite && (
                  <Button size="xs" variant="light" onClick={() => setConsenting(true)} data-testid="add-consent">
                    {t('people.consent.add')}
                  </Button>
                )}
              </Group>
              {h.consents.length === 0 ? (
                <Alert color="yellow">{t('people.household.noConsent')}</Alert>
              ) : (
                <Stack gap={6}>
                  {h.consents.map((c) => (
                    <Group key={c.id} justify="space-between" wrap="nowrap">
                      <div>
                        <Text size="sm" fw={600} td={c.withdrawnAt ? 'line-through' : undefined}>
                          {t(`people.consent.purpose.${c.purpose}`)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t('people.consent.givenOn')} <DateLabel value={c.givenOn} solarHijri={sh} />
                          {c.withdrawnAt && (
                            <>
                              {' · '}
                              {t('people.consent.withdrawnOn')} <DateLabel value={c.withdrawnAt} solarHijri={sh} />
                              {c.withdrawalReason ? ` · ${c.withdrawalReason}` : ''}
                            </>
                          )}
                        </Text>
                      </div>
                      {canWrite && !c.withdrawnAt && (
                        <Button size="compact-xs" color="red" variant="light" onClick={() => setWithdrawing(c)} data-testid={`withdraw-${c.purpose}`}>
                          {t('people.consent.withdraw')}
                        </Button>
                      )}
                    </Group>
                  ))}
                </Stack>
              )}
            </Card>
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="md">
            <Card withBorder padding="sm">
              <HouseholdCard household={h} solarHijri={sh} />
            </Card>
            <Card withBorder padding="sm">
              <Text fw={600} mb="xs">
                {t('people.household.timeline')}
              </Text>
              <HouseholdTimeline household={h} solarHijri={sh} />
            </Card>
            <Card withBorder padding="sm" data-testid="versions">
              <Text fw={600} mb="xs">
                {t('people.household.versions')}
              </Text>
              <Stack gap={2}>
                {h.versions.map((v) => (
                  <Group key={v.version} justify="space-between" wrap="nowrap">
                    <Button size="compact-xs" variant="subtle" onClick={() => setVersion(v.version)}>
                      v{v.version} · {kindLabel(t, v.action, v.action)}
                    </Button>
                    <Text size="xs" c="dimmed">
                      <DateLabel value={v.at} time style="short" />
                    </Text>
                  </Group>
                ))}
              </Stack>
            </Card>
          </Stack>
        </Grid.Col>
      </Grid>

      {editing && <EditHousehold household={h} onClose={() => setEditing(false)} />}
      {member && <EditMember household={h} member={member === 'new' ? null : member} onClose={() => setMember(null)} />}
      {removing && <RemoveMember household={h} member={removing} onClose={() => setRemoving(null)} />}
      {addingDoc && <AddDocument household={h} onClose={() => setAddingDoc(false)} />}
      {docStatus && <DocumentStatusModal household={h} document={docStatus} onClose={() => setDocStatus(null)} />}
      {consenting && <AddConsent household={h} onClose={() => setConsenting(false)} />}
      {withdrawing && <WithdrawConsent household={h} consent={withdrawing} onClose={() => setWithdrawing(null)} />}
      {version !== null && <VersionModal household={h} version={version} onClose={() => setVersion(null)} solarHijri={sh} />}
    </Stack>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The household's journey, oldest first: the crossing (from the household), then what modules recorded. */
function HouseholdTimeline({ household: h, solarHijri }: { household: HouseholdDetail; solarHijri?: boolean }) {
  const { t } = useTranslation();
  const q = useTimeline(h.id);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const events = [...q.data.items];
  if (h.crossingDate) events.push({ at: h.crossingDate, module: 'people', kind: 'border_crossing', title: 'Crossed the border', by: null, individualId: null, details: null });
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (!events.length) return <Text size="sm" c="dimmed">{t('people.household.noEvents')}</Text>;
  return (
    <Timeline bulletSize={14} lineWidth={2} active={events.length} data-testid="timeline">
      {events.map((e, i) => (
        <Timeline.Item
          key={i}
          title={
            <Group gap={4}>
              <Text size="sm" fw={600}>
                {kindLabel(t, e.kind, e.title)}
                {typeof e.details?.purpose === 'string' && (
                  <Text span size="sm" fw={400}>
                    {' · '}
                    {t(`people.consent.purpose.${e.details.purpose}`, { defaultValue: e.details.purpose })}
                  </Text>
                )}
                {typeof e.details?.status === 'string' && typeof e.details?.type === 'string' && (
                  <Text span size="sm" fw={400}>
                    {' · '}
                    {t(`people.docType.${e.details.type}`, { defaultValue: e.details.type })}: {t(`people.docStatus.${e.details.status}`, { defaultValue: e.details.status })}
                  </Text>
                )}
              </Text>
              {e.module !== 'people' && (
                <Badge size="xs" variant="light" tt="none">
                  {t(`modules.${e.module}`, { defaultValue: e.module })}
                </Badge>
              )}
            </Group>
          }
        >
          {e.kind === 'border_crossing' && h.crossingSiteId && (
            <Text size="xs">
              <SiteName operation={h.operationId} id={h.crossingSiteId} />
            </Text>
          )}
          <Text size="xs" c="dimmed">
            <DateLabel value={e.at} time={e.at.length > 10} solarHijri={solarHijri} />
            {e.by && !UUID.test(e.by) ? ` · ${e.by}` : ''}
          </Text>
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

/** Mutations on a household: the answer replaces the cached household; a 409 offers a reload. */
function useHouseholdMutation<V>(household: HouseholdDetail, fn: (v: V) => Promise<unknown>, onDone: () => void) {
  const qc = useQueryClient();
  const { t } = useTranslation();
  return useMutation({
    mutationFn: fn,
    onSuccess: (res) => {
      if (res && typeof res === 'object' && 'reference' in res && 'members' in res) qc.setQueryData(peopleKeys.household(household.id), res);
      void qc.invalidateQueries({ queryKey: peopleKeys.household(household.id) });
      void qc.invalidateQueries({ queryKey: ['people', 'list'] });
      notifications.show({ color: 'teal', message: t('people.edit.saved') });
      onDone();
    },
  });
}

function useReload(household: HouseholdDetail, onClose: () => void) {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: peopleKeys.household(household.id) });
    onClose();
  };
}

function EditHousehold({ household: h, onClose }: { household: HouseholdDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState({
    populationGroup: h.populationGroup,
    status: h.status,
    currentPcode: h.currentPcode,
    destinationPcode: h.destinationPcode,
    crossingDate: h.crossingDate ?? '',
    femaleHeaded: !!h.femaleHeaded,
    notes: h.notes ?? '',
  });
  const m = useHouseholdMutation(h, (body: HouseholdUpdate) => peopleApi.update(h.id, body), onClose);
  const reload = useReload(h, onClose);
  const submit = () => {
    const body: HouseholdUpdate = { baseVersion: h.version };
    if (form.populationGroup !== h.populationGroup) body.populationGroup = form.populationGroup;
    if (form.status !== h.status) body.status = form.status;
    if (form.currentPcode !== h.currentPcode) body.currentPcode = form.currentPcode;
    if (form.destinationPcode !== h.destinationPcode) body.destinationPcode = form.destinationPcode;
    if ((form.crossingDate || null) !== h.crossingDate) body.crossingDate = form.crossingDate || null;
    if (h.femaleHeaded !== null && form.femaleHeaded !== h.femaleHeaded) body.femaleHeaded = form.femaleHeaded;
    if ((form.notes.trim() || null) !== h.notes) body.notes = form.notes.trim() || null;
    m.mutate(body);
  };
  return (
    <Modal opened onClose={onClose} title={t('people.edit.household')} size="lg">
      <form onSubmit={(e) => (e.preventDefault(), submit())}>
        <Stack gap="sm">
          <SimpleGrid cols={2}>
            <NativeSelect
              label={t('people.fields.populationGroup')}
              value={form.populationGroup}
              onChange={(e) => setForm({ ...form, populationGroup: e.currentTarget.value as typeof form.populationGroup })}
              data={POPULATION_GROUPS.map((g) => ({ value: g, label: t(`people.populationGroup.${g}`) }))}
            />
            <NativeSelect
              label={t('people.fields.status')}
              value={form.status}
              onChange={(e) => setForm({ ...form, status: e.currentTarget.value as typeof form.status })}
              data={HOUSEHOLD_STATUSES.filter((s) => s !== 'merged' || h.status === 'merged').map((s) => ({ value: s, label: t(`people.status.${s}`) }))}
            />
            <AreaPicker operation={h.operationId} placeholder={t('people.fields.placePlaceholder')} label={t('people.fields.currentPlace')} description={null} value={form.currentPcode} onChange={(currentPcode) => setForm({ ...form, currentPcode })} />
            <AreaPicker operation={h.operationId} placeholder={t('people.fields.placePlaceholder')} label={t('people.fields.destination')} description={null} value={form.destinationPcode} onChange={(destinationPcode) => setForm({ ...form, destinationPcode })} />
            <TextInput type="date" label={t('people.fields.crossingDate')} value={form.crossingDate} onChange={(e) => setForm({ ...form, crossingDate: e.currentTarget.value })} />
            {h.femaleHeaded !== null && (
              <Checkbox mt={28} label={t('people.fields.femaleHeaded')} checked={form.femaleHeaded} onChange={(e) => setForm({ ...form, femaleHeaded: e.currentTarget.checked })} />
            )}
          </SimpleGrid>
          <Textarea label={t('people.fields.notes')} autosize minRows={2} value={form.notes} onChange={(e) => setForm({ ...form, notes: e.currentTarget.value })} />
          <MutationError error={m.error} onReload={reload} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} data-testid="save-edit">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function dobOf(b: BirthView | null): DobInput {
  if (!b) return { mode: 'exact', text: '' };
  switch (b.precision) {
    case 'exact':
    case 'month':
      return { mode: 'exact', text: b.input };
    case 'year':
      return { mode: 'year', text: b.input };
    case 'estimated_age':
      return { mode: 'age', text: b.input };
    case 'solar_hijri':
      return { mode: 'solarHijri', text: b.input };
  }
}

function draftOf(m: IndividualView): MemberDraft {
  return {
    ...emptyMember(m.relationship),
    id: m.id,
    givenName: m.givenName ?? '',
    fatherName: m.fatherName ?? '',
    familyName: m.familyName ?? '',
    givenNameAr: m.givenNameAr ?? '',
    fatherNameAr: m.fatherNameAr ?? '',
    familyNameAr: m.familyNameAr ?? '',
    sex: m.sex,
    dob: dobOf(m.birth),
    phone: m.phones?.[0]?.number ?? '',
    wg: Object.fromEntries(Object.entries(m.vulnerabilities?.washingtonGroup ?? {}).filter(([, v]) => v)) as Record<string, string>,
    needs: m.vulnerabilities?.specificNeeds ?? [],
    uasc: m.vulnerabilities?.uasc ?? false,
    elsewhere: m.elsewhereOperationId ?? '',
  };
}

/** Edit a member (only the fields that changed are sent), or add one. */
function EditMember({ household: h, member, onClose }: { household: HouseholdDetail; member: IndividualView | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [initial] = useState(() => (member ? draftOf(member) : emptyMember('')));
  const [d, setD] = useState<MemberDraft>(initial);
  const set = (patch: Partial<MemberDraft>) => setD((x) => ({ ...x, ...patch }));
  const reload = useReload(h, onClose);
  const m = useHouseholdMutation(
    h,
    (draft: MemberDraft) => {
      if (!member) return peopleApi.addMember(h.id, { baseVersion: h.version, member: memberInputOf(draft) });
      const full = memberInputOf(draft);
      const before = memberInputOf(initial);
      const body: MemberUpdate = { baseVersion: h.version };
      for (const k of ['relationship', 'givenName', 'fatherName', 'familyName', 'givenNameAr', 'fatherNameAr', 'familyNameAr', 'sex'] as const) {
        if (full[k] !== before[k]) (body as Record<string, unknown>)[k] = full[k];
      }
      if (draft.elsewhere !== initial.elsewhere) body.elsewhereOperationId = draft.elsewhere || null;
      if (draft.dob.text !== initial.dob.text || draft.dob.mode !== initial.dob.mode) body.birth = birthOf(draft);
      if (h.sensitive) {
        if (draft.phone !== initial.phone) body.phones = full.phones;
        if (JSON.stringify(full.washingtonGroup) !== JSON.stringify(before.washingtonGroup)) body.washingtonGroup = full.washingtonGroup;
        if (JSON.stringify(full.specificNeeds) !== JSON.stringify(before.specificNeeds)) body.specificNeeds = full.specificNeeds;
        if (full.uasc !== before.uasc) body.uasc = full.uasc;
      }
      return peopleApi.updateMember(h.id, member.id, body);
    },
    onClose,
  );
  const invalid = !d.sex || !d.relationship || ![d.givenName, d.fatherName, d.familyName, d.givenNameAr, d.fatherNameAr, d.familyNameAr].some((s) => s.trim());
  return (
    <Modal opened onClose={onClose} title={member ? t('people.edit.member') : t('people.household.addMember')} size="xl">
      <form onSubmit={(e) => (e.preventDefault(), !invalid && m.mutate(d))}>
        <Stack gap="sm">
          <SimpleGrid cols={3} spacing="xs">
            <LatinNameInput label={t('people.fields.givenName')} value={d.givenName} onChange={(givenName) => set({ givenName })} data-autofocus />
            <LatinNameInput label={t('people.fields.fatherName')} value={d.fatherName} onChange={(fatherName) => set({ fatherName })} />
            <LatinNameInput label={t('people.fields.familyName')} value={d.familyName} onChange={(familyName) => set({ familyName })} />
            <ArabicNameInput label={t('people.fields.givenNameAr')} value={d.givenNameAr} onChange={(givenNameAr) => set({ givenNameAr })} />
            <ArabicNameInput label={t('people.fields.fatherNameAr')} value={d.fatherNameAr} onChange={(fatherNameAr) => set({ fatherNameAr })} />
            <ArabicNameInput label={t('people.fields.familyNameAr')} value={d.familyNameAr} onChange={(familyNameAr) => set({ familyNameAr })} />
            <NativeSelect
              label={t('people.fields.sex')}
              value={d.sex}
              onChange={(e) => set({ sex: e.currentTarget.value })}
              data={[{ value: '', label: '—' }, ...SEXES.map((s) => ({ value: s, label: t(`people.sex.${s}`) }))]}
            />
            <NativeSelect
              label={t('people.fields.relationship')}
              value={d.relationship}
              onChange={(e) => set({ relationship: e.currentTarget.value })}
              data={[{ value: '', label: '—' }, ...RELATIONSHIPS.map((r) => ({ value: r, label: t(`people.relationship.${r}`) }))]}
            />
            <div>
              <Text size="sm" fw={500}>
                {t('people.fields.dob')}
              </Text>
              <DobField value={d.dob} onChange={(dob) => set({ dob })} />
            </div>
            <NativeSelect
              label={t('people.fields.elsewhere')}
              value={d.elsewhere}
              onChange={(e) => set({ elsewhere: e.currentTarget.value })}
              data={[{ value: '', label: t('people.fields.elsewhereNo') }, ...OPERATIONS.filter((o) => o !== h.operationId).map((o) => ({ value: o, label: t(`people.countries.${o}`) }))]}
            />
          </SimpleGrid>
          {(h.sensitive || !member) && (
            <>
              <TextInput dir="ltr" type="tel" label={t('people.fields.phone')} value={d.phone} onChange={(e) => set({ phone: e.currentTarget.value })} maw={260} />
              <SimpleGrid cols={3} spacing="xs">
                {WG_DOMAINS.map((dom) => (
                  <NativeSelect
                    key={dom}
                    size="xs"
                    label={t(`people.wg.domains.${dom}`)}
                    value={d.wg[dom] ?? ''}
                    onChange={(e) => set({ wg: { ...d.wg, [dom]: e.currentTarget.value } })}
                    data={[{ value: '', label: t('people.wg.notAsked') }, ...WG_LEVELS.map((l) => ({ value: l, label: t(`people.wg.levels.${l}`) }))]}
                  />
                ))}
              </SimpleGrid>
              <Chip.Group multiple value={d.needs} onChange={(needs) => set({ needs })}>
                <Group gap={4}>
                  {SPECIFIC_NEEDS.map((c) => (
                    <Chip key={c} value={c} size="xs" variant="outline">
                      {c} · {t(`people.needs.${c}`)}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              <Checkbox size="xs" label={t('people.fields.uasc')} checked={d.uasc} onChange={(e) => set({ uasc: e.currentTarget.checked })} />
            </>
          )}
          <MutationError error={m.error} onReload={reload} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={m.isPending} disabled={invalid} data-testid="save-member">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function RemoveMember({ household: h, member, onClose }: { household: HouseholdDetail; member: IndividualView; onClose: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<(typeof REMOVAL_REASONS)[number]>('left_household');
  const [note, setNote] = useState('');
  const reload = useReload(h, onClose);
  const m = useHouseholdMutation(h, () => peopleApi.removeMember(h.id, member.id, { baseVersion: h.version, reason, note: note.trim() || null }), onClose);
  return (
    <Modal opened onClose={onClose} title={t('people.edit.removeTitle')}>
      <Stack gap="sm">
        <PersonNames person={member} />
        <NativeSelect label={t('people.edit.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value as typeof reason)} data={REMOVAL_REASONS.map((r) => ({ value: r, label: t(`people.removal.${r}`) }))} />
        <TextInput label={t('people.fields.notes')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        <MutationError error={m.error} onReload={reload} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={m.isPending} onClick={() => m.mutate(undefined)}>
            {t('people.edit.remove')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function AddDocument({ household: h, onClose }: { household: HouseholdDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const members = h.members.filter((m) => !m.removedAt);
  const [who, setWho] = useState(members[0]?.id ?? '');
  const [doc, setDoc] = useState(() => emptyDocument());
  const reload = useReload(h, onClose);
  const m = useHouseholdMutation(
    h,
    () =>
      peopleApi.addDocument(h.id, who, {
        baseVersion: h.version,
        document: {
          id: doc.key,
          type: doc.type as DocumentType,
          number: normaliseDocumentNumber(doc.number),
          issuingCountry: doc.issuingCountry,
          validFrom: doc.validFrom || null,
          validTo: doc.validUntil || null,
          status: 'issued',
        },
      }),
    onClose,
  );
  const invalid = !who || !doc.type || !doc.number.trim() || !/^[A-Z]{3}$/.test(doc.issuingCountry);
  return (
    <Modal opened onClose={onClose} title={t('people.doc.add')}>
      <Stack gap="sm">
        <NativeSelect
          label={t('people.fields.name')}
          value={who}
          onChange={(e) => setWho(e.currentTarget.value)}
          data={members.map((x) => ({ value: x.id, label: x.displayName }))}
        />
        <NativeSelect
          label={t('people.doc.type')}
          value={doc.type}
          onChange={(e) => {
            const type = e.currentTarget.value as DocumentType;
            setDoc({ ...doc, type, issuingCountry: DOCUMENT_COUNTRY[type] ?? doc.issuingCountry });
          }}
        >
          <option value="">—</option>
          {DOCUMENT_GROUPS.map((g) => (
            <optgroup key={g.country} label={t(`people.countries.${g.country}`)}>
              {g.types.map((ty) => (
                <option key={ty} value={ty}>
                  {t(`people.docType.${ty}`)}
                </option>
              ))}
            </optgroup>
          ))}
        </NativeSelect>
        <TextInput dir="ltr" label={t('people.doc.number')} value={doc.number} onChange={(e) => setDoc({ ...doc, number: e.currentTarget.value })} />
        <NativeSelect
          label={t('people.doc.country')}
          value={doc.issuingCountry}
          onChange={(e) => setDoc({ ...doc, issuingCountry: e.currentTarget.value })}
          data={[{ value: '', label: '—' }, ...ISSUING_COUNTRIES.map((c) => ({ value: c, label: t(`people.countries.${c}`) }))]}
        />
        <SimpleGrid cols={2}>
          <TextInput type="date" label={t('people.doc.validFrom')} value={doc.validFrom} onChange={(e) => setDoc({ ...doc, validFrom: e.currentTarget.value })} />
          <TextInput type="date" label={t('people.doc.validUntil')} value={doc.validUntil} onChange={(e) => setDoc({ ...doc, validUntil: e.currentTarget.value })} />
        </SimpleGrid>
        <MutationError error={m.error} onReload={reload} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={m.isPending} disabled={invalid} onClick={() => m.mutate(undefined)}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function DocumentStatusModal({ household: h, document: d, onClose }: { household: HouseholdDetail; document: DocumentView; onClose: () => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<(typeof DOCUMENT_STATUSES)[number]>(d.status === 'issued' ? 'extended' : d.status);
  const [on, setOn] = useState(new Date().toISOString().slice(0, 10));
  const [validTo, setValidTo] = useState('');
  const [note, setNote] = useState('');
  const reload = useReload(h, onClose);
  const m = useHouseholdMutation(h, () => peopleApi.documentStatus(d.id, { status, on, validTo: validTo || null, note: note.trim() || null }), onClose);
  return (
    <Modal opened onClose={onClose} title={t('people.doc.changeStatus')}>
      <Stack gap="sm">
        <Text size="sm">
          {t(`people.docType.${d.type}`)} <bdi dir="ltr">{d.number}</bdi>
        </Text>
        <NativeSelect label={t('people.doc.status')} value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)} data={DOCUMENT_STATUSES.map((s) => ({ value: s, label: t(`people.docStatus.${s}`) }))} />
        <TextInput type="date" label={t('people.doc.statusOn')} value={on} onChange={(e) => setOn(e.currentTarget.value)} />
        <TextInput type="date" label={t('people.doc.newValidUntil')} value={validTo} onChange={(e) => setValidTo(e.currentTarget.value)} />
        <TextInput label={t('people.fields.notes')} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
        <MutationError error={m.error} onReload={reload} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={m.isPending} onClick={() => m.mutate(undefined)}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function AddConsent({ household: h, onClose }: { household: HouseholdDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const members = h.members.filter((m) => !m.removedAt);
  const [id] = useState(() => uuidv7());
  const [purpose, setPurpose] = useState<(typeof CONSENT_PURPOSES)[number]>('registration');
  const [who, setWho] = useState(members.find((m) => m.relationship === 'head')?.id ?? members[0]?.id ?? '');
  const [givenOn, setGivenOn] = useState(today());
  const reload = useReload(h, onClose);
  const m = useHouseholdMutation(h, () => peopleApi.addConsent(h.id, { consent: { id, purpose, individualId: who || null, givenOn, notes: null } }), onClose);
  return (
    <Modal opened onClose={onClose} title={t('people.consent.add')}>
      <Stack gap="sm">
        <NativeSelect label={t('people.consent.purposes')} value={purpose} onChange={(e) => setPurpose(e.currentTarget.value as typeof purpose)} data={CONSENT_PURPOSES.map((p) => ({ value: p, label: t(`people.consent.purpose.${p}`) }))} />
        <NativeSelect label={t('people.consent.who')} value={who} onChange={(e) => setWho(e.currentTarget.value)} data={members.map((x) => ({ value: x.id, label: x.displayName }))} />
        <TextInput type="date" label={t('people.consent.date')} value={givenOn} onChange={(e) => setGivenOn(e.currentTarget.value)} />
        <MutationError error={m.error} onReload={reload} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button loading={m.isPending} disabled={!givenOn} onClick={() => m.mutate(undefined)}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function WithdrawConsent({ household: h, consent, onClose }: { household: HouseholdDetail; consent: ConsentView; onClose: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const reload = useReload(h, onClose);
  const m = useHouseholdMutation(h, () => peopleApi.withdrawConsent(consent.id, { reason: reason.trim() || null }), onClose);
  return (
    <Modal opened onClose={onClose} title={t('people.consent.withdrawTitle')}>
      <Stack gap="sm">
        <Text size="sm">{t('people.consent.withdrawText', { purpose: t(`people.consent.purpose.${consent.purpose}`) })}</Text>
        <TextInput label={t('people.edit.reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        <MutationError error={m.error} onReload={reload} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={m.isPending} onClick={() => m.mutate(undefined)} data-testid="confirm-withdraw">
            {t('people.consent.withdraw')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function VersionModal({ household: h, version, onClose, solarHijri }: { household: HouseholdDetail; version: number; onClose: () => void; solarHijri?: boolean }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: peopleKeys.version(h.id, version), queryFn: ({ signal }) => peopleApi.version(h.id, version, signal), staleTime: Infinity });
  return (
    <Modal opened onClose={onClose} title={t('people.household.versionTitle', { version })} size="xl">
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorState error={q.error} />
      ) : (
        <Stack gap="sm">
          <Group gap="md">
            <Fact label={t('people.household.change')}>{kindLabel(t, q.data.action, q.data.action)}</Fact>
            <Fact label={t('people.household.when')}>
              <DateLabel value={q.data.at} time solarHijri={solarHijri} />
            </Fact>
            <Fact label={t('people.household.who')}>{q.data.by ?? '—'}</Fact>
          </Group>
          <HouseholdFacts household={q.data.snapshot} solarHijri={solarHijri} />
          <MembersTable members={q.data.snapshot.members} />
        </Stack>
      )}
    </Modal>
  );
}
