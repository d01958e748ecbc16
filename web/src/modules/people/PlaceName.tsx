import { useAreas, useSites } from '../places/api';
import { displayName } from '../places/names';
import { useTranslation } from 'react-i18next';

/** An admin area's name from its P-code (the P-code itself while loading or when unknown). */
export function PlaceName({ operation, pcode }: { operation: string; pcode: string | null | undefined }) {
  const { i18n } = useTranslation();
  const res = useAreas({ operation, q: pcode ?? '', limit: 5 }, !!pcode);
  if (!pcode) return <>—</>;
  const area = res.data?.items.find((a) => a.pcode === pcode);
  return (
    <>
      {area ? displayName(area, i18n.language) : ''} <bdi dir="ltr">{pcode}</bdi>
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
