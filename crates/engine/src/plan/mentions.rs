//! Which of the FROM side's policies, triggers and SQL-standard function bodies name a word, found
//! in one walk per plan. A step asking "what reads this column" (or calls this function) then
//! looks only at the texts naming it, instead of every text of the catalog: a migration changing
//! a column in each of many tables, each with its policies and triggers, stays linear.
//!
//! The index only narrows: a caller still makes its own exact test on what it is given, so the
//! plan is the same as a walk over everything would make.

use crate::catalog::{Catalog, Column, Constraint, Function, Index, Policy, QualifiedName, Trigger, TypeDef};
use crate::sql::{is_name_char as is_name, names_word, word_pairs, words};
use std::collections::{HashMap, HashSet};

/// The texts of one kind of object, by the words they contain and by the table they are on.
/// `I` is how an object is handed out (its key and itself).
pub(crate) struct Named<'a, I> {
    /// Every object of the kind, in the catalog's order.
    all: Vec<I>,
    /// For each word, the objects naming it (positions in `all`, ascending, each once).
    by_word: HashMap<&'a str, Vec<u32>>,
    /// For each table, the objects on it (a policy's or trigger's table).
    by_table: HashMap<&'a QualifiedName, Vec<u32>>,
    /// For each two words one after the other (`s1.f` holds `s1` then `f`), the objects naming them.
    by_pair: HashMap<(&'a str, &'a str), Vec<u32>>,
}

impl<'a, I: Copy> Named<'a, I> {
    fn new(
        objects: impl Iterator<Item = I>,
        texts: impl Fn(I) -> Vec<&'a str>,
        table: impl Fn(I) -> Option<&'a QualifiedName>,
    ) -> Self {
        let all: Vec<I> = objects.collect();
        let mut by_word: HashMap<&'a str, Vec<u32>> = HashMap::new();
        let mut by_table: HashMap<&'a QualifiedName, Vec<u32>> = HashMap::new();
        let mut by_pair: HashMap<(&'a str, &'a str), Vec<u32>> = HashMap::new();
        for (at, &object) in all.iter().enumerate() {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            for text in texts(object) {
                for word in words(text) {
                    let list = by_word.entry(word).or_default();
                    if list.last() != Some(&at) {
                        list.push(at);
                    }
                }
                for pair in word_pairs(text) {
                    let list = by_pair.entry(pair).or_default();
                    if list.last() != Some(&at) {
                        list.push(at);
                    }
                }
            }
            if let Some(table) = table(object) {
                by_table.entry(table).or_default().push(at);
            }
        }
        Named { all, by_word, by_table, by_pair }
    }

    /// The objects whose texts may name `word` ([`crate::sql::names_word`]): those naming it, in
    /// the catalog's order; every object when `word` is not a single word (a quoted name with
    /// spaces or punctuation), which the index cannot look up.
    pub(crate) fn naming(&self, word: &str) -> Box<dyn Iterator<Item = I> + '_> {
        if !is_word(word) {
            return Box::new(self.all.iter().copied());
        }
        let positions = self.by_word.get(word).map_or(&[][..], Vec::as_slice);
        Box::new(positions.iter().map(|&at| self.all[at as usize]))
    }

    /// The objects whose texts may hold `schema.name` (a call `schema.name(`, a cast
    /// `::schema.name`) with `schema` a whole word: those naming the two words one after the other,
    /// in the catalog's order (those naming `name` when either is not a single word). Tenant
    /// schemas that each have a function `f` are not all looked at for each.
    pub(crate) fn naming_qualified(&self, name: &QualifiedName) -> Box<dyn Iterator<Item = I> + '_> {
        if !is_word(&name.schema) || !is_word(&name.name) {
            return self.naming(&name.name);
        }
        // (The two words as the index holds them: a pair is there only if each word is.)
        let held = |word: &str| self.by_word.get_key_value(word).map(|(held, _)| *held);
        let key = held(&name.schema).zip(held(&name.name));
        let positions: &[u32] = key.and_then(|key| self.by_pair.get(&key)).map_or(&[][..], Vec::as_slice);
        Box::new(positions.iter().map(|&at| self.all[at as usize]))
    }

    /// The objects on `table`, in the catalog's order.
    pub(crate) fn on(&self, table: &QualifiedName) -> impl Iterator<Item = I> + '_ {
        self.by_table.get(table).into_iter().flatten().map(|&at| self.all[at as usize])
    }

    /// The objects that may read `column` of `table` ([`reads_column`]): those on the table and
    /// those naming it, in the catalog's order (those naming the column when the table's name is
    /// not a single word).
    pub(crate) fn reading(&self, table: &QualifiedName, column: &str) -> Box<dyn Iterator<Item = I> + '_> {
        if !is_word(&table.name) {
            return self.naming(column);
        }
        let on = self.by_table.get(table).into_iter().flatten();
        let naming = self.by_word.get(table.name.as_str()).into_iter().flatten();
        let mut positions: Vec<u32> = on.chain(naming).copied().collect();
        positions.sort_unstable();
        positions.dedup();
        Box::new(positions.into_iter().map(|at| self.all[at as usize]))
    }
}

