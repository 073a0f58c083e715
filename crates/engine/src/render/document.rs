//! The report laid out once as a document (headings, paragraphs, tables, lists, code blocks), so
//! that the Markdown and the HTML renderers only differ in syntax and say exactly the same thing.
//!
//! Its structure follows the hand-written release report the project replaces: summary,
//! inventory, column differences, deep dives, new tables, indexes, migration status, changes,
//! risks and compatibility, the phased script with ORM lines, testing strategy and checklist,
//! cleanup, secrets and an appendix of counts.
//!
//! Text from the dumps only ever enters as [`Inline::Text`] or [`Inline::Code`] (or a code block),
//! which each renderer escapes; nothing here writes markup.

use crate::diff::ColumnStatus;
use crate::input::sizes;
use crate::report::{method_name, ChangeRow, ColumnFact, Item, Report, Span};
use std::borrow::Cow;

/// Text borrowed from the report where it is there already (definitions, scripts, rule texts):
/// the document costs little more than its structure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline<'a> {
    Text(Cow<'a, str>),
    Code(Cow<'a, str>),
    Strong(Cow<'a, str>),
    /// A line break inside a table cell.
    Break,
}

pub type Line<'a> = Vec<Inline<'a>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block<'a> {
    /// Level 1–4, with an anchor id.
    Heading(u8, String, Line<'a>),
    Paragraph(Line<'a>),
    /// A highlighted remark (a blockquote in Markdown).
    Callout(Line<'a>),
    /// A list begins: its items follow, one block each, then [`Block::End`]. Lists and tables come
    /// an item or a row at a time, so that a list of 80,000 names is never held whole.
    List(ListKind),
    Item(ListKind, Line<'a>),
    /// A table begins with its header: its rows follow, one block each, then [`Block::End`].
    Table(Vec<Line<'a>>),
    Row(Vec<Line<'a>>),
    /// The list or the table that began last ends.
    End(Ends),
    Code(&'static str, Pieces<'a>),
    /// A horizontal rule.
    Rule,
}

/// A code block's text in pieces, to be written one after the other: a block made of many parts
/// (the ORM lines of 80,000 tables) is never joined into one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pieces<'a>(pub Vec<Cow<'a, str>>);

impl<'a> Pieces<'a> {
    pub fn one(text: impl Into<Cow<'a, str>>) -> Pieces<'a> {
        Pieces(vec![text.into()])
    }
}

/// Pieces of one text without the text's trailing whitespace (which may span pieces).
pub fn trimmed_end(pieces: &[impl AsRef<str>]) -> impl Iterator<Item = &str> {
    let last = pieces.iter().rposition(|p| !p.as_ref().trim_end().is_empty());
    let kept = last.map_or(0, |last| last + 1);
    pieces[..kept].iter().enumerate().map(move |(i, p)| if i + 1 == kept { p.as_ref().trim_end() } else { p.as_ref() })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Bullets,
    /// Things to tick off.
    Checklist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ends {
    List(ListKind),
    Table,
}

fn t<'a>(text: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Text(text.into())
}

fn c<'a>(code: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Code(code.into())
}

fn b<'a>(text: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Strong(text.into())
}

fn cell(inline: Inline<'_>) -> Line<'_> {
    vec![inline]
}

fn text_cell<'a>(text: impl Into<Cow<'a, str>>) -> Line<'a> {
    vec![t(text)]
}

fn code_cell<'a>(code: impl Into<Cow<'a, str>>) -> Line<'a> {
    vec![c(code)]
}

fn or_dash(value: Option<&str>, as_code: bool) -> Line<'_> {
    match value {
        Some(v) if as_code => code_cell(v),
        Some(v) => text_cell(v),
        None => text_cell("–"),
    }
}

fn value(v: &Option<String>) -> Inline<'_> {
    v.as_deref().map_or_else(|| t("(none)"), c)
}

/// Hands each block to its sink as soon as it is laid out: a renderer writes it and lets it go, so
/// the whole document is never held at once (a report of 80,000 new tables is a long document).
struct Builder<'a, 's> {
    sink: &'s mut dyn FnMut(Block<'a>),
}

