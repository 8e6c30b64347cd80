import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { INDICATOR_TYPES, SECTORS, TLP_LEVELS } from '../domain/vocabulary';
import { jstInputToIso } from '../format/jst';
import { useSession } from '../session/session-context';
import { Field, Section, useErrorText } from '../ui/layout';

interface Values {
  type: string;
  value: string;
  tlp: string;
  orgs: string;
  sectors: string[];
  confidence: string;
  validUntil: string;
  description: string;
  disclosePublisher: boolean;
  council: boolean;
}

const initial: Values = {
  type: 'ipv4',
  value: '',
  tlp: 'GREEN',
  orgs: '',
  sectors: [],
  confidence: '50',
  validUntil: '',
  description: '',
  disclosePublisher: false,
  council: false,
};

const list = (s: string) =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** Publish one indicator (`POST /v1/indicators`); the API's refusals are shown at their fields. */
export function PublishIndicatorPanel({ onPublished }: { onPublished?: () => void }) {
  const { t } = useTranslation();
  const { api } = useSession();
  const errorText = useErrorText();
  const [v, setV] = useState<Values>(initial);
  const [issues, setIssues] = useState<Record<string, string[]>>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const set = <K extends keyof Values>(k: K, value: Values[K]) => {
    setV((s) => ({ ...s, [k]: value }));
    setKey(crypto.randomUUID());
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOutcome(null);
    setIssues({});
    const orgs = list(v.orgs);
    const body: Record<string, unknown> = {
      type: v.type,
      value: v.value.trim(),
      tlp: v.tlp,
      ...(orgs.length + v.sectors.length > 0 || v.council
        ? { audience: { orgs, sectors: v.sectors, council: v.council } }
        : {}),
      ...(v.confidence.trim() !== '' ? { confidence: Number(v.confidence) } : {}),
      ...(v.validUntil ? { validUntil: jstInputToIso(v.validUntil) ?? v.validUntil } : {}),
      ...(v.description.trim() ? { description: v.description.trim() } : {}),
      disclosePublisher: v.disclosePublisher,
    };
    setBusy(true);
    try {
      const res = await api.post<{ id?: string; indicatorId?: string; duplicate?: boolean }>(
        '/v1/indicators',
        body,
        {
          idempotencyKey: key,
        },
      );
      const id = res.body.id ?? res.body.indicatorId ?? '';
      setOutcome({
        ok: true,
        text: res.status === 201 ? t('publish.created', { id }) : t('publish.updated', { id }),
      });
      setKey(crypto.randomUUID());
      onPublished?.();
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) {
        const grouped: Record<string, string[]> = {};
        for (const i of err.issues) {
          const k = i.field.split('.')[0] ?? i.field;
          (grouped[k] ??= []).push(i.reason);
        }
        setIssues(grouped);
      }
      setOutcome({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section id="publish" title={t('publish.title')}>
      <form onSubmit={submit} noValidate data-testid="publish-form">
        <div className="form-grid">
          <Field label={t('indicators.type')} problems={issues.type}>
            {(p) => (
              <select
                {...p}
                value={v.type}
                onChange={(e) => set('type', e.target.value)}
                data-testid="publish-type"
              >
                {INDICATOR_TYPES.map((x) => (
                  <option key={x} value={x}>
                    {t(`indicatorType.${x}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('indicators.tlp')} problems={issues.tlp}>
            {(p) => (
              <select
                {...p}
                value={v.tlp}
                onChange={(e) => set('tlp', e.target.value)}
                data-testid="publish-tlp"
              >
                {TLP_LEVELS.map((x) => (
                  <option key={x} value={x}>
                    TLP:{x}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field label={t('indicators.value')} problems={issues.value}>
          {(p) => (
            <input
              {...p}
              className="mono"
              value={v.value}
              onChange={(e) => set('value', e.target.value)}
              data-testid="publish-value"
            />
          )}
        </Field>
        <Field
          label={t('publish.audienceOrgs')}
          problems={issues.audience}
          hint={t('report.listHint')}
        >
          {(p) => (
            <input
              {...p}
              value={v.orgs}
              onChange={(e) => set('orgs', e.target.value)}
              data-testid="publish-orgs"
            />
          )}
        </Field>
        <Field label={t('publish.audienceSectors')} hint={t('publish.multiHint')}>
          {(p) => (
            <select
              {...p}
              multiple
              size={4}
              value={v.sectors}
              onChange={(e) =>
                set(
                  'sectors',
                  Array.from(e.target.selectedOptions, (o) => o.value),
                )
              }
            >
              {SECTORS.map((x) => (
                <option key={x} value={x}>
                  {t(`sector.${x}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="form-grid">
          <Field label={t('indicators.confidence')} problems={issues.confidence}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                max={100}
                step={1}
                value={v.confidence}
                onChange={(e) => set('confidence', e.target.value)}
              />
            )}
          </Field>
          <Field
            label={t('publish.validUntil')}
            problems={issues.validUntil}
            hint={t('report.jstHint')}
          >
            {(p) => (
              <input
                {...p}
                type="datetime-local"
                value={v.validUntil}
                onChange={(e) => set('validUntil', e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field label={t('publish.description')} problems={issues.description}>
          {(p) => (
            <textarea
              {...p}
              rows={2}
              value={v.description}
              onChange={(e) => set('description', e.target.value)}
            />
          )}
        </Field>
        <div className="check">
          <input
            id="publish-disclose"
            type="checkbox"
            checked={v.disclosePublisher}
            onChange={(e) => set('disclosePublisher', e.target.checked)}
          />
          <label htmlFor="publish-disclose">{t('publish.disclose')}</label>
        </div>
        <div className="check">
          <input
            id="publish-council"
            type="checkbox"
            checked={v.council}
            onChange={(e) => set('council', e.target.checked)}
            data-testid="publish-council"
          />
          <label htmlFor="publish-council">{t('publish.council')}</label>
        </div>
        {issues['(body)'] ? <p className="field-problem">{issues['(body)'].join(' ')}</p> : null}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy} data-testid="publish-submit">
            {busy ? t('report.sending') : t('publish.submit')}
          </button>
        </div>
        {outcome ? (
          <p
            className={outcome.ok ? 'note note-ok' : 'note note-error'}
            role={outcome.ok ? 'status' : 'alert'}
            data-testid="publish-result"
          >
            {outcome.text}
          </p>
        ) : null}
      </form>
    </Section>
  );
}
