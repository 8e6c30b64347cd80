import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { StreamEvent } from '../api/live-stream';
import { AdvisoriesPanel } from '../panels/advisories-panel';
import { AssetsPanel } from '../panels/assets-panel';
import { IncidentsPanel } from '../panels/incidents-panel';
import { IndicatorFeedPanel } from '../panels/indicator-feed';
import { LiveFeedPanel } from '../panels/live-feed';
import { PublishIndicatorPanel } from '../panels/publish-indicator';
import { UploadIndicatorsPanel } from '../panels/upload-indicators';
import { useThrottledSignal } from '../ui/use-throttled-signal';
import { AgreementsPanel } from '../panels/agreements-panel';
import { CouncilPanel } from '../panels/council-panel';
import { DesignationPanel } from '../panels/designation-panel';
import { ViewRoot } from './view-root';

/** A designated operator: its incidents and deadlines, assets, advisories and indicators. */
export default function OperatorView() {
  const { t } = useTranslation();
  const [indicators, indicatorChanged] = useThrottledSignal(2000);
  const [advisories, advisoryChanged] = useThrottledSignal(1000);
  const onEvent = useCallback(
    (e: StreamEvent) => (e.kind === 'advisory' ? advisoryChanged() : indicatorChanged()),
    [advisoryChanged, indicatorChanged],
  );
  return (
    <ViewRoot kind="operator">
      <IncidentsPanel title={t('incidents.yours')} canReport />
      <AdvisoriesPanel reloadSignal={advisories} />
      <AssetsPanel />
      <DesignationPanel />
      <AgreementsPanel />
      <CouncilPanel />
      <LiveFeedPanel onEvent={onEvent} />
      <IndicatorFeedPanel reloadSignal={indicators} />
      <PublishIndicatorPanel onPublished={indicatorChanged} />
      <UploadIndicatorsPanel onPublished={indicatorChanged} />
    </ViewRoot>
  );
}
