import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { createApi } from '../api/client';
import type { DemoOrganisation } from '../api/types';
import { Field } from '../ui/layout';

type Demo = { state: 'loading' } | { state: 'none' } | { state: 'ready'; orgs: DemoOrganisation[] };

/**
 * Sign-in: paste an organisation's or a member's bearer token. On the local stack the bus also
 * lists its demo organisations (and the commission's members) to pick from; elsewhere that
 * route answers 404 and only the paste field is shown.
 */
export function SignIn({
  onSignIn,
  problem,
  busy,
}: {
  onSignIn(token: string): void;
  problem: 'unauthorized' | 'network' | 'failed' | null;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const [token, setToken] = useState('');
  const [demo, setDemo] = useState<Demo>({ state: 'loading' });
  const [empty, setEmpty] = useState(false);

  useEffect(() => {
    let live = true;
    createApi(null)
      .get<DemoOrganisation[]>('/v1/demo/organisations')
      .then(
        (orgs) =>
          live &&
          setDemo(
            Array.isArray(orgs) && orgs.length > 0 ? { state: 'ready', orgs } : { state: 'none' },
          ),
        () => live && setDemo({ state: 'none' }),
      );
    return () => {
      live = false;
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim() === '') {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    onSignIn(token.trim());
  };

  const problems = [
    ...(empty ? [t('signIn.tokenRequired')] : []),
    ...(problem ? [t(`signIn.problem.${problem}`)] : []),
  ];

  return (
    <div className="signin">
      <h1>{t('signIn.title')}</h1>
      <p className="lede">{t('signIn.intro')}</p>
      <form
        className="signin-form panel"
        onSubmit={submit}
        noValidate
        aria-labelledby="signin-paste"
      >
        <h2 id="signin-paste">{t('signIn.pasteTitle')}</h2>
        <Field label={t('signIn.tokenLabel')} problems={problems} hint={t('signIn.tokenHint')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(e) => setToken(e.target.value)}
              data-testid="signin-token"
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy} data-testid="signin-submit">
          {busy ? t('signIn.checking') : t('signIn.submit')}
        </button>
      </form>
      {demo.state === 'ready' ? (
        <section
          className="panel demo-picker"
          aria-labelledby="signin-demo"
          data-testid="demo-picker"
        >
          <h2 id="signin-demo">{t('signIn.demoTitle')}</h2>
          <p className="note">{t('signIn.demoIntro')}</p>
          <ul className="demo-list">
            {demo.orgs.map((o) => (
              <li key={o.id}>
                <button
                  type="button"
                  className="demo-org"
                  disabled={busy}
                  onClick={() => onSignIn(o.token)}
                  data-testid={`signin-org-${o.id}`}
                >
                  <span className="demo-name">{o.name}</span>
                  <span className="demo-kind">
                    {t(`kind.${o.kind}`)}
                    {o.sector ? ` · ${t(`sector.${o.sector}`, { defaultValue: o.sector })}` : ''}
                  </span>
                </button>
                {o.members?.length ? (
                  <ul className="demo-members" aria-label={t('signIn.membersOf', { name: o.name })}>
                    {o.members.map((m) => (
                      <li key={m.id}>
                        <button
                          type="button"
                          className="demo-member"
                          disabled={busy}
                          onClick={() => onSignIn(m.token)}
                          data-testid={`signin-member-${m.id}`}
                        >
                          {t('signIn.member', { id: m.id })}
                        </button>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
