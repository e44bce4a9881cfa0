import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { migrateDomain, migratorOf, openDomainOrm } from '@lilong/kit';
import { DOMAIN_MODULES } from '@lilong/node';
import { createDatabase, dropDatabase, scratchName } from './db';

const migrationsDir = (domain: string) => path.resolve(__dirname, '../../subgraphs', domain, 'src/migrations');

/**
 * Writes a new migration for a domain: the difference between its committed migrations and its entities,
 * computed on a scratch database of the server at `adminUrl`. Then re-lists the folder in `migrations/index.ts`.
 */
export async function createMigration(domain: string, adminUrl: string): Promise<string | undefined> {
  const module = DOMAIN_MODULES.find((m) => m.name === domain);
  if (!module) throw new Error(`unknown domain "${domain}"; one of ${DOMAIN_MODULES.map((m) => m.name).join(', ')}`);
  const name = scratchName('lilong_migration');
  const url = await createDatabase(adminUrl, name);
  try {
    const applied = await openDomainOrm({ domain, databaseUrl: url, entities: module.entities, migrations: module.migrations });
    await migrateDomain(applied, domain);
    await applied.close();
    const orm = await openDomainOrm({ domain, databaseUrl: url, entities: module.entities, migrations: [], migrationsPath: migrationsDir(domain) });
    const result = await migratorOf(orm).createMigration(migrationsDir(domain), false, false, domain);
    await orm.close();
    writeMigrationIndex(domain);
    return result.diff.up.length > 0 ? result.fileName : undefined;
  } finally {
    await dropDatabase(adminUrl, name);
  }
}

export function writeMigrationIndex(domain: string): void {
  const dir = migrationsDir(domain);
  const files = readdirSync(dir)
    .filter((f) => /^Migration\d+.*\.ts$/.test(f))
    .sort();
  const classes = files.map((f) => f.replace(/\.ts$/, ''));
  const body = [
    "import type { MigrationObject } from '@mikro-orm/core';",
    '',
    '/**',
    ` * Committed migrations of the \`${domain}\` schema, oldest first. Add one with \`npm run migration -- ${domain}\`.`,
    ' * Each class is required only when the migrator runs it: a node whose database is up to date loads none of them,',
    ' * nor `@mikro-orm/migrations` (see migrateDomain). Written by `writeMigrationIndex` (ops/src/migrations.ts).',
    ' */',
    'export const migrations: MigrationObject[] = [',
    ...classes.map((c) => [`  {`, `    name: '${c}',`, `    get class() {`, `      return (require('./${c}') as typeof import('./${c}')).${c};`, `    },`, `  },`].join('\n')),
    '];',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'index.ts'), body);
}
