import { Anchor } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** Download of the counts as HXL-tagged CSV for the filtered period (streamed by the server). */
export function ExportLink({ op, from, to }: { op: string; from?: string; to?: string }) {
  const { t } = useTranslation();
  const qs = new URLSearchParams({ operation: op });
  if (from) qs.set('from', from);
  if (to) qs.set('to', to);
  return (
    <Anchor href={`/api/v1/flows/counts.csv?${qs}`} size="sm" download data-testid="counts-csv">
      {t('flows.list.exportCsv')}
    </Anchor>
  );
}
