import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { arabicName, fatherArabic, fatherLatin, latinName } from './names';

type Named = Parameters<typeof latinName>[0];

/** A person's names in both scripts: Latin (with father's name) and Arabic script, each in its own direction. */
export function PersonNames({ person, size = 'sm', strong = true }: { person: Named; size?: string; strong?: boolean }) {
  const { t } = useTranslation();
  const lat = latinName(person);
  const ar = arabicName(person);
  const fl = fatherLatin(person);
  const fa = fatherArabic(person);
  return (
    <div>
      {lat && (
        <Text size={size} fw={strong ? 600 : undefined} component="div">
          <bdi dir="ltr">{lat}</bdi>
          {fl && (
            <Text span c="dimmed" size="xs">
              {' · '}
              {t('people.fields.fatherShort')} <bdi dir="ltr">{fl}</bdi>
            </Text>
          )}
        </Text>
      )}
      {ar && (
        <Text size={size} fw={strong && !lat ? 600 : undefined} component="div" className="hamrah-arabic-input">
          <bdi dir="rtl" lang="fa">{ar}</bdi>
          {fa && (
            <Text span c="dimmed" size="xs">
              {' · '}
              <bdi dir="rtl">{fa}</bdi>
            </Text>
          )}
        </Text>
      )}
      {!lat && !ar && <Text size={size}>—</Text>}
    </div>
  );
}
