import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Alert, Card, CloseButton, Grid, ScrollArea, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useAreas, useBoundaries, useSites } from './api';
import { useAreaDetail } from './ancestors';
import { AreaTree } from './AreaTree';
import { AreaSearchResults } from './AreaSearch';
import { AreaDetail } from './AreaDetail';
import { Empty, ErrorState, Loading } from '../../shell/states';

const DistrictMap = lazy(() => import('./DistrictMap'));

export default function PlacesPage() {
  const { t } = useTranslation();
  const { op } = useParams({ from: '/app/op/$op/places' });
  const search = useSearch({ from: '/app/op/$op/places' });
  const navigate = useNavigate({ from: '/op/$op/places' });
  const selected = search.area ?? null;
  const [text, setText] = useState(search.q ?? '');
  const [q] = useDebouncedValue(text.trim(), 250);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());

  const roots = useAreas({ operation: op, level: 1, limit: 1000 });
  const hasBoundaries = !!roots.data?.items.some((a) => a.hasBoundary);
  const provinces = useBoundaries(op, 1, hasBoundaries);
  const districts = useBoundaries(op, 2, hasBoundaries);
  const sites = useSites(op);
  const detail = useAreaDetail(op, selected);

  // Reset the tree when the operation changes.
  useEffect(() => setExpanded(new Set()), [op]);

  // Open the ancestors of the selection so it shows in the tree.
  useEffect(() => {
    if (!detail.data) return;
    const ancestors = detail.data.ancestors.map((a) => a.pcode);
    setExpanded((prev) => {
      if (ancestors.every((p) => prev.has(p))) return prev;
      return new Set([...prev, ...ancestors]);
    });
  }, [detail.data]);

  const select = useCallback(
    (pcode: string) => void navigate({ search: (s) => ({ ...s, area: pcode }), replace: true }),
    [navigate],
  );
  const toggle = useCallback((pcode: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(pcode)) next.delete(pcode);
      else next.add(pcode);
      return next;
    });
  }, []);

  const boundaryError = provinces.error ?? districts.error;
  const noBoundaries =
    roots.isSuccess && (!hasBoundaries || (provinces.isSuccess && districts.isSuccess && !provinces.data?.features.length && !districts.data?.features.length));

  return (
    <Stack gap="md">
      <Title order={2}>{t('modules.places')}</Title>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder padding="sm">
            <Stack gap="xs">
              <TextInput
                type="search"
                placeholder={t('places.searchPlaceholder')}
                aria-label={t('places.search')}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                onKeyDown={(e) => e.key === 'Escape' && setText('')}
                rightSection={text ? <CloseButton size="sm" aria-label={t('common.clear')} onClick={() => setText('')} /> : null}
                data-testid="area-search"
              />
              <ScrollArea.Autosize mah={{ base: 360, md: 'calc(100vh - 260px)' } as unknown as number} type="auto" offsetScrollbars>
                {q ? (
                  <AreaSearchResults op={op} q={q} selected={selected} onSelect={select} />
                ) : (
                  <AreaTree op={op} selected={selected} expanded={expanded} onToggle={toggle} onSelect={select} />
                )}
              </ScrollArea.Autosize>
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <div className="hamrah-places-map">
            {roots.isError ? (
              <ErrorState error={roots.error} onRetry={() => void roots.refetch()} />
            ) : noBoundaries ? (
              <Alert color="gray" title={t('places.noMapTitle')} data-testid="no-map">
                {t('places.noMap')}
              </Alert>
            ) : boundaryError ? (
              <ErrorState error={boundaryError} onRetry={() => void Promise.all([provinces.refetch(), districts.refetch()])} />
            ) : (
              <Card withBorder padding={0} h={{ base: 340, sm: 480 }}>
                {provinces.isPending || districts.isPending || roots.isPending ? (
                  <Loading label={t('places.loadingMap')} />
                ) : (
                  <Suspense fallback={<Loading label={t('places.loadingMap')} />}>
                    <DistrictMap
                      provinces={provinces.data ?? null}
                      districts={districts.data ?? null}
                      sites={sites.data?.items ?? []}
                      selected={selected}
                      onSelect={select}
                    />
                  </Suspense>
                )}
              </Card>
            )}
            </div>
            <div className="hamrah-places-detail">
            {selected ? (
              detail.isPending ? (
                <Loading />
              ) : detail.isError ? (
                <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
              ) : detail.data === null ? (
                <Alert color="yellow">{t('places.areaNotFound', { pcode: selected })}</Alert>
              ) : (
                <AreaDetail op={op} area={detail.data} sites={sites.data === undefined ? [] : (sites.data?.items ?? null)} onSelect={select} />
              )
            ) : (
              <Text c="dimmed" size="sm">
                {t('places.selectHint')}
              </Text>
            )}
            </div>
            {sites.isError && <ErrorState error={sites.error} onRetry={() => void sites.refetch()} />}
            {!selected && sites.data === null && <Empty>{t('places.sitesNotAvailable')}</Empty>}
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
