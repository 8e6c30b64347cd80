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