impl<'a> Builder<'a, '_> {
    fn push(&mut self, block: Block<'a>) {
        (self.sink)(block);
    }

    fn heading(&mut self, level: u8, id: &str, line: Line<'a>) {
        self.push(Block::Heading(level, id.to_string(), line));
    }

    fn h(&mut self, level: u8, id: &str, title: &str) {
        self.heading(level, id, vec![t(title.to_string())]);
    }

    fn p(&mut self, line: Line<'a>) {
        self.push(Block::Paragraph(line));
    }

    fn table(&mut self, header: &[&str], rows: impl IntoIterator<Item = Vec<Line<'a>>>) {
        self.push(Block::Table(header.iter().map(|h| text_cell(h.to_string())).collect()));
        for row in rows {
            self.push(Block::Row(row));
        }
        self.push(Block::End(Ends::Table));
    }

    fn list_of(&mut self, kind: ListKind, items: impl IntoIterator<Item = Line<'a>>) {
        self.push(Block::List(kind));
        for item in items {
            self.push(Block::Item(kind, item));
        }
        self.push(Block::End(Ends::List(kind)));
    }

    fn list(&mut self, items: impl IntoIterator<Item = Line<'a>>) {
        self.list_of(ListKind::Bullets, items);
    }
}

/// The document's title.
pub fn title(report: &Report) -> String {
    let (from, to) = report.names();
    format!("Schema comparison: {from} → {to}")
}

/// The document's blocks in order, each handed to `sink` as soon as it is laid out.
pub fn each_block<'a>(report: &'a Report, mut sink: impl FnMut(Block<'a>)) {
    let mut d = Builder { sink: &mut sink };
    inputs(&mut d, report);
    summary(&mut d, report);
    inventory(&mut d, report);
    columns(&mut d, report);
    deep_dives(&mut d, report);
    new_tables(&mut d, report);
    indexes(&mut d, report);
    migration_status(&mut d, report);
    all_changes(&mut d, report);
    risks(&mut d, report);
    migration(&mut d, report);
    cleanup(&mut d, report);
    secrets(&mut d, report);
    appendix(&mut d, report);
    d.push(Block::Rule);
    d.p(vec![t(format!(
        "Written by {} {} from the two files above; the same files give the same report.",
        report.tool, report.tool_version
    ))]);
}

fn inputs<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let [from, to] = &report.inputs;
    let version = |v: &'a Option<String>| or_dash(v.as_deref(), false);
    let size = |bytes: usize, lines: usize| text_cell(format!("{bytes} bytes, {lines} lines"));
    d.table(
        &["", "From", "To"],
        vec![
            vec![text_cell("File"), code_cell(&from.name), code_cell(&to.name)],
            vec![text_cell("pg_dump version"), version(&from.pg_dump_version), version(&to.pg_dump_version)],
            vec![text_cell("Server version"), version(&from.server_version), version(&to.server_version)],
            vec![text_cell("Size"), size(from.bytes, from.lines), size(to.bytes, to.lines)],
            vec![text_cell("SHA-256"), code_cell(&from.sha256), code_cell(&to.sha256)],
        ],
    );
}

fn summary<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    let s = &report.summary;
    d.h(2, "summary", "Executive summary");
    d.p(vec![
        c(to),
        t(" compared with "),
        c(from),
        t(format!(
            ": {} added, {} removed, {} altered, {} renamed{}.",
            s.added,
            s.removed,
            s.altered,
            s.renamed,
            if s.uncompared == 0 { String::new() } else { format!(", {} not compared", s.uncompared) }
        )),
    ]);
    if !report.key_findings.is_empty() {
        d.p(vec![b("Key findings:")]);
        d.list(report.key_findings.iter().map(|f| vec![t(f)]));
    }
    let count = |level: &str| report.risk_counts.get(level).copied().unwrap_or(0);
    d.p(vec![
        b("Risks:"),
        t(format!(" {} high, {} medium, {} low. ", count("high"), count("medium"), count("low"))),
        b("Deploy order:"),
        t(format!(" {}", report.deploy_order)),
    ]);
    let secrets: usize = report.secrets.iter().map(Vec::len).sum();
    if secrets > 0 {
        d.p(vec![
            b("Secrets:"),
            t(format!(" {secrets} found in the dumps (see “Secrets”); their values are not in this report.")),
        ]);
    }
}

