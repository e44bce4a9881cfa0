import { useEffect, useState, type FormEvent } from 'react';
import { useUi } from './ui';

interface DemoPerson {
  id: string;
  labelZh: string;
  labelEn: string;
}

/**
 * Sign-in: paste a token from the identity provider, or, on the embedded demo only, one click per demo person
 * (the hub answers /console/demo/people only when its launcher set up the demo identity provider).
 */
export function SignIn({ problem, onToken }: { problem?: string; onToken: (token: string) => void }) {
  const { t, lang } = useUi();
  const [people, setPeople] = useState<DemoPerson[]>([]);
  const [text, setText] = useState('');
  const [demoProblem, setDemoProblem] = useState<string | undefined>();
  useEffect(() => {
    fetch('/console/demo/people', { headers: { accept: 'application/json' } })
      .then((r) => (r.ok ? (r.json() as Promise<{ people: DemoPerson[] }>) : { people: [] }))
      .then((body) => setPeople(body.people ?? []))
      .catch(() => setPeople([]));
  }, []);
  const demo = async (person: DemoPerson) => {
    setDemoProblem(undefined);
    try {
      const response = await fetch('/console/demo/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ person: person.id }) });
      const body = (await response.json()) as { token?: string; message?: string; messageZh?: string };
      if (!body.token) throw new Error((lang === 'zh' ? body.messageZh : body.message) ?? String(response.status));
      onToken(body.token);
    } catch (error) {
      setDemoProblem((error as Error).message);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = text.trim().replace(/^Bearer\s+/i, '');
    if (token) onToken(token);
  };
  return (
    <section className="sign-in" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t.signInTitle}</h2>
      <p>{t.signInLead}</p>
      {problem && (
        <p className="bad" role="alert" data-testid="sign-in-problem">
          {problem}
        </p>
      )}
      {people.length > 0 && (
        <div className="demo" data-testid="demo-sign-in">
          <h3>{t.demoTitle}</h3>
          <p>{t.demoLead}</p>
          <ul>
            {people.map((person) => (
              <li key={person.id}>
                <button type="button" onClick={() => void demo(person)} data-person={person.id}>
                  {lang === 'zh' ? person.labelZh : person.labelEn}
                </button>
              </li>
            ))}
          </ul>
          {demoProblem && <p className="bad" role="alert">{demoProblem}</p>}
        </div>
      )}
      <form onSubmit={submit}>
        <label htmlFor="token">{t.tokenLabel}</label>
        <textarea id="token" value={text} onChange={(e) => setText(e.target.value)} rows={4} spellCheck={false} autoComplete="off" data-testid="token-input" />
        <button type="submit" data-testid="token-submit">
          {t.tokenSubmit}
        </button>
      </form>
    </section>
  );
}
