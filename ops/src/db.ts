import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A URL for the same server with another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  return admin(adminUrl, async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await admin(adminUrl, (c) => c.query(`create database ${quoteIdent(name)}`));
  return withDatabase(adminUrl, name);
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await admin(adminUrl, (c) => c.query(`drop database if exists ${quoteIdent(name)} with (force)`));
}

/** A database name no other test file or run will pick. */
export function scratchName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** The comment (COMMENT ON DATABASE) of each of `names` that exists; null where it has none. */
export async function databaseComments(adminUrl: string, names: readonly string[]): Promise<Map<string, string | null>> {
  return admin(adminUrl, async (c) => {
    const rows = (await c.query<{ datname: string; comment: string | null }>(`select datname, shobj_description(oid, 'pg_database') as comment from pg_database where datname = any($1)`, [names])).rows;
    return new Map(rows.map((r) => [r.datname, r.comment]));
  });
}

/** Gives each of `names` the same comment, over one connection. */
export async function commentOnDatabases(adminUrl: string, names: readonly string[], comment: string): Promise<void> {
  await admin(adminUrl, async (c) => {
    for (const name of names) await c.query(`comment on database ${quoteIdent(name)} is ${quoteLiteral(comment)}`);
  });
}