fn inventory<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    let inv = &report.inventory;
    d.h(2, "differences", "1. Schema differences summary");
    d.h(3, "inventory", "1.1 Table inventory");
    let sized = inv.size_totals.iter().any(Option::is_some);
    let side_row = |i: usize, side: &'static str, file: &'a str| {
        let mut row = vec![
            text_cell(side),
            code_cell(file),
            text_cell(inv.tables[i].to_string()),
            text_cell(report.indexes.counts[i].to_string()),
        ];
        if sized {
            row.push(inv.size_totals[i].map_or_else(|| text_cell("not given"), |b| text_cell(sizes::bytes(b))));
        }
        row
    };
    let header: &[&str] = if sized {
        &["Side", "File", "Tables", "Indexes", "Size (total)"]
    } else {
        &["Side", "File", "Tables", "Indexes"]
    };
    d.table(header, vec![side_row(0, "From", from), side_row(1, "To", to)]);
    for (number, side, tables) in [("1.2", to, &inv.only_in_to), ("1.3", from, &inv.only_in_from)] {
        let id = if number == "1.2" { "tables-only-in-to" } else { "tables-only-in-from" };
        d.heading(3, id, vec![t(format!("{number} Tables only in ")), c(side), t(format!(" ({})", tables.len()))]);
        if tables.is_empty() {
            d.p(vec![t("None.")]);
            continue;
        }
        let rows = tables.iter().map(|table| {
            vec![
                code_cell(&table.table),
                text_cell(table.columns.to_string()),
                text_cell(table.indexes.to_string()),
                text_cell(table.definition_lines.to_string()),
                or_dash(table.comment.as_deref(), false),
            ]
        });
        d.table(&["Table", "Columns", "Indexes", "Definition (lines)", "Comment"], rows);
    }
    d.h(3, "common-tables", &format!("1.4 Common tables ({})", inv.common.len()));
    let items = inv.common.iter().map(|table| {
        let mut line = vec![c(table)];
        if inv.changed.contains(table) {
            line.push(t(" (changed)"));
        }
        line
    });
    d.list(items);
    if !inv.sizes.is_empty() {
        d.h(3, "table-sizes", "1.5 Table sizes (largest first)");
        let mut said = vec![t("From the sizes you added (")];
        for (i, (file, side)) in inv.size_files.iter().zip([from, to]).enumerate() {
            if i > 0 {
                said.push(t(", "));
            }
            match file {
                Some(file) => said.extend([c(file), t(" for "), c(side)]),
                None => said.extend([t("none for "), c(side)]),
            }
        }
        said.push(t(format!(
            "): table, indexes and TOAST; rows as PostgreSQL estimates them. A rewrite or a scan under a lock that blocks writes is levelled by them: low under {}, medium under {}, high from there.",
            sizes::bytes(crate::risks::SMALL),
            sizes::bytes(crate::risks::LARGE)
        )));
        d.p(said);
        let shown = |size: Option<sizes::TableSize>| size.map_or_else(|| text_cell("–"), |s| text_cell(s.describe()));
        let rows = inv.sizes.iter().map(|row| vec![code_cell(&row.table), shown(row.sizes[0]), shown(row.sizes[1])]);
        d.table(&["Table", "From", "To"], rows);
    }
}

fn column_rows(columns: &[ColumnFact]) -> Vec<Vec<Line<'_>>> {
    columns
        .iter()
        .map(|column| {
            vec![
                code_cell(&column.column),
                code_cell(&column.data_type),
                column.default.as_deref().map_or_else(|| text_cell("NULL"), code_cell),
                text_cell(if column.not_null { "yes" } else { "no" }),
                or_dash(column.comment.as_deref(), false),
            ]
        })
        .collect()
}

const COLUMN_HEADER: [&str; 5] = ["Column", "Type", "Default", "Not null", "Purpose (comment)"];

