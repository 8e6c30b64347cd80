import type { StreamSource } from './stream-source';
import { advisoryStreamSource, type AdvisoryStreamDeps } from './advisory.stream-source';
import { indicatorStreamSource, type IndicatorStreamDeps } from './indicator.stream-source';

export type StreamSourceDeps = IndicatorStreamDeps & AdvisoryStreamDeps;

/**
 * The registry of what `GET /v1/stream` carries: one entry per kind of item, each reading one
 * topic of the topic registry with its own policy. A new kind is one more entry here.
 */
export function streamSources(deps: StreamSourceDeps): StreamSource[] {
  return [indicatorStreamSource(deps) as StreamSource, advisoryStreamSource(deps) as StreamSource];
}
