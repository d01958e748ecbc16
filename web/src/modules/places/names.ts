import { isRtl } from '../../i18n';

interface Named {
  name: string;
  nameLocal: string | null;
}

/** The name to show first: the local-script name in right-to-left languages when there is one. */
export function displayName(x: Named, lang: string): string {
  return isRtl(lang) && x.nameLocal ? x.nameLocal : x.name;
}

/** The other name, if it differs, to show beside the first. */
export function secondaryName(x: Named, lang: string): string | null {
  const first = displayName(x, lang);
  const other = first === x.name ? x.nameLocal : x.name;
  return other && other !== first ? other : null;
}
