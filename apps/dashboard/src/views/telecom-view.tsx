import { FlowBatchesPanel, TrafficSummaryPanel } from '../panels/traffic-panels';
import { AgreementsPanel } from '../panels/agreements-panel';
import { CouncilPanel } from '../panels/council-panel';
import { ViewRoot } from './view-root';

/** A telecom operator: its flow submissions and what was refused. */
export default function TelecomView() {
  return (
    <ViewRoot kind="telecom">
      <TrafficSummaryPanel purpose="submission-check" />
      <FlowBatchesPanel purpose="submission-check" />
      <AgreementsPanel />
      <CouncilPanel />
    </ViewRoot>
  );
}