fn columns<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    d.h(2, "columns", "2. Column-level differences");
    if report.column_differences.is_empty() && report.type_changes.is_empty() && report.column_order.is_empty() {
        d.p(vec![t("No column differs in the tables both sides have.")]);
    }
    for (i, table) in report.column_differences.iter().enumerate() {
        d.heading(3, &format!("columns-{}", i + 1), vec![t(format!("2.{} ", i + 1)), c(&table.table)]);
        if !table.added.is_empty() {
            d.p(vec![c(to), b(format!(" has {} additional column(s):", table.added.len()))]);
            d.table(&COLUMN_HEADER, column_rows(&table.added));
        }
        if !table.removed.is_empty() {
            d.p(vec![b("Only in "), c(from), b(format!(" ({} column(s)):", table.removed.len()))]);
            d.table(&COLUMN_HEADER, column_rows(&table.removed));
        }
        if !table.altered.is_empty() {
            d.p(vec![b("Changed:")]);
            let rows = table.altered.iter().flat_map(|column| {
                column.details.iter().map(|detail| {
                    vec![
                        code_cell(&column.column),
                        text_cell(detail.property.as_str()),
                        cell(value(&detail.from)),
                        cell(value(&detail.to)),
                    ]
                })
            });
            d.table(&["Column", "Property", &format!("In {from}"), &format!("In {to}")], rows);
        }
    }
    if !report.type_changes.is_empty() {
        d.h(3, "type-changes", "Type changes");
        let rows = report.type_changes.iter().map(|change| {
            vec![
                code_cell(&change.table),
                code_cell(&change.column),
                code_cell(&change.from),
                code_cell(&change.to),
                text_cell(if change.rewrites { "yes: exclusive lock for the rewrite" } else { "no" }),
            ]
        });
        d.table(&["Table", "Column", &format!("{from} type"), &format!("{to} type"), "Rewrites the table"], rows);
    }
    if !report.column_order.is_empty() {
        d.h(3, "column-order", "Column order");
        d.p(vec![t("Same columns in another order: no migration is needed, but SELECT * and COPY without a column \
             list see another order.")]);
        let rows = report.column_order.iter().flat_map(|order| {
            order.moved.iter().map(|moved| {
                vec![
                    code_cell(&order.table),
                    code_cell(&moved.column),
                    text_cell(moved.positions[0].to_string()),
                    text_cell(moved.positions[1].to_string()),
                ]
            })
        });
        d.table(&["Table", "Column", &format!("Position in {from}"), &format!("Position in {to}")], rows);
    }
}

fn change_line(change: &ChangeRow) -> Line<'_> {
    let mut line = vec![t(format!("{} {} ", change.change.label(), change.object_kind.words())), c(&change.object)];
    if change.change.compares() && !change.details.is_empty() {
        line.push(t(" ("));
        for (i, detail) in change.details.iter().enumerate() {
            if i > 0 {
                line.push(t("; "));
            }
            line.extend([t(format!("{}: ", detail.property)), value(&detail.from), t(" → "), value(&detail.to)]);
        }
        line.push(t(")"));
    }
    if let Some(risk) = &change.risk {
        line.extend([t(" — risk "), b(risk.level.label())]);
    }
    line
}

fn deep_dives<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    d.h(2, "tables", "3. Changed tables in detail");
    if report.deep_dives.is_empty() {
        d.p(vec![t("No table both sides have is changed.")]);
    }
    for (i, dive) in report.deep_dives.iter().enumerate() {
        d.heading(3, &format!("table-{}", i + 1), vec![t(format!("3.{} ", i + 1)), c(&dive.table)]);
        if let Some(comment) = &dive.comment {
            d.p(vec![t(comment)]);
        }
        let side = |column: &Option<ColumnFact>| {
            column.as_ref().map_or_else(|| text_cell("–"), |c| code_cell(format!("{} {}", c.column, c.data_type)))
        };
        let rows = dive.columns.iter().enumerate().map(|(n, row)| {
            let difference = match row.status {
                ColumnStatus::Same => String::new(),
                ColumnStatus::Added => format!("only in {to}"),
                ColumnStatus::Removed => format!("only in {from}"),
                ColumnStatus::Changed => row.differs.join(", "),
            };
            vec![text_cell((n + 1).to_string()), side(&row.from), side(&row.to), text_cell(difference)]
        });
        d.table(&["#", from, to, "Difference"], rows);
        d.p(vec![b(format!("Changes ({}):", dive.changes.len()))]);
        d.list(dive.changes.iter().map(change_line));
    }
}

