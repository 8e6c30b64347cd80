import { useCallback } from 'react';
import type { StreamEvent } from '../api/live-stream';
import { AdvisoriesPanel } from '../panels/advisories-panel';
import { IndicatorFeedPanel } from '../panels/indicator-feed';
import { LiveFeedPanel } from '../panels/live-feed';
import { PublishIndicatorPanel } from '../panels/publish-indicator';
import { UploadIndicatorsPanel } from '../panels/upload-indicators';
import { useThrottledSignal } from '../ui/use-throttled-signal';
import { ViewRoot } from './view-root';

/**
 * A security vendor: it shares what it analyses as indicators and reads the advisories and
 * indicators it may. It has no sector and none of an operator's duties, so no incidents and no
 * asset notices.
 */
export default function VendorView() {
  const [indicators, indicatorChanged] = useThrottledSignal(2000);
  const [advisories, advisoryChanged] = useThrottledSignal(1000);
  const onEvent = useCallback(
    (e: StreamEvent) => (e.kind === 'advisory' ? advisoryChanged() : indicatorChanged()),
    [advisoryChanged, indicatorChanged],
  );
  return (
    <ViewRoot kind="vendor">
      <AdvisoriesPanel reloadSignal={advisories} />
      <LiveFeedPanel onEvent={onEvent} />
      <IndicatorFeedPanel reloadSignal={indicators} />
      <PublishIndicatorPanel onPublished={indicatorChanged} />
      <UploadIndicatorsPanel onPublished={indicatorChanged} />
    </ViewRoot>
  );
}
