import { z } from 'zod';
import { DEFAULT_INDICATOR_BREADTH, type IndicatorBreadth } from './domain';

/**
 * How broad an indicator may be (see `breadthProblem` in the indicators domain): the shortest
 * CIDR prefix per family. A default route is refused whatever the setting.
 */
export const indicatorSchema = z
  .object({
    /** Shortest IPv4 prefix a CIDR indicator may have (1-32; /8 by default). */
    ACD_INDICATOR_MIN_PREFIX_V4: z.coerce
      .number()
      .int()
      .min(1)
      .max(32)
      .default(DEFAULT_INDICATOR_BREADTH.minPrefixV4),
    /** Shortest IPv6 prefix a CIDR indicator may have (1-128; /32 by default). */
    ACD_INDICATOR_MIN_PREFIX_V6: z.coerce
      .number()
      .int()
      .min(1)
      .max(128)
      .default(DEFAULT_INDICATOR_BREADTH.minPrefixV6),
  })
  .transform((e): IndicatorBreadth => ({
    minPrefixV4: e.ACD_INDICATOR_MIN_PREFIX_V4,
    minPrefixV6: e.ACD_INDICATOR_MIN_PREFIX_V6,
  }));

export type IndicatorConfig = z.infer<typeof indicatorSchema>;
