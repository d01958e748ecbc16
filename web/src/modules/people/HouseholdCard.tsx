import { Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HouseholdDetail } from '../../../../src/modules/people/contract';
import { DateLabel } from '../../shell/DateLabel';
import { PersonNames } from './PersonNames';
import { QrCode } from './QrCode';

/** The household card as printed (only this prints: see people.css). */
export function HouseholdCard({ household: h, solarHijri }: { household: HouseholdDetail; solarHijri?: boolean }) {
  const { t } = useTranslation();
  const head = h.members.find((m) => m.relationship === 'head' && !m.removedAt) ?? h.members[0];
  return (
    <Group className="hamrah-print-card" align="flex-start" wrap="nowrap" gap="md" data-testid="household-card">
      <QrCode value={h.qrToken} size={132} label={t('people.card.qr', { reference: h.reference })} />
      <Stack gap={4}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
          {t('people.card.title')}
        </Text>
        <Text size="lg" fw={800} dir="ltr" ta="start">
          {h.reference}
        </Text>
        {head && <PersonNames person={head} />}
        <Text size="sm">{t('people.card.members', { count: h.size })}</Text>
        <Text size="xs" c="dimmed">
          {t('people.card.registered')} <DateLabel value={h.registeredAt} solarHijri={solarHijri} />
        </Text>
      </Stack>
    </Group>
  );
}
