import { useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BatchResult, TaxiiStatus } from '../api/types';
import {
  chunk,
  parseIndicatorCsv,
  type CsvRow,
  type FileProblem,
  type RowProblem,
} from '../indicators/indicator-csv';
import { STIX_CONTEXT_TYPES } from '../domain/vocabulary';
import { useSession } from '../session/session-context';
import { Section, Stat, Stats, TableBox, useErrorText } from '../ui/layout';
import { useFormat } from '../ui/use-format';

const BATCH = 500;
const TAXII = 'application/taxii+json;version=2.1';
const TAXII_MAX_OBJECTS = 1000;
const TAXII_MAX_CHARS = 1_500_000;

/** One line of the result table: a CSV row or a STIX object, and what became of it. */
interface Outcome {
  where: string;
  what: string;
  result: 'created' | 'updated' | 'duplicate' | 'refused' | 'context';
  detail: string;
}

async function fileKey(text: string): Promise<string> {
  try {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
    return `acd-console-${hex.slice(0, 40)}`;
  } catch {
    return `acd-console-${crypto.randomUUID()}`;
  }
}

function isStixBundle(text: string): unknown[] | null {
  const s = text.replace(/^\uFEFF/, '').trimStart();
  if (!s.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(s) as { type?: unknown; objects?: unknown };
    return parsed.type === 'bundle' && Array.isArray(parsed.objects) ? parsed.objects : null;
  } catch {
    return null;
  }
}

