import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { Alert, Button, Card, Checkbox, Chip, Drawer, Group, Kbd, List, NativeSelect, Popover, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { HouseholdDetail } from '../../../../src/modules/people/contract';
import { CONSENT_PURPOSES, POPULATION_GROUPS } from '../../../../src/modules/people/kinds';
import { issueText } from '../../i18n/issues';
import { isApiError } from '../../api';
import { useOperation, useSites } from '../places/api';
import { AreaPicker } from '../places/AreaPicker';
import { displayName } from '../places/names';
import { ErrorState } from '../../shell/states';
import { ButtonLink } from '../../shell/links';
import { can, useMe } from '../../shell/session';
import { peopleApi, peopleKeys } from './api';
import { draftReducer, emptyHousehold, memberHasContent, type HouseholdDraft } from './draft';
import { DuplicateCheck } from './DuplicateCheck';
import { commandFor, enterBelongsToTarget, focusCell, focusStep } from './keyboard';
import { householdCreateOf, problemsOf, type DraftProblem } from './mapping';
import { MemberRows, type RowProblems } from './MemberRows';
import { HouseholdOverview } from './HouseholdOverview';
import { SavedHousehold } from './SavedHousehold';
import './people.css';

const storageKey = (op: string) => `hamrah.people.draft.${op}`;

function loadDraft(op: string): HouseholdDraft | null {
  try {
    const raw = sessionStorage.getItem(storageKey(op));
    const d = raw ? (JSON.parse(raw) as HouseholdDraft) : null;
    return d && Array.isArray(d.members) && d.members.length ? d : null;
  } catch {
    return null;
  }
}

/** Serious flags the officer continued past, written into the household's notes. */
function flaggedNote(d: HouseholdDraft): string | null {
  const lines = d.members.flatMap((m) =>
    m.flagged.map((f) => `Possible duplicate flagged at registration: ${[m.givenName || m.givenNameAr, m.familyName || m.familyNameAr].filter(Boolean).join(' ')} ~ ${f.reference} (${f.decision}, score ${f.score.toFixed(1)})`),
  );
  return lines.length ? lines.join('\n') : null;
}

export default function RegisterPage() {
  const { t, i18n } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/people/register' });
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe();
  const operation = useOperation(op);
  const sites = useSites(op);
  const [draft, dispatch] = useReducer(draftReducer, op, (o) => loadDraft(o) ?? emptyHousehold());
  const [showProblems, setShowProblems] = useState(false);
  const [saved, setSaved] = useState<HouseholdDetail | null>(null);
  const [compare, setCompare] = useState<{ id: string; op: string } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const pendingFocus = useRef<{ row: number; col: string } | null>(null);
  const canWrite = can(me.data, 'people.write', op);

  // Keep the draft in this tab, so a reload or a look at an existing household loses nothing.
  useEffect(() => {
    try {
      sessionStorage.setItem(storageKey(op), JSON.stringify(draft));
    } catch {
      /* storage full or disabled: the draft lives in memory only */
    }
  }, [draft, op]);

  useEffect(() => {
    if (!pendingFocus.current || !formRef.current) return;
    const { row, col } = pendingFocus.current;
    pendingFocus.current = null;
    focusCell(formRef.current, row, col);
  });

  const save = useMutation({
    mutationFn: () => peopleApi.create(householdCreateOf(draft, op, flaggedNote(draft))),
    onSuccess: (hh) => {
      qc.setQueryData(peopleKeys.household(hh.id), hh);
      void qc.invalidateQueries({ queryKey: ['people', 'list'] });
      void qc.invalidateQueries({ queryKey: ['people', 'search'] });
      setSaved(hh);
      try {
        sessionStorage.removeItem(storageKey(op));
      } catch {
        /* ignore */
      }
    },
  });

  const problems = useMemo(() => problemsOf(draft), [draft]);
  const rowProblems = useMemo(() => {
    const map = new Map<number, RowProblems>();
    if (!showProblems) return map;
    for (const p of problems) if (p.where === 'member') map.set(p.index, { ...map.get(p.index), [p.field]: true });
    return map;
  }, [problems, showProblems]);
  const householdProblem = (field: string) => showProblems && problems.some((p) => p.where === 'household' && p.field === field);

  const trySave = useCallback(() => {
    if (save.isPending) return;
    setShowProblems(true);
    if (problems.length) return;
    save.mutate();
  }, [problems, save]);

  const nextHousehold = () => {
    // A desk at a transit centre keeps its crossing point, date and place from one family to the next.
    dispatch({
      type: 'reset',
      draft: emptyHousehold({ crossingSiteId: draft.crossingSiteId, crossingDate: draft.crossingDate, currentPcode: draft.currentPcode, populationGroup: draft.populationGroup }),
    });
    setSaved(null);
    setShowProblems(false);
    save.reset();
    pendingFocus.current = { row: 0, col: 'givenName' };
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    const cmd = commandFor(e);
    if (!cmd) return;
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('[data-member-row]');
    const row = rowEl ? Number(rowEl.dataset.memberRow) : -1;
    const col = target.dataset.col ?? 'givenName';
    switch (cmd.kind) {
      case 'save':
        e.preventDefault();
        trySave();
        return;
      case 'next':
      case 'previous':
        if (enterBelongsToTarget(target)) return;
        e.preventDefault();
        focusStep(formRef.current!, target, cmd.kind === 'next' ? 1 : -1);
        return;
      case 'addRow': {
        e.preventDefault();
        const after = row >= 0 ? row : draft.members.length - 1;
        dispatch({ type: 'add', after, relationship: draft.members.length === 0 ? 'head' : '' });
        pendingFocus.current = { row: after + 1, col: 'givenName' };
        return;
      }
      case 'rowAbove':
      case 'rowBelow':
        if (row < 0) return;
        e.preventDefault();
        focusCell(formRef.current!, row + (cmd.kind === 'rowAbove' ? -1 : 1), col);
        return;
      case 'moveUp':
      case 'moveDown': {
        if (row < 0) return;
        e.preventDefault();
        const by = cmd.kind === 'moveUp' ? -1 : 1;
        if (row + by < 0 || row + by >= draft.members.length) return;
        dispatch({ type: 'move', index: row, by });
        pendingFocus.current = { row: row + by, col };
        return;
      }
      case 'removeRow':
        if (row < 0) return;
        e.preventDefault();
        dispatch({ type: 'remove', index: row });
        pendingFocus.current = { row: Math.max(0, row - 1), col: 'givenName' };
        return;
      case 'toggleDetails':
        if (row < 0) return;
        e.preventDefault();
        dispatch({ type: 'member', index: row, patch: { open: !draft.members[row]!.open } });
        return;
    }
  };

  const bcps = (sites.data?.items ?? []).filter((s) => s.active && (s.kind === 'border_crossing_point' || s.flowMonitoring));
  const members = draft.members.filter(memberHasContent).length;

  if (saved) return <SavedHousehold op={op} household={saved} onNext={nextHousehold} solarHijri={operation.data?.solarHijri} />;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{t('people.register.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('people.register.subtitle')}
          </Text>
        </div>
        <KeyboardHelp />
      </Group>
      {!canWrite && me.data && <Alert color="yellow">{t('people.register.noPermission')}</Alert>}
      <form ref={formRef} onKeyDown={onKeyDown} onSubmit={(e) => (e.preventDefault(), trySave())} noValidate data-testid="register-form">
        <Stack gap="md">
          <Card withBorder padding="sm">
            <Text fw={600} mb="xs">
              {t('people.register.household')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
              <NativeSelect
                label={t('people.fields.populationGroup')}
                required
                value={draft.populationGroup}
                onChange={(e) => dispatch({ type: 'household', patch: { populationGroup: e.currentTarget.value } })}
                data={[{ value: '', label: '—' }, ...POPULATION_GROUPS.map((g) => ({ value: g, label: t(`people.populationGroup.${g}`) }))]}
                error={householdProblem('populationGroup') ? t('people.problems.populationGroup') : undefined}
                data-nav
                data-testid="population-group"
                autoFocus
              />
              <NativeSelect
                label={t('people.fields.crossingPoint')}
                value={draft.crossingSiteId ?? ''}
                onChange={(e) => dispatch({ type: 'household', patch: { crossingSiteId: e.currentTarget.value || null } })}
                data={[{ value: '', label: '—' }, ...bcps.map((s) => ({ value: s.id, label: displayName(s, i18n.language) }))]}
                data-nav
                data-testid="crossing-point"
              />
              <TextInput
                type="date"
                label={t('people.fields.crossingDate')}
                value={draft.crossingDate}
                max={new Date().toISOString().slice(0, 10)}
                onChange={(e) => dispatch({ type: 'household', patch: { crossingDate: e.currentTarget.value } })}
                data-nav
              />
              <Checkbox
                mt={{ base: 0, lg: 28 }}
                label={t('people.fields.femaleHeaded')}
                checked={draft.femaleHeaded}
                onChange={(e) => dispatch({ type: 'household', patch: { femaleHeaded: e.currentTarget.checked } })}
              />
              <AreaPicker
                operation={op}
                placeholder={t('people.fields.placePlaceholder')}
                label={t('people.fields.currentPlace')}
                description={t('people.fields.placeHelp')}
                value={draft.currentPcode}
                onChange={(currentPcode) => dispatch({ type: 'household', patch: { currentPcode } })}
                data-nav
                data-testid="current-place"
              />
              <AreaPicker
                operation={op}
                placeholder={t('people.fields.placePlaceholder')}
                label={t('people.fields.destination')}
                description={t('people.fields.placeHelp')}
                value={draft.destinationPcode}
                onChange={(destinationPcode) => dispatch({ type: 'household', patch: { destinationPcode } })}
                data-nav
                data-testid="destination-place"
              />
            </SimpleGrid>
          </Card>

          <Card withBorder padding="sm">
            <Group justify="space-between" mb={4}>
              <Text fw={600}>{t('people.form.membersCount', { count: members })}</Text>
              <Text size="xs" c="dimmed" className="hamrah-kbd-help">
                <Kbd>Enter</Kbd> {t('people.keys.nextShort')} · <Kbd>Ctrl</Kbd>+<Kbd>Enter</Kbd> {t('people.keys.addShort')} · <Kbd>Alt</Kbd>+<Kbd>↑</Kbd>/<Kbd>↓</Kbd>{' '}
                {t('people.keys.rowShort')} · <Kbd>Alt</Kbd>+<Kbd>Enter</Kbd> {t('people.keys.detailsShort')}
              </Text>
            </Group>
            {householdProblem('head') && (
              <Text c="red" size="sm" mb={4}>
                {t('people.problems.head')}
              </Text>
            )}
            <MemberRows
              operation={op}
              members={draft.members}
              dispatch={dispatch}
              problems={rowProblems}
              below={(index, member) => (
                <DuplicateCheck
                  operation={op}
                  solarHijri={operation.data?.solarHijri}
                  index={index}
                  member={member}
                  household={draft}
                  onFlag={(cands) =>
                    dispatch({
                      type: 'member',
                      index,
                      patch: {
                        flagged: [
                          ...member.flagged.filter((f) => !cands.some((c) => c.person.id === f.personId)),
                          ...cands.map((c) => ({ personId: c.person.id, reference: c.person.householdReference, score: c.score, decision: c.decision })),
                        ],
                      },
                    })
                  }
                  onUnflag={() => dispatch({ type: 'member', index, patch: { flagged: [] } })}
                  onCompare={(id, operationId) => setCompare({ id, op: operationId })}
                  onOpen={(id, operationId) => void navigate({ to: '/op/$op/people/households/$id', params: { op: operationId, id } })}
                />
              )}
            />
            <Group mt="xs" gap="xs">
              <Button
                variant="light"
                size="xs"
                onClick={() => {
                  dispatch({ type: 'add', after: draft.members.length - 1, relationship: '' });
                  pendingFocus.current = { row: draft.members.length, col: 'givenName' };
                }}
                data-testid="add-member"
              >
                {t('people.form.addMember')}
              </Button>
              <Text size="xs" c="dimmed">
                {t('people.form.arabicHelp')}
              </Text>
            </Group>
          </Card>

          <Card withBorder padding="sm" style={householdProblem('consent') ? { borderColor: 'var(--mantine-color-red-6)' } : undefined}>
            <Text fw={600} mb="xs">
              {t('people.fields.consent')}
            </Text>
            <Stack gap="xs">
              <Checkbox
                label={t('people.consent.given')}
                description={t('people.consent.givenHelp')}
                checked={draft.consentGiven}
                onChange={(e) => dispatch({ type: 'household', patch: { consentGiven: e.currentTarget.checked } })}
                error={householdProblem('consent') ? t('people.problems.consent') : undefined}
                data-testid="consent-given"
              />
              <Group gap="md" align="flex-end">
                <div>
                  <Text size="sm" fw={500} mb={4}>
                    {t('people.consent.purposes')}
                  </Text>
                  <Chip.Group multiple value={draft.consentPurposes} onChange={(consentPurposes) => dispatch({ type: 'household', patch: { consentPurposes } })}>
                    <Group gap={4}>
                      {CONSENT_PURPOSES.map((p) => (
                        <Chip key={p} value={p} size="xs">
                          {t(`people.consent.purpose.${p}`)}
                        </Chip>
                      ))}
                    </Group>
                  </Chip.Group>
                </div>
                <TextInput
                  type="date"
                  size="xs"
                  label={t('people.consent.date')}
                  value={draft.consentDate}
                  onChange={(e) => dispatch({ type: 'household', patch: { consentDate: e.currentTarget.value } })}
                  data-nav
                />
              </Group>
            </Stack>
          </Card>

          <Textarea
            label={t('people.fields.notes')}
            autosize
            minRows={1}
            maxRows={4}
            value={draft.notes}
            onChange={(e) => dispatch({ type: 'household', patch: { notes: e.currentTarget.value } })}
          />

          {showProblems && problems.length > 0 && <ProblemList problems={problems} />}
          {save.isError && <SaveError error={save.error} op={op} householdId={draft.id} />}

          <Group justify="space-between">
            <Button
              variant="subtle"
              color="gray"
              onClick={() => {
                dispatch({ type: 'reset', draft: emptyHousehold() });
                setShowProblems(false);
              }}
            >
              {t('people.register.clear')}
            </Button>
            <Group gap="xs">
              <Text size="xs" c="dimmed">
                <Kbd>Ctrl</Kbd>+<Kbd>S</Kbd>
              </Text>
              <Button type="submit" loading={save.isPending} disabled={!canWrite} data-testid="save-household">
                {save.isError ? t('people.register.retry') : t('people.register.save')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
      <Drawer opened={!!compare} onClose={() => setCompare(null)} position="right" size="50%" title={t('people.dup.existing')} withOverlay={false} data-testid="compare-drawer">
        {compare && <HouseholdOverview op={compare.op} id={compare.id} compact />}
      </Drawer>
    </Stack>
  );
}

function ProblemList({ problems }: { problems: DraftProblem[] }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" title={t('people.problems.title')} data-testid="problems">
      <List size="sm">
        {problems.map((p, i) => (
          <List.Item key={i}>{p.where === 'member' ? t('people.problems.inRow', { n: p.index + 1, what: t(`people.problems.${p.field}`) }) : t(`people.problems.${p.field}`)}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

function SaveError({ error, op, householdId }: { error: unknown; op: string; householdId: string }) {
  const { t } = useTranslation();
  if (isApiError(error) && error.status === 409) {
    // The same id with another body: an earlier attempt was stored, then the draft changed.
    return (
      <Alert color="orange" title={t('people.register.alreadySavedTitle')} data-testid="already-saved">
        <Stack gap="xs">
          <Text size="sm">{t('people.register.alreadySaved')}</Text>
          <Group>
            <ButtonLink size="xs" color="orange" to="/op/$op/people/households/$id" params={{ op, id: householdId }}>
              {t('people.register.openHousehold')}
            </ButtonLink>
          </Group>
        </Stack>
      </Alert>
    );
  }
  if (isApiError(error) && error.code === 'VALIDATION_FAILED' && error.fields.length) {
    return (
      <Alert color="red" title={t('people.problems.server')}>
        <List size="sm">
          {error.fields.map((f, i) => (
            <List.Item key={i}>
              <code>{f.path.replace(/^body\./, '')}</code>: {issueText(f)}
            </List.Item>
          ))}
        </List>
      </Alert>
    );
  }
  return <ErrorState error={error} />;
}

function KeyboardHelp() {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    ['Enter / Shift+Enter', t('people.keys.next')],
    ['Ctrl+Enter', t('people.keys.add')],
    ['Alt+↑ / Alt+↓', t('people.keys.row')],
    ['Alt+Shift+↑ / ↓', t('people.keys.move')],
    ['Ctrl+Delete', t('people.keys.remove')],
    ['Alt+Enter', t('people.keys.details')],
    ['Ctrl+S', t('people.keys.save')],
  ];
  return (
    <Popover width={340} position="bottom-end" withArrow>
      <Popover.Target>
        <Button variant="default" size="xs" data-testid="keyboard-help">
          {t('people.keys.title')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={4}>
          {rows.map(([k, v]) => (
            <Group key={k} justify="space-between" wrap="nowrap">
              <Kbd dir="ltr">{k}</Kbd>
              <Text size="sm">{v}</Text>
            </Group>
          ))}
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
