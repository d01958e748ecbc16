import { useMemo } from 'react';
import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { LookupResult } from '../../../../src/modules/people/contract';
import { DateLabel } from '../../shell/DateLabel';
import { peopleApi } from './api';
import type { HouseholdDraft, MemberDraft } from './draft';
import { lookupDraftOf } from './mapping';
import { PersonNames } from './PersonNames';
import { PlaceName } from './PlaceName';

export type Candidate = LookupResult['candidates'][number];

interface Props {
  operation: string;
  solarHijri?: boolean;
  index: number;
  member: MemberDraft;
  household: HouseholdDraft;
  /** The officer continues with a new registration, flagging these candidates. */
  onFlag: (candidates: Candidate[]) => void;
  onUnflag: () => void;
  /** Open the existing household beside the form. */
  onCompare: (householdId: string, operationId: string) => void;
  onOpen: (householdId: string, operationId: string) => void;
}

/**
 * "Possible existing record" for the member row being typed: the lookup runs 400 ms after the
 * officer stops typing, only on what identifies a person (names, birth, sex, document, phone, place).
 */
export function DuplicateCheck({ operation, solarHijri, index, member, household, onFlag, onUnflag, onCompare, onOpen }: Props) {
  const { t } = useTranslation();
  const draft = useMemo(() => lookupDraftOf(member, household), [member, household]);
  const key = draft ? JSON.stringify(draft) : null;
  const [debounced] = useDebouncedValue(key, 400);
  const q = useQuery({
    queryKey: ['people', 'lookup', operation, household.id, debounced],
    queryFn: () => peopleApi.lookup({ operationId: operation, draft: JSON.parse(debounced!), excludeHouseholdId: household.id, limit: 5 }),
    enabled: !!debounced && debounced === key,
    staleTime: 60_000,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const candidates = key && q.data ? q.data.candidates : [];
  if (!candidates.length) return null;

  const flagged = candidates.every((c) => member.flagged.some((f) => f.personId === c.person.id));
  if (flagged) {
    return (
      <Group gap="xs" mt={4} ms="2.4rem" data-testid={`dup-flagged-${index}`}>
        <Badge color="yellow" variant="light" tt="none">
          {t('people.dup.flaggedLong', { count: candidates.length })}
        </Badge>
        <Button size="compact-xs" variant="subtle" onClick={onUnflag}>
          {t('people.dup.showAgain')}
        </Button>
      </Group>
    );
  }
  const strongest = candidates.some((c) => c.decision === 'match') ? 'match' : 'review';
  return (
    <Alert
      mt={6}
      ms="2.4rem"
      color={strongest === 'match' ? 'orange' : 'yellow'}
      title={t('people.dup.title', { count: candidates.length })}
      data-testid={`dup-warning-${index}`}
      role="status"
      aria-live="polite"
      p="xs"
    >
      <Stack gap={6}>
        {candidates.map((c) => (
          <Group key={c.person.id} justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
            <Group gap="md" wrap="nowrap" align="flex-start">
              <div style={{ minWidth: 200 }}>
                <Text fw={700} size="sm" data-testid="dup-reference">
                  <bdi dir="ltr">{c.person.householdReference}</bdi>
                </Text>
                {c.person.operationId !== operation && (
                  <Badge size="xs" color="blue" variant="light" tt="none" mb={2}>
                    {t('people.dup.otherOperation', { op: c.person.operationId })}
                  </Badge>
                )}
                <Badge size="xs" color={c.decision === 'match' ? 'orange' : 'yellow'} variant="filled" tt="none">
                  {t(`people.dup.decision.${c.decision}`)} · {c.score.toFixed(1)}
                </Badge>
              </div>
              <PersonNames person={c.person} />
              <div>
                <Text size="xs" c="dimmed">
                  <PlaceName operation={c.person.operationId} pcode={c.person.currentPcode} />
                </Text>
                <Text size="xs" c="dimmed">
                  {t('people.dup.registeredOn')} <DateLabel value={c.person.registeredAt} solarHijri={solarHijri} />
                </Text>
              </div>
            </Group>
            <Group gap={4} wrap="nowrap">
              <Button size="compact-xs" variant="light" onClick={() => onCompare(c.person.householdId, c.person.operationId)} data-testid="dup-compare">
                {t('people.dup.compare')}
              </Button>
              <Button size="compact-xs" variant="subtle" onClick={() => onOpen(c.person.householdId, c.person.operationId)}>
                {t('people.dup.open')}
              </Button>
            </Group>
          </Group>
        ))}
        <Group gap="xs">
          <Button size="compact-xs" color="yellow" variant="filled" onClick={() => onFlag(candidates)} data-testid={`dup-continue-${index}`}>
            {t('people.dup.continue')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('people.dup.continueHelp')}
          </Text>
        </Group>
      </Stack>
    </Alert>
  );
}
