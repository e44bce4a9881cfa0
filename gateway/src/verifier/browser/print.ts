/// <reference lib="dom" />
/**
 * The printable notice's script (`/verify/print#id=<notice id>`), served compiled as an ES module: the notice from
 * the hub's API, laid out for A4, with the QR code of its verifier link (an SVG the hub makes, shown as an image
 * from a data: URL, never parsed into the page).
 */
import { shanghaiTime } from '@lilong/schema/src/signed';

interface PrintableNotice {
  id: string;
  title: string;
  body: string;
  category: string;
  scope: { wholeCommunity: boolean; compounds: { name: string }[] };
  validFrom: string;
  validUntil: string | null;
  publishedAt: string;
  publishedBy: string;
  community: { name: string } | null;
  supersedes: { id: string } | null;
  verifierLink: string;
  qrSvg: string;
}

const QUERY = `query PrintNotice($id: ID!) {
  notice(id: $id) {
    id title body category
    scope { wholeCommunity compounds { name } }
    validFrom validUntil publishedAt publishedBy
    community { name }
    supersedes { id }
    verifierLink qrSvg
  }
}`;

/** The NoticeCategory values as the schema describes them; a new one shows as it is. */
const CATEGORY: Record<string, string> = {
  TESTING: '核酸检测 Testing',
  SUPPLIES: '物资 Supplies',
  MOVEMENT: '出行管控 Movement rules',
  MEDICAL: '就医 Medical',
  OTHER: '其他 Other',
};

const byId = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
};

function fact(list: HTMLElement, label: string, value: string): void {
  const dt = document.createElement('dt');
  dt.textContent = label;
  const dd = document.createElement('dd');
  dd.textContent = value;
  list.append(dt, dd);
}

function fail(zh: string, en: string): void {
  const status = byId('status');
  status.className = 'status problem no-print';
  status.textContent = `${zh} ${en}`;
}

function render(notice: PrintableNotice): void {
  byId('notice-community').textContent = notice.community?.name ?? notice.id.split(':')[0]!;
  byId('notice-category').textContent = CATEGORY[notice.category] ?? notice.category;
  byId('notice-title').textContent = notice.title;
  byId('notice-body').textContent = notice.body;
  const facts = byId('notice-facts');
  facts.replaceChildren();
  fact(facts, '范围 Scope', notice.scope.wholeCommunity ? '全社区 Whole community' : notice.scope.compounds.map((c) => c.name).join('、'));
  fact(facts, '有效期 Valid', `${shanghaiTime(notice.validFrom)} – ${notice.validUntil ? shanghaiTime(notice.validUntil) : '长期 open'}`);
  fact(facts, '发布 Published', `${notice.publishedBy}，${shanghaiTime(notice.publishedAt)}（上海时间 Shanghai time）`);
  if (notice.supersedes) fact(facts, '取代 Replaces', `${notice.supersedes.id}（以本通知为准 this notice replaces it）`);
  fact(facts, '编号 ID', notice.id);
  const qr = byId('notice-qr') as HTMLImageElement;
  qr.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(notice.qrSvg)}`;
  byId('notice-link').textContent = notice.verifierLink;
  (byId('verify-link') as HTMLAnchorElement).href = notice.verifierLink;
  document.title = `${notice.title} · ${byId('notice-community').textContent}`;
  byId('notice').hidden = false;
  byId('status').textContent = '';
  (byId('print-button') as HTMLButtonElement).disabled = false;
}

async function load(): Promise<void> {
  const id = new URLSearchParams(location.hash.slice(1)).get('id');
  if (!id) {
    fail('链接中没有通知编号（/verify/print#id=…）。', 'The link names no notice (/verify/print#id=…).');
    return;
  }
  let answer: { data?: { notice?: PrintableNotice | null } | null; errors?: { message?: string }[] };
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { id } }),
    });
    answer = await response.json();
  } catch {
    fail('无法连接街道枢纽。', 'The hub could not be reached.');
    return;
  }
  const notice = answer?.data?.notice;
  if (notice) render(notice);
  else if (answer?.errors?.length) fail('无法载入通知：', `The notice could not be loaded: ${answer.errors.map((e) => e.message).join('; ')}`);
  else fail(`没有编号为 ${id} 的通知。`, `No notice has the ID ${id}.`);
}

byId('print-button').addEventListener('click', () => window.print());
window.addEventListener('hashchange', () => void load());
void load();
