import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { RequestFailed, subscribe, type Subscription } from './api';
import { locale, saveLang, savedLang, STRINGS, type Lang } from './i18n';
import { answers, type Snapshot } from './model';
import { loadCharts } from './Chart';
import { CareMediansPanel, CareOpenPanel, CareQueuePanel, CareTimesPanel } from './panels/Care';
import { CommunitiesPanel } from './panels/Communities';
import { CompoundDetail, CompoundMapPanel, CoveragePanel } from './panels/Coverage';
import { NoticesPanel, QuestionsPanel } from './panels/Information';
import { LowStockPanel, OrdersPanel, PoolsPanel, SearchedPanel } from './panels/Supplies';
import { NOTICES_SUBSCRIPTION, type CommunityData, type Compound, type Notice } from './queries';
import { codesOf, dashboardQuery, scopeOf, viewOf, type CommunityInfo, type Scope } from './scope';
import { dashboardAnswer, forgetToken, initialToken, keepToken, whoIs } from './session';
import { SignIn } from './SignIn';
import { makeUi, UiContext, useUi } from './ui';

/** How often the page asks again, in ms: the panels without a subscription are never older than this. */
const REFRESH_MS = 10_000;
/** Least time between two refreshes that live events ask for, in ms. */
const EVENT_REFRESH_GAP_MS = 2_000;

