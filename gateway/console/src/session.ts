/**
 * The sign-in's first steps, before React: the token (from the address or this tab's session), the query that
 * says who its holder is, and, as soon as that answers, the dashboard's first query. `boot.ts` starts them while
 * the rest of the app still downloads and parses, so neither waits for the app's code; the app takes the answers
 * when it is ready (each once), and asks for itself from then on.
 */
import { graphql, type Answer } from './api';
import { WHO_QUERY, type ConsoleAnswer, type WhoAnswer } from './queries';
import { dashboardQuery, scopeOf } from './scope';

const TOKEN_KEY = 'lilong.console.token';

let token: string | undefined;
let earlyWho: { token: string; answer: Promise<Answer<WhoAnswer>> } | undefined;
let earlyData: { token: string; key: string; answer: Promise<Answer<ConsoleAnswer>> } | undefined;

const keyOf = (query: string, variables: Record<string, unknown>) => `${query}\n${JSON.stringify(variables)}`;

/** A token handed in the address (`/console/#token=<JWT>`), taken once and removed from the address bar. */
function takeTokenFromUrl(): string | undefined {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match) return undefined;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return decodeURIComponent(match[1]!);
}

/** Reads the token once and, when there is one, sends the sign-in query and then the first dashboard query. */
export function startSignIn(): void {
  token = takeTokenFromUrl() ?? sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  if (!token) return;
  const forToken = token;
  const answer = graphql<WhoAnswer>(forToken, WHO_QUERY);
  earlyWho = { token: forToken, answer };
  answer.then(
    (who) => {
      const scope = scopeOf(who.data?.communities ?? []);
      if (!scope) return;
      const { query, variables } = dashboardQuery(scope);
      const data = graphql<ConsoleAnswer>(forToken, query, variables);
      data.catch(() => undefined); // taken by the dashboard, which reports a failure; unhandled otherwise
      earlyData = { token: forToken, key: keyOf(query, variables), answer: data };
    },
    () => undefined, // the app reports it when it takes the answer
  );
}

/** The token the page started with. */
export const initialToken = (): string | undefined => token;

/** Who the token's holder is: the answer already on its way for the page's first token, else a new query. */
export function whoIs(forToken: string): Promise<Answer<WhoAnswer>> {
  if (earlyWho?.token === forToken) {
    const { answer } = earlyWho;
    earlyWho = undefined;
    return answer;
  }
  return graphql<WhoAnswer>(forToken, WHO_QUERY);
}

/** A dashboard query: the first one's answer when sign-in already sent the same, else a new request. */
export function dashboardAnswer(forToken: string, query: string, variables: Record<string, unknown>): Promise<Answer<ConsoleAnswer>> {
  if (earlyData && earlyData.token === forToken && earlyData.key === keyOf(query, variables)) {
    const { answer } = earlyData;
    earlyData = undefined;
    return answer;
  }
  earlyData = undefined;
  return graphql<ConsoleAnswer>(forToken, query, variables);
}

export const keepToken = (value: string) => sessionStorage.setItem(TOKEN_KEY, value);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);
