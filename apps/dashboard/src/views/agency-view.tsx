import { useTranslation } from 'react-i18next';
import { AdvisoriesPanel } from '../panels/advisories-panel';
import { IncidentsPanel } from '../panels/incidents-panel';
import { OversightRequestsPanel } from '../panels/oversight-requests';
import { useSession } from '../session/session-context';
import { CouncilPanel } from '../panels/council-panel';
import { SupervisionPanel } from '../panels/supervision-panel';
import { ViewRoot } from './view-root';

/** The police and the SDF: their requests and operations, and incidents shared with them. */
export default function AgencyView() {
  const { t } = useTranslation();
  const { who } = useSession();
  const kind = who.organisation.kind === 'sdf' ? 'sdf' : 'police';
  return (
    <ViewRoot kind={kind}>
      <OversightRequestsPanel />
      <OversightRequestsPanel operations />
      <SupervisionPanel />
      <IncidentsPanel title={t('incidents.shared')} showOperator />
      <AdvisoriesPanel />
      <CouncilPanel />
    </ViewRoot>
  );
}
