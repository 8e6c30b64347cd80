import { defineOrganisation, type Organisation } from './organisation';

/**
 * The organisations `npm start` seeds. Names are illustrative, not the real companies; the
 * government bodies are the ones the law names. Ids are stable: fixtures, tests and demo
 * scripts refer to them.
 */
export const DEMO_ORG_IDS = {
  kantoElectric: 'op-kanto-electric',
  setouchiGrid: 'op-setouchi-grid',
  tokaiRail: 'op-tokai-rail',
  minatoBank: 'op-minato-bank',
  nco: 'gov-nco',
  npa: 'gov-npa',
  sdfCyber: 'gov-sdf-cyber-defense-command',
  nihonTelecom: 'tel-nihon-backbone',
  oversight: 'gov-cyber-oversight-commission',
  meti: 'gov-meti',
  hoshimiSecurity: 'ven-hoshimi-security',
} as const;

export type DemoOrgKey = keyof typeof DEMO_ORG_IDS;

export const DEMO_ORGS: Readonly<Record<DemoOrgKey, Organisation>> = {
  kantoElectric: defineOrganisation({
    id: DEMO_ORG_IDS.kantoElectric,
    name: 'Kanto Electric Power Co.',
    kind: 'operator',
    sector: 'electricity',
  }),
  // A second electricity operator, so that sector-addressed sharing has more than one reader.
  setouchiGrid: defineOrganisation({
    id: DEMO_ORG_IDS.setouchiGrid,
    name: 'Setouchi Power Grid Co.',
    kind: 'operator',
    sector: 'electricity',
  }),
  tokaiRail: defineOrganisation({
    id: DEMO_ORG_IDS.tokaiRail,
    name: 'Tokai Rail',
    kind: 'operator',
    sector: 'railways',
  }),
  minatoBank: defineOrganisation({
    id: DEMO_ORG_IDS.minatoBank,
    name: 'Minato Bank',
    kind: 'operator',
    sector: 'finance',
  }),
  nco: defineOrganisation({
    id: DEMO_ORG_IDS.nco,
    name: 'National Cybersecurity Office',
    kind: 'cabinet-office',
  }),
  npa: defineOrganisation({ id: DEMO_ORG_IDS.npa, name: 'National Police Agency', kind: 'police' }),
  sdfCyber: defineOrganisation({
    id: DEMO_ORG_IDS.sdfCyber,
    name: 'Japan Self-Defense Forces Cyber Defense Command',
    kind: 'sdf',
  }),
  nihonTelecom: defineOrganisation({
    id: DEMO_ORG_IDS.nihonTelecom,
    name: 'Nihon Backbone Telecom',
    kind: 'telecom',
  }),
  oversight: defineOrganisation({
    id: DEMO_ORG_IDS.oversight,
    name: 'Cyber Communications Information Supervisory Commission',
    kind: 'oversight-commission',
  }),
  meti: defineOrganisation({
    id: DEMO_ORG_IDS.meti,
    name: 'Ministry of Economy, Trade and Industry',
    kind: 'ministry',
    sector: 'electricity',
  }),
  // A security vendor: it shares analysis on the council, in no sector and with no duty to report.
  hoshimiSecurity: defineOrganisation({
    id: DEMO_ORG_IDS.hoshimiSecurity,
    name: 'Hoshimi Security Labs',
    kind: 'vendor',
  }),
};

export const DEMO_ORGANISATIONS: readonly Organisation[] = Object.values(DEMO_ORGS);
