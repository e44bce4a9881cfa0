/**
 * `npm run jobs`: the failed jobs of one community's node (its database, DATABASE_URL), as its operator sees them,
 * and putting one back. A job that ran out of tries (a deadline whose order stayed locked or kept failing, a
 * webhook nobody answered) waits here until someone replays it; its handler re-checks its record, so replaying one
 * whose work was meanwhile done another way changes nothing.
 */
import { Client } from 'pg';
// The failed list alone: the command loads neither the ORM nor GraphQL.
import { hasJobSchema, listFailedJobs, replayJob, type FailedJob } from '@lilong/kit/src/jobs/failed';

export const JOBS_HELP = [
  'usage: DATABASE_URL=postgres://.../<community db> npm run jobs -- failed [--json] | replay <id>',
  '',
  "  failed       the jobs of the community's node that failed: out of tries (DEAD, until replayed) or waiting for",
  '               their next try (RETRYING): id, kind, key, tries, last error, when',
  '  replay <id>  puts a failed job back: it runs again at once, with all its tries',
  '',
  '列出社区节点失败的后台任务（已用完重试次数的 DEAD 需人工重放；RETRYING 等待下次重试），或重放一个任务：',
  '  failed       编号、类型、键、已尝试次数、最后的错误、时间',
  '  replay <id>  重放该任务：立即重新执行，重试次数从零开始',
].join('\n');

/** Shanghai time, to the second (backoffs are seconds apart). */
const shanghai = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

function describe(job: FailedJob): string {
  const state = job.state === 'DEAD' ? 'DEAD 已放弃' : 'RETRYING 待重试';
  const next = job.nextTryAt ? `, next try 下次重试 ${shanghai(job.nextTryAt)}` : '';
  return [
    `#${job.id}  ${state}  ${job.kind}  ${job.key ?? '(no key 无键)'}`,
    `    tries 尝试 ${job.attempts}/${job.maxAttempts}, last failed 最后失败 ${shanghai(job.failedAt)} (上海时间 Shanghai time)${next}`,
    `    error 错误: ${job.lastError}`,
  ].join('\n');
}

/** Runs the command; resolves with its exit code. */
export async function jobsCommand(args: string[], databaseUrl: string | undefined, out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined || verb === '--help' || verb === '-h' || (verb !== 'failed' && verb !== 'replay')) {
    (verb === '--help' || verb === '-h' ? out : err)(JOBS_HELP);
    return verb === '--help' || verb === '-h' ? 0 : 2;
  }
  if (!databaseUrl) {
    err('jobs: DATABASE_URL must name the community database\njobs：须以 DATABASE_URL 指明社区数据库');
    return 2;
  }
  const db = new Client({ connectionString: databaseUrl, application_name: 'lilong-ops:jobs', statement_timeout: 15_000 });
  await db.connect();
  try {
    if (!(await hasJobSchema(db))) {
      if (verb === 'failed' && rest.includes('--json')) out('[]');
      else out('No job has run in this database yet (no node with background work started on it).\n此数据库中尚无后台任务（尚未有运行后台任务的节点在其上启动）。');
      return verb === 'failed' ? 0 : 1;
    }
    if (verb === 'failed') {
      const failed = await listFailedJobs(db);
      if (rest.includes('--json')) out(JSON.stringify(failed, null, 2));
      else if (failed.length === 0) out('No failed jobs.\n没有失败的任务。');
      else {
        const dead = failed.filter((j) => j.state === 'DEAD').length;
        out(`${failed.length} failed jobs, ${dead} out of tries (replay with: npm run jobs -- replay <id>)`);
        out(`失败任务 ${failed.length} 个，其中 ${dead} 个已用完重试次数（重放：npm run jobs -- replay <编号>）\n`);
        out(failed.map(describe).join('\n\n'));
      }
      return 0;
    }
    const id = rest[0];
    if (!id) {
      err(`jobs replay: which job? (an id from npm run jobs -- failed)\njobs replay：请给出任务编号（见 npm run jobs -- failed）\n\n${JOBS_HELP}`);
      return 2;
    }
    const outcome = await replayJob(db, id.replace(/^#/, ''));
    const words: Record<typeof outcome, string> = {
      REPLAYED: `Job #${id} is back in the queue: it runs again at once, with all its tries.\n任务 #${id} 已重新排队：将立即重新执行，重试次数从零开始。`,
      NOT_FOUND: `No job #${id} in this database (a job that succeeded is gone).\n此数据库中没有任务 #${id}（成功的任务不再保留）。`,
      NOT_FAILED: `Job #${id} has not failed: nothing to replay.\n任务 #${id} 未曾失败，无需重放。`,
      RUNNING: `Job #${id} is running right now; look again when it is done.\n任务 #${id} 正在执行，请稍后再查看。`,
    };
    (outcome === 'REPLAYED' ? out : err)(words[outcome]);
    return outcome === 'REPLAYED' ? 0 : 1;
  } finally {
    await db.end();
  }
}