fn new_tables<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    d.h(2, "new-tables", "4. New tables");
    if report.new_tables.is_empty() {
        d.p(vec![t("None.")]);
    }
    for (i, table) in report.new_tables.iter().enumerate() {
        d.heading(3, &format!("new-table-{}", i + 1), vec![t(format!("4.{} ", i + 1)), c(&table.table)]);
        if let Some(comment) = &table.comment {
            d.p(vec![b("Purpose (comment): "), t(comment)]);
        }
        d.push(Block::Code("sql", Pieces::one(&table.definition)));
        d.p(vec![b(format!("Indexes ({}):", table.indexes.len()))]);
        let items = table.indexes.iter().map(|index| {
            let what = index.constraint.unwrap_or(if index.unique { "unique index" } else { "index" });
            vec![c(&index.index), t(format!(" ({what}, {}): ", index.method)), c(&index.definition)]
        });
        d.list(items);
    }
}

fn indexes<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    let ix = &report.indexes;
    d.h(2, "indexes", "5. Index comparison");
    d.p(vec![t(format!(
        "{} indexes in {from}, {} in {to} (including those behind primary keys and unique constraints).",
        ix.counts[0], ix.counts[1]
    ))]);
    if !ix.method_changes.is_empty() {
        d.h(3, "method-changes", "Access method changes");
        for change in &ix.method_changes {
            d.push(Block::Callout(vec![
                b(format!("{} → {}", method_name(&change.from_method), method_name(&change.to_method))),
                t(" on "),
                c(&change.table),
                t(": "),
                c(&change.from_index),
                t(format!(" ({}) in {from}, ", change.from_method)),
                c(&change.to_index),
                t(format!(" ({}) in {to}. {}", change.to_method, change.note)),
            ]));
        }
    }
    for (number, id, side, list) in
        [("5.1", "indexes-only-in-to", to, &ix.only_in_to), ("5.2", "indexes-only-in-from", from, &ix.only_in_from)]
    {
        d.heading(3, id, vec![t(format!("{number} Indexes only in ")), c(side), t(format!(" ({})", list.len()))]);
        if list.is_empty() {
            d.p(vec![t("None.")]);
            continue;
        }
        let rows = list.iter().map(|index| {
            let unique = match index.constraint {
                Some(kind) => kind.to_string(),
                None if index.unique => "unique".to_string(),
                None => String::new(),
            };
            vec![
                code_cell(&index.index),
                code_cell(&index.table),
                text_cell(&index.method),
                text_cell(unique),
                code_cell(&index.definition),
            ]
        });
        d.table(&["Index", "Table", "Method", "Unique", "Definition"], rows);
    }
    if !ix.altered.is_empty() {
        d.h(3, "indexes-changed", "5.3 Indexes changed");
        d.list(ix.altered.iter().map(change_line));
    }
}

fn migration_status<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let status = &report.migration_status;
    let (from, to) = report.names();
    d.h(2, "migration-status", "6. Migration status");
    d.p(vec![t(&status.finding)]);
    let mut items: Vec<Line> = Vec::new();
    for (side, tables) in [from, to].iter().zip(&status.tracking) {
        for table in tables {
            items.push(vec![
                c(*side),
                t(": "),
                c(table.table.to_string()),
                t(format!(" ({}), {} versions listed", table.tool, table.versions.len())),
            ]);
        }
    }
    for (side, versions) in [(to, &status.versions_only_in_to), (from, &status.versions_only_in_from)] {
        if !versions.is_empty() {
            let mut line = vec![t("Versions only in "), c(side), t(": ")];
            for (i, version) in versions.iter().enumerate() {
                if i > 0 {
                    line.push(t(", "));
                }
                line.push(c(version));
            }
            items.push(line);
        }
    }
    if !items.is_empty() {
        d.list(items);
    }
}

