import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Badge, Button, Card, CloseButton, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { POPULATION_GROUPS } from '../../../../src/modules/people/kinds';
import { DateLabel } from '../../shell/DateLabel';
import { AnchorLink, ButtonLink } from '../../shell/links';
import { can, useMe } from '../../shell/session';
import { Empty, ErrorState, Loading } from '../../shell/states';
import { useFormat } from '../../lib/format';
import { AreaPicker } from '../places/AreaPicker';
import { useOperation } from '../places/api';
import { usePeopleSearch, useHouseholds } from './api';
import { PersonNames } from './PersonNames';
import { PlaceName } from './PlaceName';
import { normaliseArabicName, queryKind, toLatinDigits } from './script';
import './people.css';

const PAGE = 50;

/** Arrow keys move between result rows; the rows are links, so Enter opens one. */
function onResultsKey(e: KeyboardEvent<HTMLElement>) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const rows = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('[data-result]'));
  const i = rows.indexOf(document.activeElement as HTMLElement);
  const next = rows[i + (e.key === 'ArrowDown' ? 1 : -1)];
  if (next) {
    e.preventDefault();
    next.focus();
  }
}

export default function SearchPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { op } = useParams({ from: '/app/op/$op/people/' });
  const search = useSearch({ from: '/app/op/$op/people/' });
  const navigate = useNavigate({ from: '/op/$op/people/' });
  const me = useMe();
  const operation = useOperation(op);
  const [text, setText] = useState(search.q ?? '');
  // Dari digits and the Arabic keyboard's ي/ك are folded before the query leaves the browser.
  const [q] = useDebouncedValue(toLatinDigits(normaliseArabicName(text)).trim(), 200);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const group = search.group;
  const place = search.place;
  const input = useRef<HTMLInputElement>(null);
  const results = useRef<HTMLDivElement>(null);
  const sh = operation.data?.solarHijri;

  useHotkeys([['/', () => input.current?.focus()]]);
  useEffect(() => setCursors([undefined]), [group, place, op]);
  useEffect(() => {
    if ((search.q ?? '') !== q) void navigate({ search: (s) => ({ ...s, q: q || undefined }), replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [q]);

  const list = useHouseholds({ operation: op, populationGroup: group, pcode: place, limit: PAGE, cursor }, !q);
  const hits = usePeopleSearch(op, q, 50);
  const kind = queryKind(q);
  const shownHits = (hits.data?.items ?? []).filter((h) => !place || (h.person.currentPcode ?? '').startsWith(place));

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('people.search.title')}</Title>
        {can(me.data, 'people.write', op) && (
          <ButtonLink to="/op/$op/people/register" params={{ op }} data-testid="new-registration">
            {t('people.register.title')}
          </ButtonLink>
        )}
      </Group>
      <Card withBorder padding="sm">
        <Stack gap="xs">
          <TextInput
            ref={input}
            type="search"
            size="md"
            autoFocus
            placeholder={t('people.search.placeholder')}
            aria-label={t('people.search.label')}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              setCursors([undefined]);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setText('');
              if (e.key === 'ArrowDown') {
                const first = results.current?.querySelector<HTMLElement>('[data-result]');
                if (first) {
                  e.preventDefault();
                  first.focus();
                }
              }
            }}
            rightSection={text ? <CloseButton size="sm" aria-label={t('common.clear')} onClick={() => setText('')} /> : null}
            data-testid="people-search"
          />
          <Group gap="sm" align="flex-end">
            <NativeSelect
              label={t('people.fields.populationGroup')}
              value={group ?? ''}
              onChange={(e) => void navigate({ search: (s) => ({ ...s, group: e.currentTarget.value || undefined }), replace: true })}
              data={[{ value: '', label: t('people.search.allGroups') }, ...POPULATION_GROUPS.map((g) => ({ value: g, label: t(`people.populationGroup.${g}`) }))]}
              w={240}
              disabled={!!q}
            />
            <AreaPicker
              operation={op}
              placeholder={t('people.fields.placePlaceholder')}
              label={t('people.fields.currentPlace')}
              description={null}
              value={place ?? null}
              onChange={(p) => void navigate({ search: (s) => ({ ...s, place: p ?? undefined }), replace: true })}
              w={320}
            />
            {q && (
              <Text size="xs" c="dimmed" pb={8}>
                {t(`people.search.kind.${kind}`)}
                {hits.data ? ` · ${t('people.search.took', { ms: Math.round(hits.data.tookMs) })}` : ''}
                {group ? ` · ${t('people.search.groupNotApplied')}` : ''}
              </Text>
            )}
          </Group>
        </Stack>
      </Card>

      <div ref={results} onKeyDown={onResultsKey}>
        {q ? (
          hits.isPending ? (
            <Loading />
          ) : hits.isError ? (
            <ErrorState error={hits.error} onRetry={() => void hits.refetch()} />
          ) : shownHits.length === 0 ? (
            <Empty>{t('people.search.noMatch', { q })}</Empty>
          ) : (
            <Card withBorder padding={0}>
              <Table.ScrollContainer minWidth={720}>
                <Table highlightOnHover verticalSpacing="xs" data-testid="search-results" style={{ opacity: hits.isFetching && hits.isPlaceholderData ? 0.6 : 1 }}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('people.fields.reference')}</Table.Th>
                      <Table.Th>{t('people.fields.name')}</Table.Th>
                      <Table.Th>{t('people.fields.relationship')}</Table.Th>
                      <Table.Th>{t('people.fields.currentPlace')}</Table.Th>
                      <Table.Th>{t('people.fields.registered')}</Table.Th>
                      <Table.Th>{t('people.search.matched')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {shownHits.map((h) => (
                      <Table.Tr key={h.person.id}>
                        <Table.Td>
                          <AnchorLink
                            to="/op/$op/people/households/$id"
                            params={{ op, id: h.person.householdId }}
                            fw={700}
                            size="sm"
                            dir="ltr"
                            data-result
                            data-testid="search-hit"
                          >
                            {h.person.householdReference}
                          </AnchorLink>
                        </Table.Td>
                        <Table.Td>
                          <PersonNames person={h.person} />
                        </Table.Td>
                        <Table.Td>{t(`people.relationship.${h.person.relationship}`)}</Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            <PlaceName operation={op} pcode={h.person.currentPcode} />
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            <DateLabel value={h.person.registeredAt} solarHijri={sh} />
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={2}>
                            {h.matched.map((m) => (
                              <Badge key={m} size="xs" variant="light" tt="none">
                                {t(`people.search.reason.${m}`)}
                              </Badge>
                            ))}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {hits.data?.more && (
                <Text size="xs" c="dimmed" p="xs">
                  {t('people.search.more')}
                </Text>
              )}
            </Card>
          )
        ) : list.isPending ? (
          <Loading />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty>{t('people.search.none')}</Empty>
        ) : (
          <Stack gap="xs">
            <Card withBorder padding={0}>
              <Table.ScrollContainer minWidth={720}>
                <Table highlightOnHover verticalSpacing="xs" data-testid="households-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('people.fields.reference')}</Table.Th>
                      <Table.Th>{t('people.fields.head')}</Table.Th>
                      <Table.Th>{t('people.fields.members')}</Table.Th>
                      <Table.Th>{t('people.fields.populationGroup')}</Table.Th>
                      <Table.Th>{t('people.fields.currentPlace')}</Table.Th>
                      <Table.Th>{t('people.fields.registered')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.data.items.map((h) => (
                      <Table.Tr key={h.id}>
                        <Table.Td>
                          <AnchorLink to="/op/$op/people/households/$id" params={{ op, id: h.id }} fw={700} size="sm" dir="ltr" data-result>
                            {h.reference}
                          </AnchorLink>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" fw={500}>
                            <bdi>{h.headName ?? '—'}</bdi>
                          </Text>
                        </Table.Td>
                        <Table.Td>{f.number(h.size)}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{t(`people.populationGroup.${h.populationGroup}`)}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            <PlaceName operation={op} pcode={h.currentPcode} />
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            <DateLabel value={h.registeredAt} solarHijri={sh} />
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
            <Group justify="space-between">
              <Text size="sm" c="dimmed">
                {t('people.search.total', { count: list.data.total })}
              </Text>
              <Group gap="xs">
                <Button variant="default" size="xs" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
                  {t('common.previous')}
                </Button>
                <Button variant="default" size="xs" disabled={!list.data.nextCursor} onClick={() => list.data.nextCursor && setCursors((c) => [...c, list.data.nextCursor!])}>
                  {t('common.next')}
                </Button>
              </Group>
            </Group>
          </Stack>
        )}
      </div>
    </Stack>
  );
}
