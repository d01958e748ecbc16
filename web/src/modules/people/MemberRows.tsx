import { memo, type Dispatch, type ReactNode } from 'react';
import { ActionIcon, Badge, Button, Checkbox, Chip, Group, NativeSelect, SimpleGrid, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { RELATIONSHIPS, SEXES, SPECIFIC_NEEDS, WG_DOMAINS, WG_LEVELS, type DocumentType } from '../../../../src/modules/people/kinds';
import { ArabicNameInput, DobField, LatinNameInput } from './fields';
import { ARABIC_NAME_FIELDS, NAME_FIELDS, emptyDocument, type DocumentDraft, type DraftAction, type MemberDraft } from './draft';
import { DOCUMENT_COUNTRY, DOCUMENT_GROUPS, ISSUING_COUNTRIES } from './mapping';

/** Operations a member of a split household may be recorded in. */
export const OPERATIONS = ['AFG', 'PAK', 'IRN'] as const;

export type RowProblems = Partial<Record<'name' | 'sex' | 'relationship' | 'dob' | 'document', boolean>>;

interface Props {
  operation: string;
  members: MemberDraft[];
  dispatch: Dispatch<DraftAction>;
  problems: Map<number, RowProblems>;
  /** Shown under a row: the duplicate warning of that member. */
  below?: (index: number, member: MemberDraft) => ReactNode;
}

/** Household members as rows: Latin names above, Arabic-script names under them, details on demand. */
export function MemberRows({ operation, members, dispatch, problems, below }: Props) {
  const { t } = useTranslation();
  return (
    <div className="hamrah-members" role="group" aria-label={t('people.form.members')}>
      <div className="hamrah-member-grid hamrah-member-head" aria-hidden>
        <span>#</span>
        <span>{t('people.fields.givenName')}</span>
        <span>{t('people.fields.fatherName')}</span>
        <span>{t('people.fields.familyName')}</span>
        <span>{t('people.fields.sex')}</span>
        <span>{t('people.fields.dob')}</span>
        <span>{t('people.fields.relationship')}</span>
        <span />
      </div>
      {members.map((m, i) => (
        <MemberRow key={m.id} operation={operation} index={i} member={m} count={members.length} dispatch={dispatch} problems={problems.get(i)} below={below?.(i, m)} />
      ))}
    </div>
  );
}

interface RowProps {
  operation: string;
  index: number;
  member: MemberDraft;
  count: number;
  dispatch: Dispatch<DraftAction>;
  problems?: RowProblems;
  below?: ReactNode;
}

const MemberRow = memo(function MemberRow({ operation, index, member: m, count, dispatch, problems, below }: RowProps) {
  const { t } = useTranslation();
  const set = (patch: Partial<MemberDraft>) => dispatch({ type: 'member', index, patch });
  const cell = (col: string) => ({ 'data-nav': true, 'data-row': index, 'data-col': col });
  const nDocs = m.documents.filter((d) => d.number.trim()).length;
  const nVuln = Object.values(m.wg).filter(Boolean).length + m.needs.length + (m.uasc ? 1 : 0);
  const arPlaceholders = { givenNameAr: t('people.fields.givenNameArPh'), fatherNameAr: t('people.fields.fatherNameArPh'), familyNameAr: t('people.fields.familyNameArPh') };

  return (
    <div className="hamrah-member" data-member-row={index} data-testid={`member-${index}`} role="group" aria-label={t('people.form.memberNumber', { n: index + 1 })}>
      <div className="hamrah-member-grid">
        <Text fw={700} c="dimmed" size="sm" ta="center" mt={6} aria-label={t('people.form.memberNumber', { n: index + 1 })}>
          {index + 1}
        </Text>
        {NAME_FIELDS.map((f) => (
          <LatinNameInput
            key={f}
            size="sm"
            aria-label={`${t(`people.fields.${f}`)} (${t('people.fields.latin')}) ${index + 1}`}
            placeholder={t(`people.fields.${f}Ph`)}
            value={m[f]}
            onChange={(v) => set({ [f]: v })}
            data-testid={`${f}-${index}`}
            {...(f === 'givenName' && problems?.name ? { error: t('people.problems.name') } : {})}
            {...cell(f)}
          />
        ))}
        <NativeSelect
          size="sm"
          aria-label={`${t('people.fields.sex')} ${index + 1}`}
          value={m.sex}
          onChange={(e) => set({ sex: e.currentTarget.value })}
          data={[{ value: '', label: '—' }, ...SEXES.map((s) => ({ value: s, label: t(`people.sex.${s}`) }))]}
          error={problems?.sex}
          data-testid={`sex-${index}`}
          {...cell('sex')}
        />
        <DobField value={m.dob} onChange={(dob) => set({ dob })} row={index} />
        <NativeSelect
          size="sm"
          aria-label={`${t('people.fields.relationship')} ${index + 1}`}
          value={m.relationship}
          onChange={(e) => set({ relationship: e.currentTarget.value })}
          data={[{ value: '', label: '—' }, ...RELATIONSHIPS.map((r) => ({ value: r, label: t(`people.relationship.${r}`) }))]}
          error={problems?.relationship}
          data-testid={`relationship-${index}`}
          {...cell('relationship')}
        />
        <Group gap={2} wrap="nowrap" mt={2}>
          <Tooltip label={t('people.keys.details')}>
            <ActionIcon
              variant={m.open ? 'filled' : 'light'}
              color={problems?.document ? 'red' : 'teal'}
              aria-label={t('people.form.details')}
              aria-expanded={m.open}
              onClick={() => set({ open: !m.open })}
              tabIndex={-1}
              data-testid={`details-${index}`}
            >
              {m.open ? '−' : '+'}
            </ActionIcon>
          </Tooltip>
          <Tooltip label={t('people.keys.remove')}>
            <ActionIcon variant="subtle" color="red" aria-label={t('people.form.removeMember', { n: index + 1 })} onClick={() => dispatch({ type: 'remove', index })} tabIndex={-1} disabled={count <= 1}>
              ×
            </ActionIcon>
          </Tooltip>
        </Group>
      </div>
      <div className="hamrah-member-grid">
        <Text size="xs" c="dimmed" ta="center" mt={8} aria-hidden>
          {t('people.fields.arabicShort')}
        </Text>
        {ARABIC_NAME_FIELDS.map((f) => (
          <ArabicNameInput
            key={f}
            size="sm"
            aria-label={`${t(`people.fields.${f}`)} ${index + 1}`}
            placeholder={arPlaceholders[f]}
            value={m[f]}
            onChange={(v) => set({ [f]: v })}
            data-testid={`${f}-${index}`}
            {...cell(f)}
          />
        ))}
        <Group gap={6} className="hamrah-member-summary" wrap="wrap">
          {nDocs > 0 && (
            <Badge variant="light" color="gray" tt="none">
              {t('people.form.documentsCount', { count: nDocs })}
            </Badge>
          )}
          {m.phone.trim() && (
            <Badge variant="light" color="gray" tt="none">
              {t('people.fields.phone')}
            </Badge>
          )}
          {nVuln > 0 && (
            <Badge variant="light" color="orange" tt="none">
              {t('people.form.vulnerabilityCount', { count: nVuln })}
            </Badge>
          )}
          {m.flagged.length > 0 && (
            <Badge variant="light" color="yellow" tt="none">
              {t('people.dup.flagged')}
            </Badge>
          )}
        </Group>
      </div>
      {m.open && <MemberDetails operation={operation} index={index} member={m} set={set} />}
      {below}
    </div>
  );
});

function MemberDetails({ operation, index, member: m, set }: { operation: string; index: number; member: MemberDraft; set: (p: Partial<MemberDraft>) => void }) {
  const { t } = useTranslation();
  const setDoc = (k: string, patch: Partial<DocumentDraft>) => set({ documents: m.documents.map((d) => (d.key === k ? { ...d, ...patch } : d)) });
  return (
    <Stack gap="sm" className="hamrah-member-details" data-testid={`member-details-${index}`}>
      <div>
        <Text size="sm" fw={600} mb={4}>
          {t('people.fields.documents')}
        </Text>
        <Stack gap={6}>
          {m.documents.map((d) => (
            <Group key={d.key} gap={6} wrap="nowrap" align="flex-start">
              <NativeSelect
                size="xs"
                aria-label={t('people.doc.type')}
                value={d.type}
                onChange={(e) => {
                  const type = e.currentTarget.value as DocumentType;
                  setDoc(d.key, { type, issuingCountry: DOCUMENT_COUNTRY[type] ?? d.issuingCountry });
                }}
                w={170}
                data-nav
              >
                <option value="">—</option>
                {DOCUMENT_GROUPS.map((g) => (
                  <optgroup key={g.country} label={t(`people.countries.${g.country}`)}>
                    {g.types.map((ty) => (
                      <option key={ty} value={ty}>
                        {t(`people.docType.${ty}`)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </NativeSelect>
              <TextInput
                size="xs"
                dir="ltr"
                aria-label={t('people.doc.number')}
                placeholder={t('people.doc.number')}
                value={d.number}
                onChange={(e) => setDoc(d.key, { number: e.currentTarget.value })}
                w={170}
                data-nav
                data-testid={`doc-number-${index}`}
              />
              <NativeSelect
                size="xs"
                aria-label={t('people.doc.country')}
                value={d.issuingCountry}
                onChange={(e) => setDoc(d.key, { issuingCountry: e.currentTarget.value })}
                data={[{ value: '', label: '—' }, ...ISSUING_COUNTRIES.map((c) => ({ value: c, label: t(`people.countries.${c}`) }))]}
                w={130}
                data-nav
              />
              <TextInput size="xs" type="date" aria-label={t('people.doc.validFrom')} value={d.validFrom} onChange={(e) => setDoc(d.key, { validFrom: e.currentTarget.value })} data-nav w={140} />
              <TextInput size="xs" type="date" aria-label={t('people.doc.validUntil')} value={d.validUntil} onChange={(e) => setDoc(d.key, { validUntil: e.currentTarget.value })} data-nav w={140} />
              <ActionIcon variant="subtle" color="red" aria-label={t('people.doc.remove')} onClick={() => set({ documents: m.documents.filter((x) => x.key !== d.key) })}>
                ×
              </ActionIcon>
            </Group>
          ))}
          <Group gap="xs">
            <Button size="compact-xs" variant="light" onClick={() => set({ documents: [...m.documents, emptyDocument()] })} data-testid={`add-doc-${index}`}>
              {t('people.doc.add')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('people.doc.help')}
            </Text>
          </Group>
        </Stack>
      </div>
      <TextInput
        size="xs"
        dir="ltr"
        type="tel"
        label={t('people.fields.phone')}
        placeholder="+93 70 123 4567"
        value={m.phone}
        onChange={(e) => set({ phone: e.currentTarget.value })}
        maw={240}
        data-nav
      />
      <div>
        <Text size="sm" fw={600}>
          {t('people.wg.title')}
        </Text>
        <Text size="xs" c="dimmed" mb={4}>
          {t('people.wg.help')}
        </Text>
        <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }} spacing={6}>
          {WG_DOMAINS.map((dom) => (
            <NativeSelect
              key={dom}
              size="xs"
              label={t(`people.wg.domains.${dom}`)}
              value={m.wg[dom] ?? ''}
              onChange={(e) => set({ wg: { ...m.wg, [dom]: e.currentTarget.value } })}
              data={[{ value: '', label: t('people.wg.notAsked') }, ...WG_LEVELS.map((l) => ({ value: l, label: t(`people.wg.levels.${l}`) }))]}
              data-nav
            />
          ))}
        </SimpleGrid>
      </div>
      <div>
        <Text size="sm" fw={600} mb={4}>
          {t('people.fields.specificNeeds')}
        </Text>
        <Chip.Group multiple value={m.needs} onChange={(needs) => set({ needs })}>
          <Group gap={4}>
            {SPECIFIC_NEEDS.map((c) => (
              <Chip key={c} value={c} size="xs" variant="outline">
                {c} · {t(`people.needs.${c}`)}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      </div>
      <Group gap="md" align="flex-end">
        <Checkbox size="xs" label={t('people.fields.uasc')} checked={m.uasc} onChange={(e) => set({ uasc: e.currentTarget.checked })} />
        <NativeSelect
          size="xs"
          label={t('people.fields.elsewhere')}
          description={t('people.fields.elsewhereHelp')}
          value={m.elsewhere}
          onChange={(e) => set({ elsewhere: e.currentTarget.value })}
          data={[{ value: '', label: t('people.fields.elsewhereNo') }, ...OPERATIONS.filter((o) => o !== operation).map((o) => ({ value: o, label: t(`people.countries.${o}`) }))]}
          w={260}
          data-nav
        />
      </Group>
    </Stack>
  );
}