fn all_changes<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    d.h(2, "changes", "7. All changes");
    if report.changes.is_empty() {
        d.p(vec![t("The two schemas are the same.")]);
        return;
    }
    let rows = report.changes.iter().map(|change| {
        let mut details: Line = Vec::new();
        if change.change.compares() {
            for (i, detail) in change.details.iter().enumerate() {
                if i > 0 {
                    details.push(Inline::Break);
                }
                details.extend([t(format!("{}: ", detail.property)), value(&detail.from), t(" → "), value(&detail.to)]);
            }
        }
        let risk = change
            .risk
            .as_ref()
            .map_or_else(|| text_cell("–"), |r| text_cell(format!("{} ({})", r.level.label(), r.rules.join(", "))));
        vec![
            text_cell(change.change.label()),
            text_cell(change.object_kind.words()),
            code_cell(&change.object),
            risk,
            details,
        ]
    });
    d.table(&["Change", "Kind", "Object", "Risk", "Details (from → to)"], rows);
    if !report.rename_candidates.is_empty() {
        d.p(vec![b("Possible renames"), t(" (listed above as removed and added until someone confirms them):")]);
        let items = report.rename_candidates.iter().map(|r| {
            vec![
                t(format!("{} ", r.object_kind)),
                c(&r.from),
                t(" → "),
                c(&r.to),
                t(format!(" ({}%: {})", r.confidence, r.evidence.join(", "))),
            ]
        });
        d.list(items);
    }
    if !report.notes.is_empty() {
        d.p(vec![b("Notes:")]);
        d.list(report.notes.iter().map(|n| vec![c(&n.object), t(": "), t(&n.note)]));
    }
}

fn risks<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    d.h(2, "risks", "8. Risk assessment");
    d.h(3, "risk-matrix", "8.1 Risk matrix");
    let rows = report.risk_matrix.iter().map(|row| {
        vec![
            text_cell(row.area),
            text_cell(row.high.to_string()),
            text_cell(row.medium.to_string()),
            text_cell(row.low.to_string()),
        ]
    });
    d.table(&["Area", "High", "Medium", "Low"], rows);
    if !report.risks.is_empty() {
        d.h(3, "risk-list", "8.2 Risks");
        // One rule's finding on many objects says why and what to do once, with every object.
        let groups = grouped(&report.risks, |r| (r.level, r.area(), r.rule, r.effect));
        let rows = groups.iter().map(|group| {
            let risk = group[0];
            let mut mitigation = vec![t(risk.mitigation())];
            if let Some(caveat) = risk.caveat() {
                mitigation.push(t(format!(" {caveat}")));
            }
            let finding = match group.len() {
                1 => vec![t(format!("{} (", risk.finding)), c(risk.rule), t(")")],
                n => {
                    let mut line = vec![t(format!("{n} findings (")), c(risk.rule), t("):")];
                    for risk in group {
                        line.extend([Inline::Break, t(&risk.finding)]);
                    }
                    line
                }
            };
            vec![
                cell(b(risk.level.label().to_uppercase())),
                text_cell(risk.area()),
                finding,
                match &risk.effect {
                    Some(effect) => {
                        vec![t(risk.why()), t(" "), b("The script: "), t(format!("{}.", effect.describe()))]
                    }
                    None => text_cell(risk.why()),
                },
                mitigation,
            ]
        });
        d.table(&["Level", "Area", "Finding", "Why", "Mitigation"], rows);
    }
    d.h(3, "compatibility", "8.3 Backward compatibility");
    d.p(vec![b("Recommendation: "), t(&report.deploy_order)]);
    if report.compatibility.is_empty() {
        return;
    }
    // The same verdict for many objects of one kind and change is one row naming them all.
    let groups = grouped(&report.compatibility, |e| {
        (e.change, e.object_kind, e.old_code_after_migration, e.new_code_before_migration, e.order, e.reason.as_ref())
    });
    let rows = groups.iter().map(|group| {
        let entry = group[0];
        let kind = entry.object_kind.words();
        let mut change = match group.len() {
            1 => vec![t(format!("{} {kind} ", entry.change.label()))],
            n => vec![t(format!("{} {kind} ({n}): ", entry.change.label()))],
        };
        for (i, entry) in group.iter().enumerate() {
            if i > 0 {
                change.push(t(", "));
            }
            change.push(c(&entry.object));
        }
        vec![
            change,
            text_cell(entry.old_code_after_migration.label()),
            text_cell(entry.new_code_before_migration.label()),
            text_cell(entry.order.label()),
            text_cell(&*entry.reason),
        ]
    });
    d.table(
        &[
            "Change",
            &format!("Code for {from} after the migration"),
            &format!("Code for {to} before it"),
            "Order",
            "Why",
        ],
        rows,
    );
}

