import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useState,
  type ComponentType,
} from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, createApi, NetworkError } from './api/client';
import type { WhoAmI } from './api/types';
import { isOrgKind, type OrgKind } from './domain/vocabulary';
import { SessionContext, type Session } from './session/session-context';
import { SignIn } from './session/sign-in';
import { clearToken, loadToken, saveToken } from './session/token-store';
import { LanguageSwitch } from './ui/language-switch';

// One chunk per actor's view: a viewer downloads only its own.
const views: Record<OrgKind, ComponentType> = {
  'cabinet-office': lazy(() => import('./views/cabinet-office-view')),
  operator: lazy(() => import('./views/operator-view')),
  'oversight-commission': lazy(() => import('./views/commission-view')),
  police: lazy(() => import('./views/agency-view')),
  sdf: lazy(() => import('./views/agency-view')),
  telecom: lazy(() => import('./views/telecom-view')),
  ministry: lazy(() => import('./views/ministry-view')),
  vendor: lazy(() => import('./views/vendor-view')),
};

type Phase =
  | { phase: 'checking' }
  | { phase: 'signed-out'; problem: 'unauthorized' | 'network' | 'failed' | null; busy: boolean }
  | { phase: 'signed-in'; token: string; who: WhoAmI };

export function App() {
  const { t } = useTranslation();
  const [state, setState] = useState<Phase>(() =>
    loadToken() ? { phase: 'checking' } : { phase: 'signed-out', problem: null, busy: false },
  );

  const signOut = useCallback(() => {
    clearToken();
    setState({ phase: 'signed-out', problem: null, busy: false });
  }, []);

  const expired = useCallback(() => {
    clearToken();
    setState({ phase: 'signed-out', problem: 'unauthorized', busy: false });
  }, []);

  const signIn = useCallback(async (token: string) => {
    setState({ phase: 'signed-out', problem: null, busy: true });
    try {
      const who = await createApi(token).get<WhoAmI>('/v1/whoami');
      if (!who || !isOrgKind(who.organisation?.kind)) throw new Error('unexpected whoami answer');
      saveToken(token);
      setState({ phase: 'signed-in', token, who });
    } catch (e) {
      clearToken();
      const problem =
        e instanceof ApiError && e.status === 401
          ? 'unauthorized'
          : e instanceof NetworkError
            ? 'network'
            : 'failed';
      setState({ phase: 'signed-out', problem, busy: false });
    }
  }, []);

  useEffect(() => {
    const saved = loadToken();
    if (state.phase === 'checking' && saved) void signIn(saved);
  }, [state.phase, signIn]);

  const session = useMemo<Session | null>(
    () =>
      state.phase === 'signed-in'
        ? {
            token: state.token,
            who: state.who,
            api: createApi(state.token, { onUnauthorized: expired }),
            signOut,
          }
        : null,
    [state, expired, signOut],
  );

  const View = session ? views[session.who.organisation.kind] : null;

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ACD
          </span>
          <span className="brand-name">{t('app.name')}</span>
        </div>
        <div className="topbar-tools">
          {session ? (
            <p className="whoami" data-testid="whoami">
              <span data-testid="whoami-org">{session.who.organisation.name}</span>
              <span className="whoami-kind">{t(`kind.${session.who.organisation.kind}`)}</span>
              {session.who.member ? (
                <span className="whoami-member" data-testid="whoami-member">
                  {t('app.member', { id: session.who.member })}
                </span>
              ) : null}
            </p>
          ) : null}
          <LanguageSwitch />
          {session ? (
            <button type="button" onClick={signOut} data-testid="signout">
              {t('app.signOut')}
            </button>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {state.phase === 'checking' ? (
          <p className="note" role="status">
            {t('state.signingIn')}
          </p>
        ) : state.phase === 'signed-out' ? (
          <SignIn onSignIn={(tok) => void signIn(tok)} problem={state.problem} busy={state.busy} />
        ) : session && View ? (
          <SessionContext.Provider value={session}>
            <Suspense
              fallback={
                <p className="note" role="status">
                  {t('state.loading')}
                </p>
              }
            >
              <View />
            </Suspense>
          </SessionContext.Provider>
        ) : null}
      </main>
      <footer className="footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
}