type Keyed<'a, T> = (&'a String, &'a T);

/// The texts that steps search for the names they change (of the FROM side, unless said).
pub(crate) struct Mentions<'a> {
    /// Policies, by the words of their USING and WITH CHECK expressions.
    pub(crate) policies: Named<'a, Keyed<'a, Policy>>,
    /// Triggers, by the words of their definitions.
    pub(crate) triggers: Named<'a, Keyed<'a, Trigger>>,
    /// Functions with an SQL-standard body (`BEGIN ATOMIC …`, `RETURN …`: parsed when created, so
    /// bound to the columns they read), by the words of that body.
    pub(crate) standard_bodies: Named<'a, Keyed<'a, Function>>,
    /// Indexes, by the words of their keys and predicates.
    pub(crate) indexes: Named<'a, (&'a QualifiedName, &'a Index)>,
    /// Table constraints (table, name, constraint), by the words of their definitions.
    pub(crate) constraints: Named<'a, (&'a QualifiedName, &'a String, &'a Constraint)>,
    /// Functions of each side (from, to), by the words of their arguments and return types.
    pub(crate) signatures: [Named<'a, Keyed<'a, Function>>; 2],
    /// Columns with a default or a generation expression (table, column), by the words of it.
    pub(crate) defaults: Named<'a, (&'a QualifiedName, &'a Column)>,
    /// Functions other than aggregates, by the words of their arguments (their defaults) and
    /// SQL-standard bodies: what may call another function.
    pub(crate) callers: Named<'a, Keyed<'a, Function>>,
    /// Domains, by the words of their checks.
    pub(crate) domains: Named<'a, (&'a QualifiedName, &'a TypeDef)>,
    /// The TO side's privileges, by their words.
    pub(crate) target_grants: Named<'a, &'a String>,
    /// The TO side's rules (`rule <name> on <relation>`), by the words of their keys.
    pub(crate) target_rules: Named<'a, &'a String>,
}

