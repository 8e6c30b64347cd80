import type { StreamSource } from '@acd/persistence';
import { advisoryStreamSource, type AdvisoryStreamDeps } from '@acd/advisories';
import { indicatorStreamSource, type IndicatorStreamDeps } from '@acd/indicators';

export type StreamSourceDeps = IndicatorStreamDeps & AdvisoryStreamDeps;

/**
 * The registry of what `GET /v1/stream` carries: one entry per kind of item, each reading one
 * topic of the topic registry with its own policy. A new kind is one more entry here.
 */
export function streamSources(deps: StreamSourceDeps): StreamSource[] {
  return [indicatorStreamSource(deps) as StreamSource, advisoryStreamSource(deps) as StreamSource];
}