/// `items` in groups of equal `key`, each group where its first item is, items in their order.
fn grouped<'a, T, K: Ord>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<Vec<&'a T>> {
    let mut at: std::collections::BTreeMap<K, usize> = std::collections::BTreeMap::new();
    let mut groups: Vec<Vec<&T>> = Vec::new();
    for item in items {
        let index = *at.entry(key(item)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[index].push(item);
    }
    groups
}

/// A checklist's items as lines: borrowed from the report when it holds them, moved when they were
/// made for the asking.
fn items<'a>(items: Cow<'a, [Item]>) -> Vec<Line<'a>> {
    match items {
        Cow::Borrowed(items) => items.iter().map(item).collect(),
        Cow::Owned(items) => items
            .into_iter()
            .map(|item| {
                item.0
                    .into_iter()
                    .map(|span| match span {
                        Span::Text(text) => Inline::Text(text),
                        Span::Code(code) => Inline::Code(code),
                    })
                    .collect()
            })
            .collect(),
    }
}

fn item(item: &Item) -> Line<'_> {
    item.0
        .iter()
        .map(|span| match span {
            Span::Text(text) => t(text.as_ref()),
            Span::Code(code) => c(code.as_ref()),
        })
        .collect()
}

fn migration<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let m = &report.migration;
    d.h(2, "migration", "9. Migration");
    if m.phases.is_empty() {
        d.p(vec![t("Nothing to migrate.")]);
        return;
    }
    d.h(3, "phases", "9.1 Phases");
    let mut phases: Vec<Line> = m
        .phases
        .iter()
        .map(|phase| {
            let concurrently = phase.statements.iter().filter(|s| s.contains(" CONCURRENTLY ")).count();
            let extra = if concurrently > 0 { format!(", {concurrently} CONCURRENTLY") } else { String::new() };
            vec![t(format!("{} ({} statements{extra})", phase.title, phase.statements.len()))]
        })
        .collect();
    phases.extend(m.manual.iter().map(|manual| vec![b("Manual step: "), t(manual)]));
    d.list(phases);
    d.h(3, "script", "9.2 Migration script");
    d.push(Block::Code("sql", Pieces::one(m.script.as_str())));
    if !report.orm.tables.is_empty() {
        d.h(3, "orm", "9.3 ORM schema changes");
        d.p(vec![b("Drizzle ORM"), t(" ("), c("drizzle-orm/pg-core"), t("):")]);
        let mut drizzle = vec![Cow::Borrowed(report.orm.drizzle_imports.as_str())];
        for hint in &report.orm.tables {
            drizzle.extend([Cow::Borrowed("\n"), Cow::Borrowed(hint.drizzle.as_str())]);
        }
        d.push(Block::Code("typescript", Pieces(drizzle)));
        d.p(vec![b("Prisma"), t(" ("), c("schema.prisma"), t("):")]);
        let mut prisma = Vec::new();
        for (i, hint) in report.orm.tables.iter().enumerate() {
            if i > 0 {
                prisma.push(Cow::Borrowed("\n"));
            }
            prisma.push(Cow::Borrowed(hint.prisma.as_str()));
        }
        d.push(Block::Code("prisma", Pieces(prisma)));
    }
    if !report.testing.is_empty() {
        d.h(3, "testing", "9.4 Testing strategy");
        d.p(vec![b("Before the production migration:")]);
        for (i, list) in report.testing.iter().enumerate() {
            d.h(4, &format!("testing-{}", i + 1), &format!("{}. {}", i + 1, list.title()));
            d.list(items(list.items()));
        }
    }
    if !report.post_migration.is_empty() {
        d.h(3, "checklist", "9.5 Post-migration checklist");
        for (i, list) in report.post_migration.iter().enumerate() {
            d.h(4, &format!("checklist-{}", i + 1), &list.title());
            d.list_of(ListKind::Checklist, items(list.items()));
        }
    }
    d.h(3, "rollback", "9.6 Rollback script");
    d.push(Block::Code("sql", Pieces::one(m.rollback.as_str())));
}