impl<'a> Mentions<'a> {
    pub(crate) fn of(from: &'a Catalog, to: &'a Catalog) -> Mentions<'a> {
        let policy_texts =
            |(_, p): Keyed<'a, Policy>| [p.using.as_deref(), p.with_check.as_deref()].into_iter().flatten().collect();
        let signature = |(_, f): Keyed<'a, Function>| {
            std::iter::once(f.arguments.as_str()).chain(f.returns.as_deref()).collect::<Vec<_>>()
        };
        let constraints = from
            .tables
            .iter()
            .flat_map(|(table, t)| t.constraints.iter().map(move |(key, constraint)| (table, key, constraint)));
        Mentions {
            policies: Named::new(from.policies.iter(), policy_texts, |(_, p)| Some(&p.table)),
            triggers: Named::new(from.triggers.iter(), |(_, t)| vec![t.definition.as_str()], |(_, t)| Some(&t.table)),
            standard_bodies: Named::new(
                from.functions.iter().filter(|(_, f)| standard_body(f).is_some()),
                |(_, f): Keyed<'a, Function>| standard_body(f).into_iter().collect(),
                |_| None,
            ),
            indexes: Named::new(
                from.indexes.iter(),
                |(_, i): (&'a QualifiedName, &'a Index)| {
                    i.keys.iter().map(String::as_str).chain(i.predicate.as_deref()).collect()
                },
                |(_, i)| Some(&i.table),
            ),
            constraints: Named::new(constraints, |(_, _, c)| vec![c.definition.as_str()], |(table, _, _)| Some(table)),
            signatures: [
                Named::new(from.functions.iter(), signature, |_| None),
                Named::new(to.functions.iter(), signature, |_| None),
            ],
            defaults: Named::new(
                from.tables.iter().flat_map(|(table, t)| {
                    t.columns
                        .iter()
                        .filter(|c| c.default.is_some() || c.more.generated.is_some())
                        .map(move |c| (table, c))
                }),
                |(_, c): (&'a QualifiedName, &'a Column)| {
                    [c.default.as_deref(), c.more.generated.as_deref()].into_iter().flatten().collect()
                },
                |(table, _)| Some(table),
            ),
            callers: Named::new(
                from.functions.iter().filter(|(_, f)| f.kind != "aggregate"),
                |(_, f): Keyed<'a, Function>| std::iter::once(f.arguments.as_str()).chain(standard_body(f)).collect(),
                |_| None,
            ),
            domains: Named::new(
                from.types.iter().filter(|(_, t)| matches!(t, TypeDef::Domain { .. })),
                |(_, t): (&'a QualifiedName, &'a TypeDef)| match t {
                    TypeDef::Domain { checks, .. } => checks.iter().map(String::as_str).collect(),
                    _ => Vec::new(),
                },
                |_| None,
            ),
            target_grants: Named::new(to.grants.iter(), |g: &'a String| vec![g.as_str()], |_| None),
            target_rules: Named::new(
                to.other_objects.keys().filter(|k| k.starts_with("rule ")),
                |k: &'a String| vec![k.as_str()],
                |_| None,
            ),
        }
    }
}

/// Whether `text` reads `column` of `table`: it names the column, and the table too unless it is
/// an expression of the table itself (`own`: the table a policy is on). A word, not a substring:
/// `public.orders_archive` does not name `public.orders`.
pub(crate) fn reads_column(text: &str, own: Option<&QualifiedName>, table: &QualifiedName, column: &str) -> bool {
    (own == Some(table) || names_word(text, &table.name)) && names_word(text, column)
}

/// The columns whose type the migration changes, by their tables' names: what a policy naming
/// some tables may read among them is found from the words it names, not by trying every one.
pub(crate) struct Retyped {
    /// Table (of `to`) and column.
    columns: Vec<(QualifiedName, String)>,
    /// For each table name that is one word, the columns of the tables so named.
    by_table_name: HashMap<String, Vec<usize>>,
    /// Columns of tables whose names are not one word (tried for every text).
    odd: Vec<usize>,
}

impl Retyped {
    pub(crate) fn new(columns: Vec<(QualifiedName, String)>) -> Retyped {
        let (mut by_table_name, mut odd) = (HashMap::<String, Vec<usize>>::new(), Vec::new());
        for (at, (table, _)) in columns.iter().enumerate() {
            match is_word(&table.name) {
                true => by_table_name.entry(table.name.clone()).or_default().push(at),
                false => odd.push(at),
            }
        }
        Retyped { columns, by_table_name, odd }
    }

