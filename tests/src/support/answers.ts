import type { GraphQLAnswer } from './cluster';

/** The answer's data, or a thrown error listing its GraphQL errors (a step of a test that must succeed). */
export async function must(answer: Promise<GraphQLAnswer>): Promise<any> {
  const a = await answer;
  if (a.errors) throw new Error(JSON.stringify(a.errors));
  return a.data;
}

/** The code of the answer's first error, if any. */
export const codeOf = (a: GraphQLAnswer): unknown => a.errors?.[0]?.extensions?.code;
