import type { TFunction } from 'i18next';

/** "Province", "District", "Tehsil"… by level; the same words serve AFG, PAK and IRN. */
export function levelLabel(t: TFunction, level: number): string {
  return t(`places.levels.${level}`, { defaultValue: t('places.levelN', { level }) });
}

export function levelPlural(t: TFunction, level: number): string {
  return t(`places.levelsPlural.${level}`, { defaultValue: t('places.levelN', { level }) });
}

export function siteKindLabel(t: TFunction, kind: string): string {
  return t(`places.siteKinds.${kind}`, { defaultValue: kind.replace(/_/g, ' ') });
}
