import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AGREEMENT_STATUSES } from '../agreements/agreement-form';
import { COUNCIL_MEMBER_STATUSES } from '../council/council-standing';
import { DESIGNATION_STATES } from '../designation/designation';
import * as v from '../domain/vocabulary';
import {
  INSPECTION_CONCLUSIONS,
  SUPERVISION_KINDS,
  SUPERVISION_STATUSES,
} from '../supervision/supervision-items';
import { en } from './en';
import { ja } from './ja';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, value] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof value === 'string') out.set(key, value);
    else for (const [kk, vv] of flatten(value, key)) out.set(kk, vv);
  }
  return out;
}

const english = flatten(en as unknown as Tree);
const japanese = flatten(ja as unknown as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) && !/\.spec\.ts$/.test(name) ? [p] : [];
  });
}

describe('the catalogues', () => {
  it('have exactly the same keys in Japanese and English', () => {
    expect([...japanese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('fill every string, with the same placeholders in both languages', () => {
    for (const [key, text] of english) {
      const other = japanese.get(key) ?? '';
      expect({ key, empty: text.trim() === '' || other.trim() === '' }).toEqual({
        key,
        empty: false,
      });
      expect({ key, placeholders: placeholders(other) }).toEqual({
        key,
        placeholders: placeholders(text),
      });
    }
  });

  it('name every value of every vocabulary the console shows', () => {
    const families: [string, readonly string[]][] = [
      ['kind', v.ORG_KINDS],
      ['sector', v.SECTORS],
      ['indicatorType', v.INDICATOR_TYPES],
      ['stage', v.REPORT_STAGES],
      ['impact', v.IMPACT_LEVELS],
      ['incidentStatus', v.INCIDENT_STATUSES],
      ['severity', v.ADVISORY_SEVERITIES],
      ['regime', v.REGIMES],
      ['exposure', v.ASSET_EXPOSURES],
      ['category', v.METADATA_CATEGORIES],
      ['measure', v.OPERATION_MEASURES],
      ['outcome', v.EXECUTION_OUTCOMES],
      ['vote', v.VOTES],
      ['requestStatus', v.REQUEST_STATUSES],
      ['stageOp', v.OPERATION_STAGES],
      ['requestKind', v.REQUEST_KINDS],
      ['advisoryStatus', v.ADVISORY_STATUSES],
      ['indicatorStatus', v.INDICATOR_STATUSES],
    ];
    const missing = families.flatMap(([family, values]) =>
      values.map((x) => `${family}.${x}`).filter((k) => !english.has(k)),
    );
    for (const kind of v.ORG_KINDS) {
      for (const k of [`view.${kind}.title`, `view.${kind}.intro`])
        if (!english.has(k)) missing.push(k);
    }
    expect(missing).toEqual([]);
  });

  it('hold every key the console asks for by name', () => {
    const used = new Set<string>();
    for (const file of sources(path.join(__dirname, '..'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) if (m[1]) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !english.has(k))).toEqual([]);
  });

  it('name every state of the agreements, the council, supervision and designation', () => {
    const families: [string, readonly string[]][] = [
      ['agreements.status', AGREEMENT_STATUSES],
      ['agreements.action', ['accept', 'decline', 'end']],
      ['agreements.done', ['accept', 'decline', 'end']],
      ['council.status', COUNCIL_MEMBER_STATUSES],
      ['council.standingOf', ['none', ...COUNCIL_MEMBER_STATUSES]],
      ['council.standingNote', ['none', ...COUNCIL_MEMBER_STATUSES]],
      ['council.action', ['acknowledge', 'withdraw']],
      ['supervision.kindName', SUPERVISION_KINDS],
      ['supervision.textLabel', SUPERVISION_KINDS],
      ['supervision.submit', SUPERVISION_KINDS],
      ['supervision.created', SUPERVISION_KINDS],
      ['supervision.status', SUPERVISION_STATUSES],
      ['supervision.conclusionName', INSPECTION_CONCLUSIONS],
      ['designation.state', DESIGNATION_STATES],
      ['designation.note', DESIGNATION_STATES],
      ['formProblem', ['orgId', 'network', 'periodOrder', 'periodTooLong', 'inFuture', 'inPast']],
    ];
    const missing = families.flatMap(([family, values]) =>
      values.map((x) => `${family}.${x}`).filter((k) => !english.has(k)),
    );
    expect(missing).toEqual([]);
  });

  it('spell TLP labels the same in both languages', () => {
    for (const [key, text] of english)
      if (/TLP:/.test(text)) expect(japanese.get(key)).toMatch(/TLP:/);
  });
});
