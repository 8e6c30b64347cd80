import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrgKind } from '../domain/vocabulary';
import { useSession } from '../session/session-context';
import { ClockWordsProvider } from '../ui/deadline-clock';

/** The root of one actor's view: its h1 and the `view-<kind>` test id. */
export function ViewRoot({ kind, children }: { kind: OrgKind; children: ReactNode }) {
  const { t } = useTranslation();
  const { who } = useSession();
  return (
    <div className="view" data-testid={`view-${kind}`}>
      <h1>
        {t(`view.${kind}.title`)}
        <span className="view-sub">{who.organisation.name}</span>
      </h1>
      <p className="lede">{t(`view.${kind}.intro`)}</p>
      <ClockWordsProvider>
        <div className="grid">{children}</div>
      </ClockWordsProvider>
    </div>
  );
}
