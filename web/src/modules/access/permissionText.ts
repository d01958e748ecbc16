import type { TFunction } from 'i18next';

/** Translated description of a permission; the server's English text when we have none. */
export function permissionText(t: TFunction, id: string, fallback: string): string {
  return t(`permissionText.${id.replace(/\./g, '_')}`, { defaultValue: fallback });
}

export function permissionGroupLabel(t: TFunction, group: string): string {
  return t(`permissionGroups.${group}`, { defaultValue: group });
}

/** Permissions grouped by their first segment ("flows.read" → "flows"), in catalogue order. */
export function groupPermissions<T extends { id: string }>(items: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const p of items) {
    const g = p.id.split('.')[0]!;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(p);
  }
  return [...groups.entries()];
}
