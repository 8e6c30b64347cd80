import { DEMO_ORG_IDS, type OrgKind, type Sector } from '@acd/identity';

/** One organisation of the tokens file `acd seed-demo` writes (.local/demo-orgs.json). */
export interface DemoOrgRecord {
  id: string;
  name: string;
  kind: OrgKind;
  sector?: Sector;
  /**
   * A personal token of the organisation's demo duty officer (member `duty-officer`): what the
   * demo and the console act with, since confidential reads and audited acts must name a person.
   */
  token: string;
  /** The organisation's own token: it manages members' tokens and reads nothing confidential. */
  adminToken?: string;
  /** For the oversight commission: one token per member, each naming its member. */
  members?: { id: string; token: string }[];
}

/** Who sends a request: an organisation, or one commission member with a personal token. */
export interface DemoActor {
  orgId: string;
  token: string;
  /** The name the journal keeps requests under: the member if there is one, else the org. */
  principal: string;
}

export const actor = (org: DemoOrgRecord): DemoActor => ({
  orgId: org.id,
  token: org.token,
  principal: org.id,
});

/** The organisations each part of the demo acts as, picked once from the tokens file. */
export interface DemoCast {
  /** The first operator, and a second one in another sector, so sector audiences differ. */
  opA: DemoOrgRecord;
  opB: DemoOrgRecord;
  nco: DemoOrgRecord;
  police: DemoOrgRecord;
  sdf: DemoOrgRecord;
  telecom: DemoOrgRecord;
  commission: DemoOrgRecord;
  /** The commission's members, each with a personal token (at least three). */
  members: DemoActor[];
  kanto: DemoOrgRecord;
  setouchi: DemoOrgRecord;
  tokai: DemoOrgRecord;
  bank: DemoOrgRecord;
  /** The electricity operator that acknowledges the sector advisory. */
  grid: DemoOrgRecord;
  /** The two operators outside electricity named by the RED advisory. */
  named: DemoOrgRecord[];
}

export function castOf(orgs: readonly DemoOrgRecord[]): DemoCast {
  const need = (what: string, org: DemoOrgRecord | undefined): DemoOrgRecord => {
    if (!org) throw new Error(`no ${what} among the demo organisations`);
    return org;
  };
  const byId = (id: string) =>
    need(
      id,
      orgs.find((o) => o.id === id),
    );
  const byKind = (kind: OrgKind) =>
    need(
      kind,
      orgs.find((o) => o.kind === kind),
    );
  const operators = orgs.filter((o) => o.kind === 'operator');
  const opA = need('operator', operators[0]);
  const commission = byKind('oversight-commission');
  const members = (commission.members ?? []).map((m) => ({
    orgId: commission.id,
    token: m.token,
    principal: m.id,
  }));
  if (members.length < 3) throw new Error('the commission needs at least three member tokens');
  const named = operators.filter((o) => o.sector !== 'electricity').slice(0, 2);
  if (named.length < 2) throw new Error('the demo needs two operators outside electricity');
  return {
    opA,
    opB: need('second operator', operators.find((o) => o.sector !== opA.sector) ?? operators[1]),
    nco: byKind('cabinet-office'),
    police: byKind('police'),
    sdf: byKind('sdf'),
    telecom: orgs.find((o) => o.id === DEMO_ORG_IDS.nihonTelecom) ?? byKind('telecom'),
    commission,
    members,
    kanto: byId(DEMO_ORG_IDS.kantoElectric),
    setouchi: byId(DEMO_ORG_IDS.setouchiGrid),
    tokai: byId(DEMO_ORG_IDS.tokaiRail),
    bank: byId(DEMO_ORG_IDS.minatoBank),
    grid:
      orgs.find((o) => o.id === DEMO_ORG_IDS.kantoElectric) ??
      need(
        'electricity operator',
        operators.find((o) => o.sector === 'electricity'),
      ),
    named,
  };
}
