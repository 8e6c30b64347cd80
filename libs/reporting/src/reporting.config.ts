import { z } from 'zod';
import { isoDuration } from '@acd/config';
import { SECTORS, type Sector } from '@acd/identity/domain';
import { DEFAULT_PROFILE_SETTINGS as D } from './domain';

const sectorList = (fallback: readonly string[]) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(SECTORS, { message: `each must be one of ${SECTORS.join(', ')}` })))
    .default([...fallback] as Sector[]);

/**
 * Reporting policy profiles (see the README). The Act leaves jp-acd's hours to implementing
 * rules, so they are settings; NIS2's and CIRCIA's hours are fixed by those laws, and only which
 * sectors they cover is configured.
 */
export const reportingSchema = z
  .object({
    ACD_JP_ACD_EARLY_WARNING: isoDuration.default(D.jpEarlyWarning),
    ACD_JP_ACD_NOTIFICATION: isoDuration.default(D.jpNotification),
    ACD_JP_ACD_FINAL: isoDuration.default(D.jpFinal),
    ACD_JP_ACD_SECTORS: sectorList(D.jpSectors),
    ACD_NIS2_SECTORS: sectorList(D.nis2Sectors),
    ACD_CIRCIA_SECTORS: sectorList(D.circiaSectors),
    /** How long a designated operator has to notify its specified important computers (an assumption). */
    ACD_DESIGNATION_ASSET_NOTIFY_WITHIN: isoDuration.default(D.designationAssetNotifyWithin),
  })
  .transform((e) => ({
    jpEarlyWarning: e.ACD_JP_ACD_EARLY_WARNING,
    jpNotification: e.ACD_JP_ACD_NOTIFICATION,
    jpFinal: e.ACD_JP_ACD_FINAL,
    jpSectors: e.ACD_JP_ACD_SECTORS,
    nis2Sectors: e.ACD_NIS2_SECTORS,
    circiaSectors: e.ACD_CIRCIA_SECTORS,
    designationAssetNotifyWithin: e.ACD_DESIGNATION_ASSET_NOTIFY_WITHIN,
  }));

export type ReportingConfig = z.infer<typeof reportingSchema>;
