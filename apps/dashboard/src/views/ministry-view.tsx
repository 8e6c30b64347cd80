import { useCallback } from 'react';
import type { StreamEvent } from '../api/live-stream';
import { AdvisoriesPanel } from '../panels/advisories-panel';
import { IndicatorFeedPanel } from '../panels/indicator-feed';
import { LiveFeedPanel } from '../panels/live-feed';
import { useThrottledSignal } from '../ui/use-throttled-signal';
import { CouncilPanel } from '../panels/council-panel';
import { ViewRoot } from './view-root';

/** A ministry: the advisories and indicators it may read. */
export default function MinistryView() {
  const [indicators, indicatorChanged] = useThrottledSignal(2000);
  const [advisories, advisoryChanged] = useThrottledSignal(1000);
  const onEvent = useCallback(
    (e: StreamEvent) => (e.kind === 'advisory' ? advisoryChanged() : indicatorChanged()),
    [advisoryChanged, indicatorChanged],
  );
  return (
    <ViewRoot kind="ministry">
      <AdvisoriesPanel reloadSignal={advisories} />
      <LiveFeedPanel onEvent={onEvent} wide />
      <IndicatorFeedPanel reloadSignal={indicators} />
      <CouncilPanel />
    </ViewRoot>
  );
}
