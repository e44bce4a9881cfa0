/**
 * Exactly the first answer for an idempotent replay: an Apollo Server plugin for the subgraph servers that stores the
 * node's whole answer to a mutation field the first time it is sent, and answers a replay of the same request (same
 * key and input, `idempotency.ts`; same selection) with it, verbatim, whatever happened to the records since.
 *
 * How: `idempotent()` notes, in a journal kept for the request, each key it ran or replayed; the plugin knows which
 * mutation field is resolving (mutation fields run one after another), and when the response is ready it stores or
 * swaps that field's answer. The answer is stored after the mutation committed (it only exists once every nested
 * field has resolved), by a separate statement: if the node stops in between, a replay falls back to the rows kept in
 * the mutation's own transaction. An answer with errors under the field is not stored.
 */
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { print, type GraphQLResolveInfo } from 'graphql';
import type { SubgraphContext } from './context';
import type { ErrorLog } from './errors';

interface Run {
  subject: string;
  key: string;
  /** Set on a replay: the stored answer (null until stored) and the shape of the selection it answered. */
  replay?: { answer: unknown; answerShape: string | null };
}

interface Journal {
  /** The mutation field resolving now, with the shape of its selection. */
  field?: { responseKey: string; shape: string };
  runs: (Run & { responseKey: string; shape: string })[];
}

/** Journals of the requests in flight, by their context object (held only while the request is). */
const journals = new WeakMap<object, Journal>();

function note(ctx: object, run: Run): void {
  const journal = journals.get(ctx);
  if (journal?.field) journal.runs.push({ ...run, ...journal.field });
}

/** `idempotent()` ran the mutation under this key: its answer is to be stored. */
export const noteFirstAnswer = (ctx: object, run: { subject: string; key: string }): void => note(ctx, run);

/** `idempotent()` replayed this key: the stored answer, if any, is the one to send. */
export const noteReplay = (ctx: object, run: { subject: string; key: string; answer: unknown; answerShape: string | null }): void =>
  note(ctx, { subject: run.subject, key: run.key, replay: { answer: run.answer, answerShape: run.answerShape } });

/** A hash of what a field's answer depends on besides the records: its selection, the fragments, the variables. */
function shapeOf(info: GraphQLResolveInfo): string {
  const hash = createHash('sha256');
  hash.update(String(info.path.key));
  for (const node of info.fieldNodes) hash.update(print(node));
  for (const name of Object.keys(info.fragments).sort()) hash.update(print(info.fragments[name]!));
  hash.update(JSON.stringify(info.variableValues, Object.keys(info.variableValues).sort()));
  return hash.digest('hex');
}

/**
 * The plugin; add it to every subgraph server's `plugins`. Without it, replays answer with the records as the first
 * run committed them (see `idempotent`).
 */
export function idempotentAnswers<L>(log: Pick<ErrorLog, 'error'>): ApolloServerPlugin<SubgraphContext<L>> {
  return {
    async requestDidStart({ contextValue }) {
      const journal: Journal = { runs: [] };
      journals.set(contextValue, journal);
      return {
        async executionDidStart({ operation }) {
          if (operation.operation !== 'mutation') return;
          return {
            willResolveField({ info }) {
              if (info.path.prev === undefined) journal.field = { responseKey: String(info.path.key), shape: shapeOf(info) };
            },
          };
        },
        async willSendResponse({ response, contextValue: ctx }) {
          journals.delete(ctx);
          if (journal.runs.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const data = result.data as Record<string, unknown> | null | undefined;
          if (!data) return;
          const failed = (responseKey: string) => (result.errors ?? []).some((e) => e.path?.[0] === responseKey);
          for (const run of journal.runs) {
            if (!(run.responseKey in data)) continue;
            if (run.replay) {
              if (run.replay.answerShape !== run.shape || run.replay.answer === null) continue;
              data[run.responseKey] = run.replay.answer;
              if (result.errors) result.errors = result.errors.filter((e) => e.path?.[0] !== run.responseKey);
            } else if (data[run.responseKey] !== null && !failed(run.responseKey)) {
              try {
                await ctx.em
                  .getConnection()
                  .execute(
                    'update idempotency_record set answer = ?::jsonb, answer_shape = ? where subject = ? and key = ? and answer is null',
                    [JSON.stringify(data[run.responseKey]), run.shape, run.subject, run.key],
                    'run',
                  );
              } catch (error) {
                // The answer is on its way; a replay will answer from the rows the mutation kept instead.
                log.error('could not store the first answer of an idempotent mutation', error);
              }
            }
          }
        },
      };
    },
  };
}