export function App() {
  const [lang, setLang] = useState<Lang>(savedLang);
  const [token, setToken] = useState<string | undefined>(initialToken);
  const [scope, setScope] = useState<Scope | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [names, setNames] = useState(new Map<string, CommunityInfo>());
  const ui = useMemo(() => makeUi(lang, names), [lang, names]);
  const t = STRINGS[lang];

  useEffect(() => {
    document.documentElement.lang = locale(lang);
    document.title = `${t.title} · Lilong`;
  }, [lang, t]);

  const signOut = useCallback((message?: string) => {
    forgetToken();
    setToken(undefined);
    setScope(undefined);
    setProblem(message);
  }, []);

  // Signing in: one query says which communities the person may watch.
  useEffect(() => {
    if (!token) return;
    let cancelled = false;
    setProblem(undefined);
    whoIs(token).then(
      (answer) => {
        if (cancelled) return;
        const communities = answer.data?.communities ?? [];
        setNames(new Map(communities.map((c) => [c.code, c])));
        keepToken(token);
        const next = scopeOf(communities);
        if (next) setScope(next);
        else signOut(STRINGS[savedLang()].noRole);
      },
      (error: unknown) => {
        if (cancelled) return;
        signOut(error instanceof RequestFailed ? (savedLang() === 'zh' ? error.messageZh : error.message) : String(error));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [token, signOut]);

  const switchLang = () => {
    const next = lang === 'zh' ? 'en' : 'zh';
    saveLang(next);
    setLang(next);
  };

  return (
    <UiContext.Provider value={ui}>
      <a className="skip" href="#main">
        {t.skip}
      </a>
      <header className="top">
        <div>
          <h1>{t.title}</h1>
          <p className="subtitle">{t.subtitle}</p>
        </div>
        <div className="controls">
          {scope?.kind === 'community' && scope.allowed.length > 1 && (
            <label>
              {t.chooseCommunity}{' '}
              <select value={scope.code} onChange={(event) => setScope({ ...scope, code: event.target.value })} data-testid="community-select">
                {scope.allowed.map(({ code, view }) => (
                  <option key={code} value={code}>
                    {view === 'information' ? `${ui.nameOf(code)} · ${t.roleInformation}` : ui.nameOf(code)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" onClick={switchLang} aria-label={t.languageLabel} data-testid="lang" lang={locale(lang === 'zh' ? 'en' : 'zh')}>
            {t.language}
          </button>
          {scope && (
            <>
              <button type="button" onClick={() => window.print()} data-testid="print">
                {t.print}
              </button>
              <button type="button" onClick={() => signOut()} data-testid="sign-out">
                {t.signOut}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {!token ? (
          <SignIn problem={problem} onToken={setToken} />
        ) : !scope ? (
          <p className="booting" role="status">
            {t.signingIn}
          </p>
        ) : (
          <Dashboard key={scope.kind === 'community' ? scope.code : 'all'} token={token} scope={scope} onSessionEnded={() => signOut(t.sessionEnded)} />
        )}
      </main>
    </UiContext.Provider>
  );
}

interface DashboardProps {
  token: string;
  scope: Scope;
  onSessionEnded: () => void;
}

function Dashboard({ token, scope, onSessionEnded }: DashboardProps) {
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const [liveNotices, setLiveNotices] = useState(new Map<string, { code: string; notice: Notice }>());
  const [compound, setCompound] = useState<Compound | undefined>();
  const lastAnswer = useRef(new Map<string, number>());
  const liveDown = useRef(new Set<string>());
  const refreshRef = useRef<() => void>(() => undefined);
  const { t, f, lang, nameOf } = useUi();
  const codes = codesOf(scope);
  const view = viewOf(scope);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let running = false;
    let lastRun = 0;
    const run = async () => {
      if (stopped || running) return;
      running = true;
      lastRun = Date.now();
      clearTimeout(timer);
      try {
        const { query, variables } = dashboardQuery(scope);
        const asked = dashboardAnswer(token, query, variables);
        const answer = await asked;
        // The chart code only once the first answer is in: on the embedded default the browser, the hub and the
        // nodes share one machine, and parsing half a megabyte of charts while the hub answers slows the answer.
        if (view !== 'information') void loadCharts().catch(() => undefined);
        if (stopped) return;
        const list: (CommunityData | null)[] = scope.kind === 'subdistrict' ? answer.data?.communities ?? [] : [answer.data?.community ?? null];
        const byCode = new Map<string, CommunityData>();
        list.forEach((c, i) => {
          const code = c?.code ?? codes[i];
          if (c && code) byCode.set(code, c);
        });
        const at = Date.now();
        for (const [code, c] of byCode) {
          if (answers(c.status)) {
            lastAnswer.current.set(code, at);
            liveDown.current.delete(code);
          }
        }
        const scopeCodes = scope.kind === 'subdistrict' ? list.map((c, i) => c?.code ?? codes[i]!).filter(Boolean) : [scope.code];
        setSnapshot({ at, scope: scopeCodes, byCode, pools: answer.data?.openPools ?? null, errors: answer.errors ?? [], liveDown: new Set(liveDown.current) });
        setFailure(undefined);
        window.__lilongConsole!.firstRenderMs ??= performance.now();
      } catch (error) {
        if (stopped) return;
        if (error instanceof RequestFailed && error.status === 401) {
          onSessionEnded();
          return;
        }
        setFailure(error instanceof RequestFailed ? (lang === 'zh' ? error.messageZh : error.message) : String(error));
      } finally {
        running = false;
        if (!stopped) timer = setTimeout(run, REFRESH_MS);
      }
    };
    refreshRef.current = () => {
      // Live events ask for a refresh; several at once make one, and never more often than every 2 s.
      clearTimeout(timer);
      timer = setTimeout(run, Math.max(0, lastRun + EVENT_REFRESH_GAP_MS - Date.now()));
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token, scope]);

  // Live notices of every community shown, on one stream (the hub's `notices`): the browser's few connections to the
  // hub stay free for the queries however many communities there are. A COMMUNITY_UNAVAILABLE on it marks that
  // community down at once; after a break the stream is opened again from each community's last event.
  useEffect(() => {
    const after = new Map<string, string>();
    let stream: Subscription | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const open = () => {
      if (stopped || codes.length === 0) return;
      stream = subscribe<{ notices: { id: string; community: { code: string } | null; notice: Notice | null } }>(
        token,
        NOTICES_SUBSCRIPTION,
        { communities: codes, after: [...after.values()] },
        (answer) => {
          const event = answer.data?.notices;
          const code = event?.id.slice(0, event.id.lastIndexOf(':'));
          if (event && code) {
            after.set(code, event.id);
            if (event.notice) setLiveNotices((m) => new Map(m).set(event.notice!.id, { code, notice: event.notice! }));
            refreshRef.current();
          }
          for (const error of answer.errors ?? []) {
            const down = error.extensions?.code === 'COMMUNITY_UNAVAILABLE' ? error.extensions.community : undefined;
            if (typeof down !== 'string') continue;
            if (!liveDown.current.has(down)) {
              liveDown.current.add(down);
              setSnapshot((s) => (s ? { ...s, liveDown: new Set(liveDown.current) } : s));
            }
            refreshRef.current();
          }
        },
        () => {
          timer = setTimeout(open, 3000);
        },
      );
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.close();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token, scope]);

  if (!snapshot) {
    return (
      <p className="booting" role="status">
        {failure ? `${t.refreshFailed}: ${failure}` : t.signingIn}
      </p>
    );
  }
  const isCommunity = view === 'staff';
  const sections: [string, string][] =
    view === 'information'
      ? [
          ['communities', t.pCommunities],
          ['notices', t.pNotices],
          ['questions', t.pQuestions],
        ]
      : [
          ['communities', t.pCommunities],
          ['pools', t.pPools],
          ['searched', t.pSearched],
          ['care-open', t.pCareOpen],
          ['coverage', t.pCoverage],
          ['map', t.pMap],
          ['notices', t.pNotices],
          ['questions', t.pQuestions],
        ];
  const roleLabel = view === 'subdistrict' ? t.roleSubdistrict : `${view === 'information' ? t.roleInformation : t.roleCommunity} · ${nameOf(codes[0]!)}`;
  return (
    <>
      <div className="status-bar" role="status" aria-live="polite">
        <span data-testid="role" data-view={view}>
          {roleLabel}
        </span>
        <span>
          {t.lastRefresh} <time data-testid="refreshed-at" dateTime={new Date(snapshot.at).toISOString()}>{f.time(snapshot.at)}</time> · {t.nextRefresh}
        </span>
        {failure && <strong className="bad" data-testid="refresh-failed">{`${t.refreshFailed}: ${failure}`}</strong>}
        <button type="button" onClick={() => refreshRef.current()} data-testid="refresh">
          {t.refresh}
        </button>
      </div>
      <nav className="sections" aria-label={t.nav}>
        {sections.map(([id, title]) => (
          <a key={id} href={`#${id}`}>
            {title}
          </a>
        ))}
      </nav>
      {view === 'information' ? (
        <div className="grid">
          <CommunitiesPanel snapshot={snapshot} lastAnswer={lastAnswer.current} />
          <NoticesPanel snapshot={snapshot} live={liveNotices} />
          <QuestionsPanel snapshot={snapshot} />
        </div>
      ) : (
        <div className="grid">
          <CommunitiesPanel snapshot={snapshot} lastAnswer={lastAnswer.current} />
          {isCommunity && compound ? (
            <CompoundDetail snapshot={snapshot} compound={compound} onBack={() => setCompound(undefined)} />
          ) : null}
          <PoolsPanel snapshot={snapshot} />
          <OrdersPanel snapshot={snapshot} />
          <LowStockPanel snapshot={snapshot} />
          <SearchedPanel snapshot={snapshot} />
          <CareOpenPanel snapshot={snapshot} />
          <CareQueuePanel snapshot={snapshot} />
          <CareMediansPanel snapshot={snapshot} />
          <CareTimesPanel snapshot={snapshot} />
          <CoveragePanel snapshot={snapshot} />
          <CompoundMapPanel snapshot={snapshot} onOpen={isCommunity ? (c) => (setCompound(c), requestAnimationFrame(() => document.querySelector<HTMLButtonElement>('[data-testid=compound-back]')?.focus())) : undefined} />
          <NoticesPanel snapshot={snapshot} live={liveNotices} />
          <QuestionsPanel snapshot={snapshot} />
        </div>
      )}
    </>
  );
}
