export type ExportFormat = 'csv' | 'xlsx';

/**
 * The download URL of an export: `<url>.<format>?<params>`, leaving out empty parameters.
 * `url` is the export's address without the format, e.g. '/api/v1/flows/exports/counts'.
 */
export function exportHref(url: string, format: ExportFormat, params: Record<string, string | number | boolean | null | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const q = qs.toString();
  return `${url}.${format}${q ? `?${q}` : ''}`;
}
