import { Select, type SelectProps } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isRtl, LANGUAGES } from '../../i18n';
import { useOrganisations, useOperations } from '../places/api';

type Props = Omit<SelectProps, 'data'>;

export function OrganisationSelect(props: Props) {
  const { t } = useTranslation();
  const orgs = useOrganisations();
  return (
    <Select
      label={t('users.organisation')}
      placeholder={orgs.isPending ? t('common.loading') : t('common.none')}
      data={(orgs.data ?? []).map((o) => ({ value: o.id, label: `${o.acronym} · ${o.name}` }))}
      searchable
      clearable
      nothingFoundMessage={t('common.nothingFound')}
      {...props}
    />
  );
}

export function LanguageSelect(props: Props) {
  const { t } = useTranslation();
  return <Select label={t('users.language')} data={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))} allowDeselect={false} {...props} />;
}

export function OperationSelect(props: Props) {
  const { t } = useTranslation();
  const { i18n } = useTranslation();
  const ops = useOperations();
  const rtl = isRtl(i18n.language);
  return (
    <Select
      label={t('users.operation')}
      data={(ops.data ?? []).map((o) => ({ value: o.id, label: `${o.id} · ${rtl && o.nameLocal ? o.nameLocal : o.name}` }))}
      allowDeselect={false}
      {...props}
    />
  );
}
