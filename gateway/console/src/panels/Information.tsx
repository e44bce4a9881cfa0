import { each, missingFor, type Snapshot } from '../model';
import type { Notice } from '../queries';
import { Panel, Table, useUi, type Row } from '../ui';

/** The view's communities' notices in force, newest first, each with the hub's verdict on its signature. */
export function NoticesPanel({ snapshot, live }: { snapshot: Snapshot; live: Map<string, { code: string; notice: Notice }> }) {
  const { t, f, e, lang, nameOf } = useUi();
  const byId = new Map<string, { code: string; notice: Notice }>();
  for (const { code, value } of each(snapshot, 'notices')) for (const notice of value) byId.set(notice.id, { code, notice });
  // Notices pushed by the live stream since the last refresh.
  for (const [id, entry] of live) if (!byId.has(id)) byId.set(id, entry);
  const notices = [...byId.values()].sort((a, b) => b.notice.publishedAt.localeCompare(a.notice.publishedAt)).slice(0, 20);
  const header = [t.community, t.title_, t.category, t.published, t.verifiedMark];
  const rows: Row[] = notices.map(({ code, notice }) => {
    const verdict = lang === 'zh' ? notice.verification.messageZh : notice.verification.message;
    return {
      key: notice.id,
      cells: [nameOf(code), notice.title, e(notice.category), notice.publishedAt, notice.verified ? t.genuine : `${t.notGenuine}: ${verdict}`],
      show: [
        undefined,
        undefined,
        undefined,
        f.dateTime(notice.publishedAt),
        <span className={notice.verified ? 'ok' : 'bad'} title={verdict}>
          {notice.verified ? `✓ ${t.genuine}` : `✗ ${t.notGenuine}`}
        </span>,
      ],
    };
  });
  return (
    <Panel id="notices" title={t.pNotices} takenAt={snapshot.at} missing={missingFor(snapshot, 'notices')} csv={{ name: 'notices', header, rows }}>
      <Table header={header} rows={rows} testId="table-notices" />
    </Panel>
  );
}

/** Open questions, longest waiting first, with where they were asked from (never a name). */
export function QuestionsPanel({ snapshot }: { snapshot: Snapshot }) {
  const { t, f, nameOf } = useUi();
  const questions = each(snapshot, 'questions')
    .flatMap(({ code, value }) => value.map((q) => ({ code, q })))
    .sort((a, b) => b.q.waitedMinutes - a.q.waitedMinutes);
  const header = [t.community, t.question, t.askedFrom, t.askedCount, t.waited];
  const rows: Row[] = questions.map(({ code, q }) => ({
    key: q.id,
    className: q.waitedMinutes >= 60 ? 'attention' : undefined,
    cells: [nameOf(code), q.text, q.askedFrom, q.askedCount, q.waitedMinutes],
    show: [undefined, undefined, undefined, f.n(q.askedCount), f.minutes(q.waitedMinutes)],
  }));
  return (
    <Panel id="questions" title={t.pQuestions} takenAt={snapshot.at} missing={missingFor(snapshot, 'questions')} csv={{ name: 'open-questions', header, rows }}>
      <Table header={header} rows={rows} numeric={[3, 4]} testId="table-questions" />
    </Panel>
  );
}
