import { useEffect, useRef } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HouseholdDetail } from '../../../../src/modules/people/contract';
import { ButtonLink } from '../../shell/links';
import { HouseholdCard } from './HouseholdCard';

/** After a save: the new reference and QR code, and the way to the next family (Enter). */
export function SavedHousehold({ op, household, onNext, solarHijri }: { op: string; household: HouseholdDetail; onNext: () => void; solarHijri?: boolean }) {
  const { t } = useTranslation();
  const next = useRef<HTMLButtonElement>(null);
  useEffect(() => next.current?.focus(), []);
  return (
    <Stack gap="md" maw={720}>
      <Title order={2}>{t('people.register.title')}</Title>
      <Alert color="teal" title={t('people.register.saved')} data-testid="saved">
        <Text size="sm">{t('people.register.savedText', { reference: household.reference, count: household.size })}</Text>
        <Text size="xl" fw={800} dir="ltr" ta="start" mt={4} data-testid="saved-reference">
          {household.reference}
        </Text>
      </Alert>
      <Card withBorder>
        <HouseholdCard household={household} solarHijri={solarHijri} />
      </Card>
      <Group>
        <Button ref={next} onClick={onNext} data-testid="register-next">
          {t('people.register.next')}
        </Button>
        <ButtonLink variant="default" to="/op/$op/people/households/$id" params={{ op, id: household.id }} data-testid="open-saved">
          {t('people.register.openHousehold')}
        </ButtonLink>
        <Button variant="subtle" onClick={() => window.print()}>
          {t('people.card.print')}
        </Button>
      </Group>
    </Stack>
  );
}