    /// Whether a policy (on `own`) reads one of the columns ([`reads_column`]) in any of `texts`.
    pub(crate) fn read_by(&self, own: &QualifiedName, texts: &[&str]) -> bool {
        if self.columns.is_empty() {
            return false;
        }
        let named: HashSet<&str> = texts.iter().flat_map(|t| words(t)).collect();
        // A column a text reads is of its own table or of one it names.
        let own_name = (is_word(&own.name) && !named.contains(own.name.as_str())).then_some(own.name.as_str());
        let tables = named.iter().copied().chain(own_name).filter_map(|name| self.by_table_name.get(name));
        tables.flatten().chain(&self.odd).any(|&at| {
            let (table, column) = &self.columns[at];
            texts.iter().any(|text| reads_column(text, Some(own), table, column))
        })
    }
}

fn is_word(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_name)
}

/// Which tables use each type, found in one walk over the columns (instead of one walk per type
/// made again).
pub(crate) struct TypeUses<'a> {
    /// `to`'s tables with a column of the type (its arrays too), in the catalog's order.
    tables: HashMap<QualifiedName, Vec<&'a QualifiedName>>,
    /// The types a partition key reads a column of, in a table partitioned the same way on both
    /// sides.
    partition_keys: HashSet<QualifiedName>,
    /// `from`'s domains and composite types over each type (a domain's base, a composite's
    /// attribute), in the catalog's order.
    over: HashMap<QualifiedName, Vec<(&'a QualifiedName, &'a TypeDef)>>,
    /// `from`'s array columns of each type (table, column), in the catalog's order.
    arrays: HashMap<QualifiedName, Vec<(&'a QualifiedName, &'a Column)>>,
}

