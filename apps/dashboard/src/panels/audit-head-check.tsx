import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignedHead } from '../api/types';
import { useResource } from '../api/use-resource';
import { verifyTreeHead, type HeadCheck } from '../audit/tree-head';
import { useSession } from '../session/session-context';
import { ResourceView, Section } from '../ui/layout';
import { useFormat } from '../ui/use-format';

/**
 * The audit log's newest signed tree head, verified here in the browser: Ed25519 over the exact
 * bytes the bus signs, with WebCrypto, against the public key the bus publishes.
 */
export function AuditHeadCheck({ boardHead }: { boardHead: SignedHead | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { api } = useSession();
  const [data, reload] = useResource(async () => {
    const [head, key] = await Promise.all([
      api.get<SignedHead>('/v1/audit/head'),
      api.get<{ keyId: string | null; publicKeyPem: string; algorithm: string }>(
        '/v1/audit/public-key',
      ),
    ]);
    return { head, key };
  }, [api]);
  const [check, setCheck] = useState<HeadCheck | 'checking'>('checking');

  useEffect(() => {
    if (data.status !== 'ready') return;
    let live = true;
    setCheck('checking');
    void verifyTreeHead(globalThis.crypto?.subtle, data.data.key.publicKeyPem, data.data.head).then(
      (c) => {
        if (live) setCheck(c);
      },
    );
    return () => {
      live = false;
    };
  }, [data]);

  return (
    <Section
      id="audit"
      title={t('audit.title')}
      actions={
        <button type="button" onClick={reload}>
          {t('audit.recheck')}
        </button>
      }
    >
      <ResourceView resource={data}>
        {({ head, key }) => (
          <>
            {check === 'checking' ? (
              <p className="note" role="status">
                {t('audit.checking')}
              </p>
            ) : check.ok ? (
              <p className="mark mark-ok" role="status" data-testid="audit-verified">
                <span aria-hidden="true">✔</span> {t('audit.verified')}
              </p>
            ) : (
              <p
                className="mark mark-fail"
                role="alert"
                data-testid="audit-failed"
                data-reason={check.reason}
              >
                <span aria-hidden="true">✖</span> {t('audit.failed')}{' '}
                {t(`audit.reason.${check.reason}`)}
              </p>
            )}
            <dl className="facts">
              <dt>{t('audit.treeSize')}</dt>
              <dd data-testid="audit-tree-size">{f.number(head.treeSize)}</dd>
              <dt>{t('audit.signedAt')}</dt>
              <dd>{f.dateTime(head.timestamp)}</dd>
              <dt>{t('audit.rootHash')}</dt>
              <dd className="mono hash">{head.rootHash}</dd>
              <dt>{t('audit.keyId')}</dt>
              <dd className="mono hash">{key.keyId ?? head.keyId ?? '—'}</dd>
            </dl>
            {boardHead && boardHead.treeSize > head.treeSize ? (
              <p className="note">
                {t('audit.boardNewer', { size: f.number(boardHead.treeSize) })}
              </p>
            ) : null}
            <p className="note">{t('audit.trustNote')}</p>
          </>
        )}
      </ResourceView>
    </Section>
  );
}
