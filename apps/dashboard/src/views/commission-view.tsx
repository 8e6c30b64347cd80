import { OversightBoardPanels } from '../panels/oversight-board';
import { TrafficSummaryPanel } from '../panels/traffic-panels';
import { AgreementsPanel } from '../panels/agreements-panel';
import { CouncilPanel } from '../panels/council-panel';
import { SupervisionPanel } from '../panels/supervision-panel';
import { ViewRoot } from './view-root';

/** The oversight commission: its board, the vote, the audit head checked here, traffic counts. */
export default function CommissionView() {
  return (
    <ViewRoot kind="oversight-commission">
      <OversightBoardPanels />
      <SupervisionPanel />
      <AgreementsPanel />
      <CouncilPanel />
      <TrafficSummaryPanel purpose="oversight-audit" />
    </ViewRoot>
  );
}