impl<'a> TypeUses<'a> {
    pub(crate) fn of(p: &super::Planner<'a>) -> TypeUses<'a> {
        let mut tables: HashMap<QualifiedName, Vec<&'a QualifiedName>> = HashMap::new();
        let mut partition_keys = HashSet::new();
        for (name, table) in &p.to.tables {
            for used in table.columns.iter().filter_map(|c| crate::catalog::datatype::type_name(&c.data_type)) {
                let list = tables.entry(used).or_default();
                if list.last() != Some(&name) {
                    list.push(name);
                }
            }
            let Some(old) = p.from.tables.get(&p.old_table_name(name)) else { continue };
            if old.more.partition_by == table.more.partition_by {
                let keys = super::relations::partition_key_columns(old);
                partition_keys.extend(keys.filter_map(|c| crate::catalog::datatype::type_name(&c.data_type)));
            }
        }
        let mut over: HashMap<QualifiedName, Vec<(&'a QualifiedName, &'a TypeDef)>> = HashMap::new();
        for (name, def) in &p.from.types {
            let used: Vec<&str> = match def {
                TypeDef::Domain { base, .. } => vec![base.as_str()],
                TypeDef::Composite { attributes } => attributes.iter().map(|(_, t)| t.as_str()).collect(),
                _ => Vec::new(),
            };
            for used in used.into_iter().filter_map(crate::catalog::datatype::type_name) {
                let list = over.entry(used).or_default();
                if list.last().map(|(n, _)| *n) != Some(name) {
                    list.push((name, def));
                }
            }
        }
        let mut arrays: HashMap<QualifiedName, Vec<(&'a QualifiedName, &'a Column)>> = HashMap::new();
        for (name, table) in &p.from.tables {
            for column in table.columns.iter().filter(|c| c.data_type.ends_with("[]")) {
                if let Some(used) = crate::catalog::datatype::type_name(&column.data_type) {
                    arrays.entry(used).or_default().push((name, column));
                }
            }
        }
        TypeUses { tables, partition_keys, over, arrays }
    }

    /// `from`'s columns holding arrays of `name` (table, column), in the catalog's order.
    pub(crate) fn arrays_of(&self, name: &QualifiedName) -> &[(&'a QualifiedName, &'a Column)] {
        self.arrays.get(name).map_or(&[], Vec::as_slice)
    }

    /// `from`'s domains over `name` and composite types with an attribute of it, in the catalog's
    /// order.
    pub(crate) fn types_over(&self, name: &QualifiedName) -> &[(&'a QualifiedName, &'a TypeDef)] {
        self.over.get(name).map_or(&[], Vec::as_slice)
    }

    /// `to`'s tables with a column of `name`, in the catalog's order.
    pub(crate) fn tables(&self, name: &QualifiedName) -> &[&'a QualifiedName] {
        self.tables.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether a partition key (of a table partitioned alike on both sides) reads a column of `name`.
    pub(crate) fn in_partition_key(&self, name: &QualifiedName) -> bool {
        self.partition_keys.contains(name)
    }
}

/// A function's SQL-standard body (one not written as a string literal).
pub(crate) fn standard_body(function: &Function) -> Option<&str> {
    function.body.as_deref().filter(|b| !b.starts_with(['$', '\'']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_naming_a_word_is_found_by_it() {
        let texts = [
            "(tenant_id = current_setting('app.tenant')::uuid)",
            "EXISTS (SELECT 1 FROM public.members m WHERE m.\"userId\" = auth.uid())",
            "CREATE TRIGGER t BEFORE UPDATE OF amount ON public.orders FOR EACH ROW EXECUTE FUNCTION f()",
            "(\"Weird name\" IS NOT NULL)",
        ];
        let keys: Vec<String> = (0..texts.len()).map(|i| format!("k{i}")).collect();
        let named = Named::new(keys.iter().zip(texts.iter()), |(_, t): (&String, &&str)| vec![*t], |_| None);
        for word in ["tenant_id", "userId", "members", "amount", "public", "uid", "Weird name", "absent", "app"] {
            let found: Vec<&String> = named.naming(word).map(|(k, _)| k).collect();
            let walked: Vec<&String> =
                keys.iter().zip(texts.iter()).filter(|(_, t)| names_word(t, word)).map(|(k, _)| k).collect();
            // The index never misses a text the walk finds (a quoted name with a space is not one
            // word: every text is given, and the caller's own test picks).
            assert!(walked.iter().all(|k| found.contains(k)), "{word}: walked {walked:?}, found {found:?}");
            if word.chars().all(is_name) {
                assert_eq!(found, walked, "{word}");
            }
        }
    }

    #[test]
    fn every_policy_reading_a_column_is_found_by_its_table() {
        let on = |table: &str| QualifiedName::new("public", table);
        let policies = [
            (on("orders"), "(tenant_id = 1)"),
            (on("items"), "(EXISTS (SELECT 1 FROM public.orders o WHERE o.tenant_id = 2))"),
            (on("items"), "(tenant_id = 3)"),
            (on("notes"), "(EXISTS (SELECT 1 FROM public.orders_archive a WHERE a.tenant_id = 4))"),
            (on("Odd name"), "(\"Odd name\".tenant_id = 5)"),
        ];
        let keys: Vec<String> = (0..policies.len()).map(|i| format!("p{i}")).collect();
        let named = Named::new(
            keys.iter().zip(policies.iter()),
            |(_, (_, text)): (&String, &(QualifiedName, &str))| vec![*text],
            |(_, (table, _))| Some(table),
        );
        for table in ["orders", "items", "notes", "orders_archive", "Odd name"].map(on) {
            let found: Vec<&String> = named.reading(&table, "tenant_id").map(|(k, _)| k).collect();
            let reads = |(own, text): &(QualifiedName, &str)| reads_column(text, Some(own), &table, "tenant_id");
            let walked: Vec<&String> =
                keys.iter().zip(policies.iter()).filter(|(_, p)| reads(p)).map(|(k, _)| k).collect();
            assert!(walked.iter().all(|k| found.contains(k)), "{table}: walked {walked:?}, found {found:?}");
        }
        // A longer name is another table: `public.orders_archive` does not read `public.orders`.
        assert!(!reads_column(policies[3].1, Some(&policies[3].0), &on("orders"), "tenant_id"));
        assert!(reads_column(policies[1].1, Some(&policies[1].0), &on("orders"), "tenant_id"));
    }
}
