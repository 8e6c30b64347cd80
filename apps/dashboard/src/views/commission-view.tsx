import { OversightBoardPanels } from '../panels/oversight-board';
import { TrafficSummaryPanel } from '../panels/traffic-panels';
import { ViewRoot } from './view-root';

/** The oversight commission: its board, the vote, the audit head checked here, traffic counts. */
export default function CommissionView() {
  return (
    <ViewRoot kind="oversight-commission">
      <OversightBoardPanels />
      <TrafficSummaryPanel purpose="oversight-audit" />
    </ViewRoot>
  );
}