fn cleanup<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    let cleanup = &report.cleanup;
    d.h(2, "cleanup", "10. Cleanup candidates");
    if cleanup.dropped.is_empty() && cleanup.candidates.iter().all(Vec::is_empty) {
        d.p(vec![t("None.")]);
    }
    if !cleanup.dropped.is_empty() {
        d.p(vec![t("Dropped by the migration's cleanup phase, after the new code is deployed:")]);
        d.list(cleanup.dropped.iter().map(|o| vec![c(o)]));
    }
    let mut items: Vec<Line> = Vec::new();
    for (side, candidates) in [from, to].iter().zip(&cleanup.candidates) {
        for candidate in candidates {
            items.push(vec![
                t("In "),
                c(*side),
                t(": "),
                c(candidate.table.to_string()),
                t(format!(" looks like a copy: {}", candidate.reasons.join("; "))),
            ]);
        }
    }
    if !items.is_empty() {
        d.list(items);
    }
}

fn secrets<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    let rows: Vec<Vec<Line>> = [from, to]
        .iter()
        .zip(&report.secrets)
        .flat_map(|(side, list)| {
            list.iter().map(move |secret| {
                vec![
                    code_cell(*side),
                    text_cell(secret.line.to_string()),
                    text_cell(secret.kind),
                    code_cell(&secret.context),
                ]
            })
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    d.h(2, "secrets", "Secrets");
    d.p(vec![t(
        "Found in the dumps and left out of this report. Rotate them: a dump that held them may have been shared.",
    )]);
    d.table(&["File", "Line", "Kind", "Where"], rows);
}

fn appendix<'a>(d: &mut Builder<'a, '_>, report: &'a Report) {
    let (from, to) = report.names();
    let a = &report.appendix;
    d.h(2, "appendix", "Appendix");
    d.h(3, "objects", "A.1 Objects");
    let rows = a.counts[0]
        .entries()
        .iter()
        .zip(a.counts[1].entries())
        .map(|((kind, old), (_, new))| {
            vec![text_cell(kind.replace('_', " ")), text_cell(old.to_string()), text_cell(new.to_string())]
        })
        .collect::<Vec<_>>();
    d.table(&["Kind", from, to], rows);
    d.h(3, "table-count", "A.2 Table count");
    let rows = [from, to].into_iter().enumerate().map(|(i, side)| {
        let mut only = vec![t(a.tables_only_in[i].len().to_string())];
        if !a.tables_only_in[i].is_empty() {
            only.push(t(" ("));
            for (n, table) in a.tables_only_in[i].iter().enumerate() {
                if n > 0 {
                    only.push(t(", "));
                }
                only.push(c(table));
            }
            only.push(t(")"));
        }
        vec![code_cell(side), text_cell(report.inventory.tables[i].to_string()), only]
    });
    d.table(&["Side", "Tables", "Only on this side"], rows);
    d.h(3, "column-additions", "A.3 Column additions");
    if a.column_additions.is_empty() {
        d.p(vec![t("None.")]);
    } else {
        let rows = a.column_additions.iter().map(|added| {
            vec![
                code_cell(&added.table),
                code_cell(&added.column),
                code_cell(&added.data_type),
                text_cell(format!("{to} only")),
            ]
        });
        d.table(&["Table", "Column", "Type", "Side"], rows);
    }
    d.h(3, "index-count", "A.4 Index count");
    d.list(vec![
        vec![c(from), t(format!(": {} indexes", a.indexes[0]))],
        vec![c(to), t(format!(": {} indexes", a.indexes[1]))],
        vec![t("New in "), c(to), t(format!(": {} indexes", a.new_indexes))],
    ]);
}
