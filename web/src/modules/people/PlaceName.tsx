import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fetchAreas, useSites, type Area } from '../places/api';
import { displayName } from '../places/names';

/**
 * Names of an operation's admin areas by P-code, loaded once per operation (levels 1–3, a few
 * hundred rows each, cached) so a list of 50 households does not ask the server 50 times.
 */
function usePlaceIndex(operation: string): Map<string, Area> {
  const levels = useQueries({
    queries: [1, 2, 3].map((level) => ({
      queryKey: ['areas', { operation, level, limit: 1000 }],
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchAreas({ operation, level, limit: 1000 }, signal),
      staleTime: 10 * 60_000,
      enabled: !!operation,
    })),
  });
  const map = new Map<string, Area>();
  for (const l of levels) for (const a of l.data?.items ?? []) map.set(a.pcode, a);
  return map;
}

/** An admin area's name from its P-code (the P-code alone while loading or when unknown). */
export function PlaceName({ operation, pcode }: { operation: string; pcode: string | null | undefined }) {
  const { i18n } = useTranslation();
  const index = usePlaceIndex(operation);
  if (!pcode) return <>—</>;
  const area = index.get(pcode);
  return (
    <>
      {area ? `${displayName(area, i18n.language)} ` : ''}
      <bdi dir="ltr">{pcode}</bdi>
    </>
  );
}

/** A site's name from its id. */
export function SiteName({ operation, id }: { operation: string; id: string | null | undefined }) {
  const { i18n } = useTranslation();
  const sites = useSites(operation);
  if (!id) return <>—</>;
  const site = sites.data?.items.find((s) => s.id === id);
  return <>{site ? displayName(site, i18n.language) : '…'}</>;
}
