import { useTranslation } from 'react-i18next';
import type { Tlp } from '../domain/vocabulary';

/**
 * A TLP 2.0 label as FIRST prescribes it: `TLP:RED` and so on, in the label's colour on black.
 * The text is the same in every language.
 */
export function TlpLabel({ tlp }: { tlp: Tlp | string }) {
  const cls = `tlp tlp-${tlp.toLowerCase().replace('+', '-')}`;
  return (
    <span className={cls} data-testid="tlp" data-tlp={tlp}>
      TLP:{tlp}
    </span>
  );
}

/**
 * Marks material shared in the council (Act art. 45): its readers are bound to confidentiality,
 * and every read of it is recorded.
 */
export function CouncilMark({ shared }: { shared: boolean | undefined }) {
  const { t } = useTranslation();
  if (!shared) return null;
  return (
    <span className="council-mark" data-testid="council-mark" title={t('publish.councilMarkTitle')}>
      {t('publish.councilMark')}
    </span>
  );
}
