import { answers, missingFor, type CommunityField, type Snapshot } from '../model';
import type { T } from '../i18n';
import { Panel, Table, useUi, type Row } from '../ui';

const FIELDS: [CommunityField, keyof T][] = [
  ['compounds', 'pMap'],
  ['lowStock', 'pLowStock'],
  ['careFigures', 'pCareOpen'],
  ['careQueue', 'pCareQueue'],
  ['coverage', 'pCoverage'],
  ['notices', 'pNotices'],
  ['questions', 'pQuestions'],
  ['orderOutcomes', 'pOrders'],
  ['unmetSearches', 'pSearched'],
];

/** Each community node: its status, when it last answered, and what is missing from the page while it is down. */
export function CommunitiesPanel({ snapshot, lastAnswer }: { snapshot: Snapshot; lastAnswer: Map<string, number> }) {
  const { t, f, e, nameOf } = useUi();
  const missingBy = new Map(snapshot.scope.map((code) => [code, [] as string[]]));
  for (const [field, title] of FIELDS) for (const code of missingFor(snapshot, field)) missingBy.get(code)?.push(t[title] as string);
  const header = [t.community, t.status, t.lastAnswer, t.detail, t.missingFrom];
  const rows: Row[] = snapshot.scope.map((code) => {
    const data = snapshot.byCode.get(code);
    const down = snapshot.liveDown.has(code);
    const status = down && data && answers(data.status) ? 'UNAVAILABLE' : data?.status ?? 'UNAVAILABLE';
    const last = lastAnswer.get(code);
    const missing = missingBy.get(code) ?? [];
    return {
      key: code,
      className: answers(status) ? undefined : 'down',
      cells: [nameOf(code), e(status), last ? new Date(last).toISOString() : '', data?.statusDetail ?? (down ? t.downNow : ''), missing.join('、')],
      show: [
        <strong>{nameOf(code)}</strong>,
        <span className={`status status-${status}`} data-testid={`status-${code}`} data-status={status}>
          {status === 'ACTIVE' ? '● ' : '▲ '}
          {e(status)}
        </span>,
        last ? f.time(last) : '—',
        undefined,
        missing.length ? missing.join('、') : t.none,
      ],
    };
  });
  const down = rows.filter((r) => r.className === 'down').length;
  return (
    <Panel id="communities" title={t.pCommunities} takenAt={snapshot.at} missing={[]} csv={{ name: 'communities', header, rows }} wide>
      <p className="figure" role="status" data-testid="communities-summary">
        {f.n(snapshot.scope.length - down)} / {f.n(snapshot.scope.length)} {t.status}: {e('ACTIVE')}
        {down > 0 && (
          <strong className="bad">
            {' '}
            · {f.n(down)} {e('UNAVAILABLE')}: {rows.filter((r) => r.className === 'down').map((r) => r.cells[0]).join('、')}
          </strong>
        )}
      </p>
      <Table header={header} rows={rows} testId="table-communities" />
    </Panel>
  );
}
