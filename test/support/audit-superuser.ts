import type { DataSource } from 'typeorm';

/**
 * What a database superuser can do to the audit trail (the test database's `postgres`, the owner
 * connection of a test stack): in one transaction, the append-only triggers off, the statements,
 * the triggers on. Asserts the connection really is a superuser, so a test of what verify catches
 * never passes against a weaker role by mistake.
 */
export async function asSuperuser(dataSource: DataSource, statements: Array<[string, unknown[]]>): Promise<void> {
  await dataSource.transaction(async (tx) => {
    const [{ rolsuper }] = (await tx.query(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)) as { rolsuper: boolean }[];
    if (!rolsuper) throw new Error('asSuperuser needs a superuser connection (the test stack owner connection)');
    await tx.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    await tx.query(`ALTER TABLE audit_seals DISABLE TRIGGER audit_seals_append_only`);
    for (const [sql, params] of statements) await tx.query(sql, params);
    await tx.query(`ALTER TABLE audit_seals ENABLE TRIGGER audit_seals_append_only`);
    await tx.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
  });
}
