//! Every kind of object, read from a real pg_dump (tests/fixtures/kinds: build.sql and its dump).

use schemadrift_engine::catalog::{Catalog, ConstraintKind, QualifiedName, TypeDef};
use schemadrift_engine::{build_catalog, decode, read};
use std::path::Path;

fn kinds() -> Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kinds/kinds.sql");
    let text = decode(&std::fs::read(path).unwrap()).unwrap().text.into_owned();
    let catalog = build_catalog(&read(&text));
    assert!(catalog.not_understood.is_empty(), "{:#?}", catalog.not_understood);
    catalog
}

fn name(qualified: &str) -> QualifiedName {
    let (schema, name) = qualified.split_once('.').unwrap();
    QualifiedName::new(schema, name)
}

#[test]
fn types_domains_and_sequences() {
    let c = kinds();
    assert_eq!(c.types[&name("app.mood")], TypeDef::Enum { labels: vec!["sad".into(), "ok".into(), "happy".into()] });
    let TypeDef::Domain { base, not_null, default, checks, .. } = &c.types[&name("app.positive_int")] else { panic!() };
    assert_eq!((base.as_str(), *not_null, default.as_deref()), ("integer", true, Some("1")));
    assert!(checks[0].contains("value > 0"), "{checks:?}");
    assert!(matches!(c.types[&name("app.floatrange")], TypeDef::Range { .. }));
    let invoice = &c.sequences[&name("app.invoice_no")];
    assert_eq!(invoice.data_type.as_deref(), Some("integer"));
    assert!(invoice.options.iter().any(|o| o == "cycle"), "{:?}", invoice.options);
    assert_eq!(c.sequences[&name("app.accounts_id_seq")].owned_by.as_deref(), Some("app.accounts.id"));
}

#[test]
fn tables_columns_and_constraints() {
    let c = kinds();
    let accounts = &c.tables[&name("app.accounts")];
    let id = accounts.column("id").unwrap();
    assert_eq!((id.more.identity.as_deref(), id.not_null), (Some("BY DEFAULT"), true));
    assert_eq!(accounts.column("name").unwrap().more.collation.as_deref(), Some("\"C\""));
    assert_eq!(accounts.column("name_lower").unwrap().more.generated.as_deref(), Some("lower(name) STORED"));
    assert_eq!(accounts.column("email").unwrap().data_type, "app.email");
    assert!(accounts.column("Display Name").is_some());
    assert!(accounts.row_level_security && accounts.force_row_level_security);
    assert_eq!(accounts.more.replica_identity.as_deref(), Some("FULL"));
    // In the order the dump writes them (PostgreSQL keeps them so), compared as a set.
    assert_eq!(accounts.more.options, ["fillfactor=90", "autovacuum_enabled=false"]);
    assert!(c.tables[&name("app.sessions")].unlogged);
    let sessions = &c.tables[&name("app.sessions")].constraints;
    assert!(sessions["token_length"].not_valid);
    assert!(sessions["sessions_account_id_fkey"].definition.contains("deferrable initially deferred"));
    assert_eq!(
        c.tables[&name("app.bookings")].constraints["bookings_room_during_excl"].kind,
        ConstraintKind::Exclusion
    );
    let audit = &c.tables[&name("app.audit_log")];
    assert_eq!(audit.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["at", "message", "actor"]);
    assert_eq!(audit.column("at").unwrap().default.as_deref(), Some("now()"));
    let partition = &c.tables[&name("app.measurements_2024")];
    assert_eq!(partition.more.partition_of.as_ref().unwrap().0, name("app.measurements"));
    assert!(c.tables[&name("Mixed Case.Order")].column("select").is_some());
}

#[test]
fn indexes_views_functions_triggers_policies_and_more() {
    let c = kinds();
    let brin = &c.indexes[&name("app.accounts_email_brin")];
    assert_eq!((brin.method.as_str(), brin.parameters.as_slice()), ("brin", &["pages_per_range=32".to_string()][..]));
    let order = &c.indexes[&name("Mixed Case.Order_note_key")];
    assert!(order.unique && order.nulls_not_distinct && order.predicate.is_some());
    assert_eq!(c.indexes[&name("app.measurements_peak")].include, ["city_id"]);
    let happy = &c.views[&name("app.happy_accounts")];
    assert!(happy.options.contains(&"check_option=cascaded".to_string()), "{:?}", happy.options);
    let counts = &c.views[&name("app.account_counts")];
    assert!(counts.materialized && counts.with_no_data);
    assert!(c.functions.values().any(|f| f.kind == "procedure" && f.name == name("app.archive")));
    assert!(c.functions.values().any(|f| f.kind == "aggregate" && f.name == name("app.product")));
    let touch = c.functions.values().find(|f| f.name == name("app.touch")).unwrap();
    assert!(touch.security_definer && touch.body.as_deref().is_some_and(|b| b.contains("NEW.created_at")));
    assert_eq!(touch.set_options, ["search_path = 'app', 'pg_temp'"]);
    let add = c.functions.values().find(|f| f.name == name("app.add")).unwrap();
    assert_eq!((add.volatility.as_str(), add.strict, add.parallel.as_str()), ("immutable", true, "safe"));
    assert_eq!(add.language.as_deref(), Some("sql"));
    let archive = c.functions.values().find(|f| f.name == name("app.archive")).unwrap();
    assert_eq!(archive.language.as_deref(), Some("plpgsql"));
    assert_eq!(c.triggers["app.sessions.sessions_check"].enabled.as_deref(), Some("disabled"));
    assert!(c.triggers["app.accounts.accounts_touch"].definition.contains(" when ("));
    let own_rows = &c.policies["app.accounts.own_rows"];
    assert!(!own_rows.permissive && own_rows.with_check.is_some());
    assert!(c.event_triggers.contains_key("log_ddl"));
    assert!(c.publications["accounts_pub"].definition.contains("add table only app.bookings"));
    assert!(
        c.other_objects.contains_key("rule protect_accounts on app.happy_accounts"),
        "{:?}",
        c.other_objects.keys()
    );
    assert!(c.other_objects.contains_key("collation app.numeric_order"), "{:?}", c.other_objects.keys());
    assert_eq!(c.comments["column app.accounts.Display Name"], "Shown in the UI");
    assert!(c.comments.contains_key("constraint token_length on app.sessions"));
    // pg_dump writes one GRANT per column privilege.
    assert!(
        c.grants.contains(&"grant select(id) on table app.accounts to kinds_reader".to_string()),
        "{:#?}",
        c.grants
    );
    assert!(
        c.grants.contains(&"grant update(name) on table app.accounts to kinds_reader".to_string()),
        "{:#?}",
        c.grants
    );
    assert!(c.grants.iter().any(|g| g.starts_with("alter default privileges")), "{:#?}", c.grants);
    assert_eq!(c.owners.get("table app.accounts").map(String::as_str), Some("postgres"));
}
