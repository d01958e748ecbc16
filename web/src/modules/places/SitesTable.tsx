import { Badge, Table, Text } from '@mantine/core';
import { AnchorLink } from '../../shell/links';
import { useTranslation } from 'react-i18next';
import type { Site } from './api';
import { siteKindLabel } from './labels';
import { displayName, secondaryName } from './names';

/** Sites as a compact table; the area links into the place browser. */
export function SitesTable({ sites, op, onSelectArea }: { sites: Site[]; op: string; onSelectArea?: (pcode: string) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="sites-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('places.siteCode')}</Table.Th>
            <Table.Th>{t('places.siteName')}</Table.Th>
            <Table.Th>{t('places.siteKind')}</Table.Th>
            <Table.Th>{t('places.area')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sites.map((s) => {
            const other = secondaryName(s, i18n.language);
            return (
              <Table.Tr key={s.id}>
                <Table.Td>
                  <Text ff="monospace" size="sm" dir="ltr">
                    {s.code}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{displayName(s, i18n.language)}</Text>
                  {other && (
                    <Text size="xs" c="dimmed">
                      {other}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" size="sm">
                    {siteKindLabel(t, s.kind)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {s.areaPcode &&
                    (onSelectArea ? (
                      <Text component="button" type="button" size="sm" c="teal.8" ff="monospace" dir="ltr" style={{ background: 'none', border: 0, cursor: 'pointer', padding: 0 }} onClick={() => onSelectArea(s.areaPcode!)}>
                        {s.areaPcode}
                      </Text>
                    ) : (
                      <AnchorLink to="/op/$op/places" params={{ op }} search={{ area: s.areaPcode }} size="sm" c="teal.8" ff="monospace" dir="ltr">
                        {s.areaPcode}
                      </AnchorLink>
                    ))}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
