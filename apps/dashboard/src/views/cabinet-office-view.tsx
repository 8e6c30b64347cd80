import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { StreamEvent } from '../api/live-stream';
import { AdvisoryAcksPanel } from '../panels/advisory-acks';
import { ComplianceBoardPanel } from '../panels/compliance-board';
import { IncidentsPanel } from '../panels/incidents-panel';
import { IndicatorVolumePanel } from '../panels/indicator-volume';
import { LiveFeedPanel } from '../panels/live-feed';
import { FlowMatchesPanel } from '../panels/traffic-panels';
import { useThrottledSignal } from '../ui/use-throttled-signal';
import { AgreementsPanel } from '../panels/agreements-panel';
import { CouncilPanel } from '../panels/council-panel';
import { DesignationPanel } from '../panels/designation-panel';
import { SupervisionPanel } from '../panels/supervision-panel';
import { ViewRoot } from './view-root';

/** The National Cybersecurity Office: the compliance board and everything shared with it. */
export default function CabinetOfficeView() {
  const { t } = useTranslation();
  const [indicators, indicatorChanged] = useThrottledSignal(2000);
  const [advisories, advisoryChanged] = useThrottledSignal(1000);
  const onEvent = useCallback(
    (e: StreamEvent) => (e.kind === 'advisory' ? advisoryChanged() : indicatorChanged()),
    [advisoryChanged, indicatorChanged],
  );
  return (
    <ViewRoot kind="cabinet-office">
      <ComplianceBoardPanel />
      <DesignationPanel />
      <AgreementsPanel />
      <CouncilPanel />
      <SupervisionPanel />
      <IncidentsPanel title={t('incidents.openAll')} openOnly showOperator />
      <AdvisoryAcksPanel reloadSignal={advisories} />
      <IndicatorVolumePanel reloadSignal={indicators} />
      <FlowMatchesPanel purpose="threat-analysis" reloadSignal={indicators} />
      <LiveFeedPanel onEvent={onEvent} wide />
    </ViewRoot>
  );
}
