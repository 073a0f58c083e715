// A large pair of dumps in pg_dump's style, made the same way each time: tenant schemas with tables,
// keys, indexes, comments and functions; the `to` side adds a column to every fifth table, changes a
// type in every seventh and adds an index to every eleventh.
function dump(tables, later) {
  const out = ['--', '-- PostgreSQL database dump', '--', '', '-- Dumped by pg_dump version 16.4', ''];
  for (let t = 0; t < tables; t++) {
    const schema = `tenant_${t % 20}`;
    const name = `${schema}.orders_${t}`;
    if (t < 20) out.push(`CREATE SCHEMA ${schema};`, '');
    const columns = [
      '    id bigint NOT NULL',
      '    customer_id bigint NOT NULL',
      `    status text DEFAULT 'new'::text NOT NULL`,
      `    amount ${later && t % 7 === 0 ? 'numeric(14,2)' : 'numeric(12,2)'}`,
      '    note text',
      '    created_at timestamp with time zone DEFAULT now() NOT NULL',
    ];
    if (later && t % 5 === 0) columns.push('    archived_at timestamp with time zone');
    out.push(`CREATE TABLE ${name} (`, columns.join(',\n'), ');', '');
    out.push(`ALTER TABLE ONLY ${name}`, `    ADD CONSTRAINT orders_${t}_pkey PRIMARY KEY (id);`, '');
    out.push(`CREATE INDEX orders_${t}_customer_idx ON ${name} USING btree (customer_id, created_at);`, '');
    if (later && t % 11 === 0) out.push(`CREATE INDEX orders_${t}_status_idx ON ${name} USING btree (status);`, '');
    out.push(`COMMENT ON TABLE ${name} IS 'Orders of tenant ${t % 20}, part ${t}';`, '');
    out.push(
      `CREATE FUNCTION ${schema}.total_${t}(p bigint) RETURNS numeric`,
      '    LANGUAGE sql STABLE',
      `    AS $$ SELECT sum(amount) FROM ${name} WHERE customer_id = p $$;`,
      '',
    );
  }
  return Buffer.from(out.join('\n'));
}

/** (from, to) with `tables` tables each: 10,000 tables make about 9 MB per side. */
export function largePair(tables) {
  return { from: dump(tables, false), to: dump(tables, true) };
}
