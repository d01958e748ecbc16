import { describe, expect, it } from 'vitest';
import { exportHref } from '../../web/src/modules/exports/exportHref';

describe('ExportMenu download links', () => {
  it('append the format and the current filters, leaving out empty ones', () => {
    expect(exportHref('/api/v1/flows/exports/counts', 'xlsx', { operation: 'AFG', from: '2024-04-01', to: '2024-06-30', site: undefined, direction: '' })).toBe(
      '/api/v1/flows/exports/counts.xlsx?operation=AFG&from=2024-04-01&to=2024-06-30',
    );
    expect(exportHref('/api/v1/flows/exports/surveys', 'csv', { operation: 'PAK', period: 'month', limit: 0, x: null })).toBe('/api/v1/flows/exports/surveys.csv?operation=PAK&period=month&limit=0');
    expect(exportHref('/api/v1/x', 'csv', {})).toBe('/api/v1/x.csv');
  });
});
