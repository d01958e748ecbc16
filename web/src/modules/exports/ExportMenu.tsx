import { Button, Menu, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { exportHref, type ExportFormat } from './exportHref';

export interface ExportMenuProps {
  /** The export's address without the format suffix, e.g. '/api/v1/flows/exports/counts'. */
  url: string;
  /** The page's current filters (operation, from, to, …); empty ones are left out. */
  params: Record<string, string | number | boolean | null | undefined>;
  /** Formats offered; both by default. */
  formats?: ExportFormat[];
  /** Button text; "Export" by default. */
  label?: string;
  /** Prefix of the data-testid of the button and its items (`<id>`, `<id>-csv`, `<id>-xlsx`). */
  testId?: string;
  size?: 'xs' | 'sm' | 'md';
}

/**
 * A button opening a menu of downloads (CSV, Excel) of one export with the current filters. The
 * server streams the file (header row, HXL hashtag row, data), so a plain link is enough: the
 * browser sends the session cookie and saves the file under the server's name.
 */
export function ExportMenu({ url, params, formats = ['csv', 'xlsx'], label, testId = 'export', size = 'sm' }: ExportMenuProps) {
  const { t } = useTranslation();
  return (
    <Menu position="bottom-end" withinPortal shadow="md" width={260}>
      <Menu.Target>
        <Button variant="light" size={size} data-testid={testId}>
          {label ?? t('exports.button')}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {formats.map((f) => (
          <Menu.Item key={f} component="a" href={exportHref(url, f, params)} download data-testid={`${testId}-${f}`}>
            {t(`exports.format.${f}`)}
          </Menu.Item>
        ))}
        <Menu.Divider />
        <Text size="xs" c="dimmed" px="sm" pb={4}>
          {t('exports.hint')}
        </Text>
      </Menu.Dropdown>
    </Menu>
  );
}