/** STIX objects in envelopes under the TAXII limits (objects per request, request size). */
function envelopes(objects: unknown[]): unknown[][] {
  const out: unknown[][] = [];
  let current: unknown[] = [];
  let size = 0;
  for (const o of objects) {
    const n = JSON.stringify(o).length;
    if (current.length > 0 && (current.length >= TAXII_MAX_OBJECTS || size + n > TAXII_MAX_CHARS)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(o);
    size += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Upload an indicator file: a CSV (the columns of `acd indicators publish`) goes row by row to
 * `POST /v1/indicators/batch`; a STIX 2.1 bundle goes to the TAXII collection, whose status
 * resource says what became of each object. Every row and object gets its own outcome.
 */
export function UploadIndicatorsPanel({ onPublished }: { onPublished?: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const errorText = useErrorText();
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const rowProblem = (p: RowProblem): string =>
    p.code === 'malformed' ? t(`upload.malformed.${p.kind}`) : t(`upload.problem.${p.code}`, p);
  const fileProblem = (p: FileProblem): string =>
    t(`upload.file.${p.code}`, {
      ...p,
      columns: 'columns' in p ? p.columns.join(', ') : '',
    });

  async function sendCsv(text: string, rows: CsvRow[]): Promise<Outcome[]> {
    const out = new Map<number, Outcome>();
    for (const r of rows)
      if (!r.ok)
        out.set(r.line, {
          where: t('upload.line', { line: r.line }),
          what: '',
          result: 'refused',
          detail: `${r.field}: ${rowProblem(r.problem)}`,
        });
    const ready = rows.filter((r): r is Extract<CsvRow, { ok: true }> => r.ok);
    const prefix = await fileKey(text);
    const batches = chunk(ready, BATCH);
    for (const [n, batch] of batches.entries()) {
      setBusy(t('upload.sending', { done: n * BATCH, total: ready.length }));
      const res = await api.post<{ results: BatchResult[] }>(
        '/v1/indicators/batch',
        { items: batch.map((r) => r.body) },
        { idempotencyKey: `${prefix}-${n}` },
      );
      for (const result of res.body.results) {
        const row = batch[result.index];
        if (!row) continue;
        const value = String(row.body.value ?? '');
        out.set(row.line, {
          where: t('upload.line', { line: row.line }),
          what: value,
          result:
            result.status === 201
              ? 'created'
              : result.status === 200
                ? result.duplicate
                  ? 'duplicate'
                  : 'updated'
                : 'refused',
          detail:
            result.status === 200 || result.status === 201
              ? (result.id ?? '')
              : `${result.error?.field ? `${result.error.field}: ` : ''}${result.error?.message ?? `HTTP ${result.status}`}`,
        });
      }
    }
    return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, o]) => o);
  }

  async function sendStix(all: unknown[]): Promise<Outcome[]> {
    const out: Outcome[] = [];
    // Identities and marking definitions describe the bundle's indicators (as the CLI reads
    // them): they are listed, not sent.
    const isContext = (o: unknown) =>
      (STIX_CONTEXT_TYPES as readonly string[]).includes(String((o as { type?: unknown })?.type));
    for (const o of all.filter(isContext)) {
      const rec = o as { id?: unknown; modified?: unknown };
      out.push({
        where: String(rec.id ?? ''),
        what: typeof rec.modified === 'string' ? rec.modified : '',
        result: 'context',
        detail: t('upload.contextOnly'),
      });
    }
    const objects = all.filter((o) => !isContext(o));
    if (objects.length === 0) return out;
    const parts = envelopes(objects);
    for (const [n, part] of parts.entries()) {
      setBusy(t('upload.sending', { done: n * TAXII_MAX_OBJECTS, total: objects.length }));
      const res = await api.post<TaxiiStatus>(
        '/taxii2/api/collections/indicators/objects/',
        { objects: part },
        { contentType: TAXII, accept: TAXII },
      );
      const s = res.body;
      for (const ok of s.successes)
        out.push({
          where: ok.id,
          what: ok.version ?? '',
          result: 'created',
          detail: ok.message ?? '',
        });
      for (const bad of s.failures)
        out.push({
          where: bad.id,
          what: bad.version ?? '',
          result: 'refused',
          detail: bad.message,
        });
    }
    return out;
  }

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setOutcomes(null);
    setProblem(null);
    if (!file) return;
    setBusy(t('upload.reading'));
    try {
      const text = await file.text();
      const stix = isStixBundle(text);
      if (stix) {
        setOutcomes(await sendStix(stix));
      } else if (
        /\.json$/i.test(file.name) ||
        text.trimStart().startsWith('{') ||
        text.trimStart().startsWith('[')
      ) {
        setProblem(t('upload.file.notStix'));
      } else {
        const parsed = parseIndicatorCsv(text);
        if (!parsed.ok) setProblem(fileProblem(parsed.problem));
        else if (parsed.rows.length === 0) setProblem(t('upload.file.noRows'));
        else setOutcomes(await sendCsv(text, parsed.rows));
      }
      onPublished?.();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(null);
      e.target.value = '';
    }
  };

  const count = (r: Outcome['result']) => outcomes?.filter((o) => o.result === r).length ?? 0;

  return (
    <Section id="upload" title={t('upload.title')}>
      <p className="note">{t('upload.intro')}</p>
      <div className="field">
        <label htmlFor="upload-file">{t('upload.file.label')}</label>
        <input
          id="upload-file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          onChange={(e) => void onFile(e)}
          disabled={busy !== null}
          data-testid="upload-input"
        />
      </div>
      {busy ? (
        <p className="note" role="status">
          {busy}
        </p>
      ) : null}
      {problem ? (
        <p className="note note-error" role="alert" data-testid="upload-problem">
          {problem}
        </p>
      ) : null}
      {outcomes ? (
        <>
          <Stats label={t('upload.summary')}>
            <Stat
              testId="count-upload-created"
              label={t('upload.result.created')}
              value={f.number(count('created'))}
            />
            <Stat
              testId="count-upload-updated"
              label={t('upload.result.updated')}
              value={f.number(count('updated'))}
            />
            <Stat
              testId="count-upload-duplicate"
              label={t('upload.result.duplicate')}
              value={f.number(count('duplicate'))}
            />
            <Stat
              testId="count-upload-refused"
              label={t('upload.result.refused')}
              value={f.number(count('refused'))}
              tone={count('refused') > 0 ? 'alert' : undefined}
            />
          </Stats>
          <TableBox label={t('upload.summary')}>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t('upload.where')}</th>
                  <th scope="col">{t('upload.what')}</th>
                  <th scope="col">{t('upload.outcome')}</th>
                  <th scope="col">{t('upload.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {outcomes.map((o, i) => (
                  <tr key={i} data-testid="upload-result-row" data-result={o.result}>
                    <th scope="row" className="mono nowrap">
                      {o.where}
                    </th>
                    <td className="mono">{o.what}</td>
                    <td
                      className={
                        o.result === 'refused' ? 'alert' : o.result === 'context' ? 'muted' : 'ok'
                      }
                    >
                      {t(`upload.result.${o.result}`)}
                    </td>
                    <td className="mono">{o.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        </>
      ) : null}
    </Section>
  );
}
