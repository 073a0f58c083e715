//! Token recognizers for statements sqlparser does not parse, or that are simpler to read as tokens:
//! session settings, `OWNER TO`, `ALTER SEQUENCE … OWNED BY`, `ALTER INDEX … ATTACH PARTITION`,
//! identity columns, `COMMENT ON`, grants, triggers, event triggers, publications.
//!
//! They work on sqlparser's tokenizer output, never on raw text with regexes, so quoting, comments
//! and dollar quotes are handled exactly as the parser would.

use super::identifiers::needs_quotes;
use super::name::{identity_arguments, QualifiedName};
use crate::diff::ObjectKind;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace, Word};

pub(super) enum Recognized {
    Fact(Fact),
    Ignore,
    /// Parse this rewritten text with sqlparser instead, then apply what was taken out of it.
    Reparse {
        sql: String,
        adjust: Adjust,
    },
    No,
}

/// What a rewrite took out of a statement so that sqlparser accepts it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) enum Adjust {
    #[default]
    Nothing,
    /// `CREATE MATERIALIZED VIEW … WITH NO DATA`.
    WithNoData,
    /// `CREATE VIEW … WITH [CASCADED | LOCAL] CHECK OPTION`.
    CheckOption(String),
    /// `CREATE DOMAIN … [COLLATE c] … [NOT NULL]`: sqlparser reads neither a qualified collation
    /// nor NOT NULL, so both are taken out before parsing and kept here.
    Domain { not_null: bool, collation: Option<String> },
    /// `ALTER TABLE … ON DELETE SET NULL (a, b)` (PostgreSQL 15), which sqlparser does not read:
    /// the column list is taken out before parsing, kept as written (lower case, `(a, b)`).
    DeleteSetColumns(String),
    /// PostgreSQL 18 `GENERATED ALWAYS AS (…) VIRTUAL` columns, read as STORED, then marked.
    VirtualColumns(Vec<String>),
    /// `CREATE UNLOGGED SEQUENCE`, which sqlparser does not read: read without the word, then marked.
    UnloggedSequence,
    /// A function's `COST n`, `ROWS n`, `[NOT] LEAKPROOF`, `SUPPORT f`, which sqlparser does not
    /// read: taken out before parsing, kept as written (lower case).
    FunctionExtras(Vec<String>),
    /// A typed table, `CREATE TABLE t OF type (x WITH OPTIONS NOT NULL, …)`, which sqlparser does
    /// not read: read as a table whose listed columns have the placeholder type `unknown` (no
    /// table column can have it), given the type's attributes once the dump is read.
    OfType(QualifiedName),
}

pub(super) enum Fact {
    /// The first schema of a new search_path; `None` when it is empty (modern pg_dump: every name
    /// outside pg_catalog is written qualified).
    SearchPath(Option<String>),
    /// `SET default_tablespace = x`: where the next tables and indexes go; `None` for `''`.
    DefaultTablespace(Option<String>),
    Owner {
        object: String,
        owner: String,
    },
    /// `ALTER TABLE … CLUSTER ON index` / `ALTER TABLE … ALTER COLUMN c SET STATISTICS n`, which
    /// sqlparser does not read.
    TableSetting {
        table: QualifiedName,
        setting: TableSetting,
    },
    /// `ALTER EVENT TRIGGER e ENABLE|DISABLE …`: appended to the event trigger's definition.
    EventTriggerAltered {
        name: String,
        change: String,
    },
    /// A statement that adds to an object known by its definition (a text search configuration's
    /// mappings): appended to that definition and to its source.
    OtherAltered {
        key: String,
        change: String,
    },
    /// `ALTER DOMAIN d ADD CONSTRAINT c CHECK (…) NOT VALID`, as pg_dump writes a check not yet
    /// validated: `check` is the constraint as the domain's checks keep it (normalized tokens).
    DomainCheck {
        domain: QualifiedName,
        check: String,
    },
    SequenceOwnedBy {
        sequence: QualifiedName,
        column: String,
    },
    /// `ALTER INDEX i ALTER [COLUMN] n SET STATISTICS m`: the statistics target of an index's
    /// expression column `n` (1-based).
    IndexStatistics {
        index: QualifiedName,
        column: String,
        target: String,
    },
    IndexAttached {
        parent: QualifiedName,
        child: QualifiedName,
    },
    Comment {
        object: String,
        text: Option<String>,
    },
    EventTrigger {
        name: String,
        definition: String,
    },
    Publication {
        name: String,
        definition: String,
    },
    Identity {
        table: QualifiedName,
        column: String,
        kind: String,
        sequence: Option<(QualifiedName, Vec<String>)>,
    },
    Trigger {
        table: QualifiedName,
        name: String,
        definition: String,
    },
    Grant(String),
    Aggregate {
        name: QualifiedName,
        arguments: String,
        definition: String,
    },
    /// `only`: `ON ONLY`, so PostgreSQL creates no index on the table's partitions.
    Index {
        name: QualifiedName,
        index: Box<super::Index>,
        only: bool,
    },
    Function {
        name: QualifiedName,
        kind: String,
        arguments: String,
        definition: String,
    },
    PublicationAltered {
        name: String,
        change: String,
    },
    Other {
        key: String,
        definition: String,
    },
    /// `COPY table … FROM stdin`: the data piece that follows belongs to this table.
    CopyInto(QualifiedName),
    /// `DROP <kind> [IF EXISTS] name[, …]`: the objects are gone from here on.
    Drop {
        kind: String,
        names: Vec<String>,
        on_table: Option<QualifiedName>,
    },
}

/// The first words of a statement, upper-cased, without tokenizing all of it.
fn head_words(sql: &str, count: usize) -> Vec<String> {
    sql.split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .take(count)
        .map(str::to_uppercase)
        .collect()
}

pub(super) fn recognize(sql: &str, default_schema: &str) -> Recognized {
    let head = head_words(sql, 4);
    let words: Vec<&str> = head.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["SET", ..] => {
            let tokens = tokens(sql);
            let is_search_path =
                matches!(tokens.get(1), Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("search_path"));
            let is_tablespace =
                matches!(tokens.get(1), Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("default_tablespace"));
            if is_tablespace {
                let value = tokens.iter().skip(2).find_map(|t| match t {
                    Token::Word(w) if w.keyword != Keyword::TO => Some(ident(w)),
                    Token::SingleQuotedString(s) => Some(s.clone()),
                    _ => None,
                });
                return Recognized::Fact(Fact::DefaultTablespace(value.filter(|v| !v.is_empty())));
            }
            if is_search_path {
                // `"$user"` names a schema only where one exists for the user: dumps do not create it.
                let first = tokens.iter().skip(2).find_map(|t| match t {
                    Token::Word(w) if w.keyword != Keyword::TO && w.value != "$user" => Some(ident(w)),
                    Token::SingleQuotedString(s) if s != "$user" => Some(s.clone()),
                    _ => None,
                });
                return Recognized::Fact(Fact::SearchPath(first.filter(|s| !s.is_empty())));
            }
            Recognized::Ignore
        }
        // Data dumps set sequence values: data, not schema.
        ["SELECT", first, ..] if first.starts_with("PG_CATALOG.SETVAL") || first.starts_with("PG_CATALOG.LO_") => {
            Recognized::Ignore
        }
        ["COPY", ..] => {
            let tokens = tokens(sql);
            match read_name(&tokens, 1) {
                Some((name, _)) => Recognized::Fact(Fact::CopyInto(qualified(name, default_schema))),
                None => Recognized::No,
            }
        }
        ["DROP", ..] => drop(sql, default_schema),
        ["SELECT", first, ..] if first.starts_with("PG_CATALOG.SET_CONFIG") => {
            let strings: Vec<String> = tokens(sql)
                .into_iter()
                .filter_map(|t| match t {
                    Token::SingleQuotedString(s) => Some(s),
                    _ => None,
                })
                .collect();
            match strings.as_slice() {
                [name, value] if name == "search_path" => {
                    let first = value
                        .split(',')
                        .map(|p| p.trim().trim_matches('"'))
                        .find(|p| *p != "$user")
                        .unwrap_or("")
                        .to_string();
                    Recognized::Fact(Fact::SearchPath((!first.is_empty()).then_some(first)))
                }
                _ => Recognized::Ignore,
            }
        }
        ["BEGIN" | "COMMIT" | "START" | "RESET", ..] => Recognized::Ignore,
        // The database itself (`pg_dump --create`, `pg_dumpall`): the schema inside it is compared.
        ["CREATE" | "ALTER", "DATABASE", ..] | ["COMMENT", "ON", "DATABASE", ..] => Recognized::Ignore,
        // Roles belong to the cluster, not to a database's schema (a `pg_dumpall` file's first part).
        ["CREATE" | "ALTER", "ROLE" | "USER" | "GROUP", ..] if !sql.to_ascii_uppercase().contains(" MAPPING ") => {
            Recognized::Ignore
        }
        ["CREATE", "USER", "MAPPING", ..] => user_mapping(sql),
        ["CREATE", "AGGREGATE", ..] => aggregate(sql, default_schema),
        ["ALTER", ..] if ends_with_owner_to(sql) => owner(sql, default_schema),
        ["ALTER", "SEQUENCE", ..] => sequence_owned_by(sql, default_schema),
        ["ALTER", "INDEX", ..] => index_attach(sql, default_schema),
        ["ALTER", "TABLE", ..] if sql.to_uppercase().contains("AS IDENTITY") => identity(sql, default_schema),
        ["ALTER", "TABLE", ..] if is_table_setting(sql) => table_setting(sql, default_schema),
        ["ALTER", "TABLE", ..] if sql.to_uppercase().contains(" ON DELETE SET ") => delete_set_columns(sql),
        ["ALTER", "FOREIGN", "TABLE", ..] => configuration_mapping(sql, default_schema),
        ["ALTER", "DOMAIN", ..] => domain_constraint(sql, default_schema),
        ["ALTER", "TABLE", ..] if sql.to_uppercase().contains(" RULE ") => rule_enabled(sql, default_schema),
        ["COMMENT", "ON", ..] => comment(sql, default_schema),
        ["GRANT" | "REVOKE", ..] | ["ALTER", "DEFAULT", "PRIVILEGES", ..] => {
            Recognized::Fact(Fact::Grant(normalized_tokens(sql)))
        }
        ["CREATE", "EVENT", "TRIGGER", name] => {
            Recognized::Fact(Fact::EventTrigger { name: name.to_lowercase(), definition: normalized_tokens(sql) })
        }
        ["CREATE", "PUBLICATION", name, ..] => {
            Recognized::Fact(Fact::Publication { name: name.to_lowercase(), definition: normalized_tokens(sql) })
        }
        ["CREATE", "TRIGGER" | "CONSTRAINT", ..] => trigger(sql, default_schema),
        ["CREATE", "MATERIALIZED", "VIEW", ..] => match strip_suffix_words(sql, &["WITH", "NO", "DATA"]) {
            Some(rest) => Recognized::Reparse { sql: rest, adjust: Adjust::WithNoData },
            None => Recognized::No,
        },
        ["CREATE", "VIEW", ..] | ["CREATE", "OR", "REPLACE", "VIEW"] => {
            for option in ["CASCADED", "LOCAL"] {
                if let Some(rest) = strip_suffix_words(sql, &["WITH", option, "CHECK", "OPTION"]) {
                    return Recognized::Reparse { sql: rest, adjust: Adjust::CheckOption(option.to_lowercase()) };
                }
            }
            match strip_suffix_words(sql, &["WITH", "CHECK", "OPTION"]) {
                Some(rest) => Recognized::Reparse { sql: rest, adjust: Adjust::CheckOption("cascaded".into()) },
                None => Recognized::No,
            }
        }
        ["CREATE", "DOMAIN", ..] => domain(sql),
        ["CREATE", "TABLE", ..] | ["CREATE", "UNLOGGED", "TABLE", ..]
            if head_words(sql, 5).iter().any(|w| w == "OF") && !sql.to_uppercase().contains(" PARTITION OF ") =>
        {
            typed_table(sql, default_schema)
        }
        ["CREATE", "TABLE", ..] if sql.contains("VIRTUAL") => virtual_columns(sql),
        ["CREATE", "PROCEDURE", ..] | ["CREATE", "OR", "REPLACE", "PROCEDURE"] => {
            routine(sql, default_schema, "procedure")
        }
        // `ALTER STATISTICS s SET STATISTICS n`, `ALTER EVENT TRIGGER e DISABLE`: part of the
        // object's definition, as pg_dump writes them right after it.
        ["ALTER", "STATISTICS", ..] if sql.to_uppercase().contains(" SET STATISTICS ") => {
            let tokens = tokens(sql);
            let Some((parts, _)) = read_name(&tokens, 2) else { return Recognized::No };
            Recognized::Fact(Fact::OtherAltered {
                key: format!("statistics {}", qualified(parts, default_schema)),
                change: normalized_tokens(sql),
            })
        }
        ["ALTER", "EVENT", "TRIGGER", name] if !sql.to_uppercase().contains(" OWNER TO ") => {
            let upper = sql.to_uppercase();
            if !(upper.contains(" DISABLE") || upper.contains(" ENABLE")) {
                return Recognized::No;
            }
            Recognized::Fact(Fact::EventTriggerAltered { name: name.to_lowercase(), change: normalized_tokens(sql) })
        }
        ["ALTER", "TEXT", "SEARCH", "CONFIGURATION", ..] if sql.to_uppercase().contains(" MAPPING ") => {
            configuration_mapping(sql, default_schema)
        }
        ["CREATE", "FUNCTION", ..] | ["CREATE", "OR", "REPLACE", "FUNCTION"] => function_extras(sql),
        ["CREATE", "UNLOGGED", "SEQUENCE", ..] => match sql.trim_start().get(..6) {
            // `CREATE` + the rest after `UNLOGGED` (found case-insensitively, outside any quote:
            // it is the second word).
            Some(create) => {
                let rest = sql.trim_start()[6..].trim_start();
                Recognized::Reparse {
                    sql: format!("{create} {}", rest["UNLOGGED".len()..].trim_start()),
                    adjust: Adjust::UnloggedSequence,
                }
            }
            None => Recognized::No,
        },
        ["ALTER", "PUBLICATION", name, ..] => {
            Recognized::Fact(Fact::PublicationAltered { name: name.to_lowercase(), change: normalized_tokens(sql) })
        }
        ["CREATE", "RULE", ..] | ["CREATE", "OR", "REPLACE", "RULE"] => rule(sql, default_schema),
        ["CREATE", kind, ..] if OTHER_KINDS.contains(kind) => other_object(sql, default_schema),
        ["CREATE", "INDEX" | "UNIQUE", ..] => index(sql, default_schema),
        _ => Recognized::No,
    }
}

/// Tokens without whitespace and comments, needless identifier quotes removed.
fn tokens(sql: &str) -> Vec<Token> {
    let dialect = PostgreSqlDialect {};
    match Tokenizer::new(&dialect, sql).tokenize() {
        Ok(tokens) => tokens.into_iter().filter(|t| !matches!(t, Token::Whitespace(_))).map(plain_word).collect(),
        Err(_) => Vec::new(),
    }
}

/// `"name"` → `name` where PostgreSQL would not quote it, with the keyword looked up again so it
/// reads exactly like the unquoted word.
fn plain_word(token: Token) -> Token {
    match token {
        Token::Word(w) if w.quote_style == Some('"') && !needs_quotes(&w.value) => Token::make_word(&w.value, None),
        other => other,
    }
}

fn ident(word: &Word) -> String {
    super::name::stored_identifier(&word.value, word.quote_style.is_some())
}

/// The statement as one line of tokens: whitespace and comments gone, unquoted words (keywords and
/// identifiers alike, both case-insensitive) in lower case. Two formattings of one statement give
/// the same text.
pub fn normalized_tokens(sql: &str) -> String {
    normalized_in_pieces(sql, TOKEN_PIECE_BYTES)
}

fn normalized_in_pieces(sql: &str, piece_bytes: usize) -> String {
    let dialect = PostgreSqlDialect {};
    let mut out = String::with_capacity(sql.len());
    let mut previous_was_space = true;
    // A long statement is tokenized a piece at a time (cut where a token always ends), so its
    // tokens are never all in memory at once: a million parentheses cost the text, not 60 bytes
    // per token.
    for piece in token_pieces(sql, piece_bytes) {
        let Ok(tokens) = Tokenizer::new(&dialect, piece).tokenize() else {
            return sql.split_whitespace().collect::<Vec<_>>().join(" ");
        };
        for token in tokens.into_iter().map(plain_word) {
            let text = match &token {
                Token::Whitespace(Whitespace::Space | Whitespace::Newline | Whitespace::Tab) => {
                    if !previous_was_space {
                        out.push(' ');
                        previous_was_space = true;
                    }
                    continue;
                }
                Token::Whitespace(_) => continue,
                Token::SemiColon => continue,
                Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase(),
                other => other.to_string(),
            };
            out.push_str(&text);
            previous_was_space = false;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// How much of a statement is tokenized at once.
const TOKEN_PIECE_BYTES: usize = 8 << 10;

/// `sql` cut into pieces of about `size` bytes, each cut just after whitespace, `(`, `)` or `,`
/// outside quotes, comments and dollar bodies: a token never spans a cut, so tokenizing the pieces
/// one by one gives the tokens of the whole. A statement shorter than `size` is one piece.
fn token_pieces(sql: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut code = crate::reader::code_bytes(sql);
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= sql.len() {
            return None;
        }
        // The first code byte after which a token always ends, `size` bytes or more into the piece.
        let cut = code
            .find(|&(i, b)| i - start >= size && matches!(b, b' ' | b'\n' | b'\t' | b'\r' | b'(' | b')' | b','))
            .map_or(sql.len(), |(i, _)| i + 1);
        let piece = &sql[start..cut];
        start = cut;
        Some(piece)
    })
}

/// Reads a possibly qualified name starting at `tokens[at]`: returns it and the index after it.
fn read_name(tokens: &[Token], at: usize) -> Option<(Vec<String>, usize)> {
    let mut parts = Vec::new();
    let mut i = at;
    loop {
        match tokens.get(i) {
            Some(Token::Word(w)) => parts.push(ident(w)),
            _ => return None,
        }
        i += 1;
        if tokens.get(i) == Some(&Token::Period) {
            i += 1;
        } else {
            return Some((parts, i));
        }
    }
}

fn qualified(mut parts: Vec<String>, default_schema: &str) -> QualifiedName {
    let name = parts.pop().unwrap_or_default();
    QualifiedName { schema: parts.pop().unwrap_or_else(|| default_schema.to_string()), name }
}

fn is_word(token: Option<&Token>, keyword: Keyword) -> bool {
    matches!(token, Some(Token::Word(w)) if w.keyword == keyword && w.quote_style.is_none())
}

fn ends_with_owner_to(sql: &str) -> bool {
    let upper = sql.trim_end().trim_end_matches(';').to_uppercase();
    // The role is one name: a word, or a quoted name that may hold spaces (`"App Owner"`).
    upper.rsplit_once(" OWNER TO ").is_some_and(|(_, role)| {
        let role = role.trim();
        !role.contains(' ')
            || role.len() > 1
                && role.starts_with('"')
                && role.ends_with('"')
                && !role[1..role.len() - 1].replace("\"\"", "").contains('"')
    })
}

/// Object kinds written before the name in `ALTER <kind> … OWNER TO` and `COMMENT ON <kind> …`.
const KIND_WORDS: &[&str] = &[
    "TABLE",
    "SEQUENCE",
    "VIEW",
    "MATERIALIZED",
    "TYPE",
    "DOMAIN",
    "FUNCTION",
    "PROCEDURE",
    "AGGREGATE",
    "SCHEMA",
    "EVENT",
    "TRIGGER",
    "PUBLICATION",
    "SUBSCRIPTION",
    "COLLATION",
    "CONVERSION",
    "FOREIGN",
    "DATA",
    "WRAPPER",
    "SERVER",
    "TEXT",
    "SEARCH",
    "CONFIGURATION",
    "DICTIONARY",
    "PARSER",
    "TEMPLATE",
    "OPERATOR",
    "CLASS",
    "FAMILY",
    "LANGUAGE",
    "PROCEDURAL",
    "LARGE",
    "OBJECT",
    "STATISTICS",
    "EXTENSION",
    "INDEX",
    "COLUMN",
    "CONSTRAINT",
    "POLICY",
    "RULE",
    "ROLE",
    "DATABASE",
    "TABLESPACE",
    "ACCESS",
    "METHOD",
    "CAST",
    "TRANSFORM",
    "ROUTINE",
];

/// Kinds whose objects live in a schema, so an unqualified name gets the default schema.
fn schema_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "table"
            | "sequence"
            | "view"
            | "materialized view"
            | "type"
            | "domain"
            | "function"
            | "procedure"
            | "aggregate"
            | "index"
            | "collation"
            | "conversion"
            | "foreign table"
            | "routine"
            | "statistics"
            | "text search configuration"
            | "text search dictionary"
    )
}

/// Splits `tokens[from..]` into the kind words and the index where the object name starts.
fn read_kind(tokens: &[Token], from: usize) -> (String, usize) {
    let mut words = Vec::new();
    let mut i = from;
    while let Some(Token::Word(w)) = tokens.get(i) {
        let upper = w.value.to_uppercase();
        if w.quote_style.is_some() || !KIND_WORDS.contains(&upper.as_str()) {
            break;
        }
        // `TABLE table` or `TYPE type`: a second kind word is the name itself.
        if !words.is_empty() && matches!(tokens.get(i + 1), Some(Token::Word(_)) | None) {
            let phrase = format!("{} {upper}", words.join(" "));
            let known = [
                "MATERIALIZED VIEW",
                "EVENT TRIGGER",
                "FOREIGN TABLE",
                "TEXT SEARCH",
                "TEXT SEARCH CONFIGURATION",
                "TEXT SEARCH DICTIONARY",
                "FOREIGN DATA",
                "FOREIGN DATA WRAPPER",
                "OPERATOR CLASS",
                "OPERATOR FAMILY",
                "LARGE OBJECT",
                "PROCEDURAL LANGUAGE",
                "ACCESS METHOD",
            ];
            if !known.iter().any(|k| k.starts_with(&phrase)) {
                break;
            }
        }
        words.push(upper);
        i += 1;
    }
    (words.join(" ").to_lowercase(), i)
}

/// The object part of `ALTER … OWNER TO` / `COMMENT ON …`, as a catalog key `kind object`.
fn object_key(tokens: &[Token], kind: &str, start: usize, end: usize, default_schema: &str) -> String {
    let rest = &tokens[start..end];
    // Functions: name(args); other objects: a name, maybe followed by `ON table`.
    let name_end = rest.iter().position(|t| matches!(t, Token::LParen)).unwrap_or(rest.len());
    let name_end = rest[..name_end]
        .iter()
        .position(|t| matches!(t, Token::Word(w) if w.keyword == Keyword::ON && w.quote_style.is_none()))
        .unwrap_or(name_end);
    let object = match read_name(rest, 0) {
        _ if kind == "operator" => match operator_name(rest, 0, default_schema) {
            Some((name, _)) => name,
            None => join_tokens(&rest[..name_end]).to_lowercase(),
        },
        Some((parts, consumed)) if consumed == name_end => {
            if kind == "column" && parts.len() == 2 {
                format!("{default_schema}.{}.{}", parts[0], parts[1])
            } else if schema_scoped(kind) {
                qualified(parts, default_schema).to_string()
            } else {
                parts.join(".")
            }
        }
        _ => join_tokens(&rest[..name_end]).to_lowercase(),
    };
    // Function arguments: type names and argument names are case-insensitive unless quoted.
    let tail = lower_unquoted(&rest[name_end..]);
    let tail = match rest.get(name_end) {
        // `ON table`: qualify the table.
        Some(Token::Word(w)) if w.keyword == Keyword::ON => match read_name(rest, name_end + 1) {
            Some((parts, _)) => format!(" on {}", qualified(parts, default_schema)),
            None => format!(" {tail}"),
        },
        Some(Token::LParen) if by_identity(kind) && tail.ends_with(')') => {
            format!("({})", identity_arguments(&tail[1..tail.len() - 1]))
        }
        Some(_) => tail,
        None => String::new(),
    };
    format!("{kind} {object}{tail}")
}

/// Kinds PostgreSQL identifies by name and argument types (see [`identity_arguments`]).
/// Aggregates keep their argument text: `ORDER BY` inside it is not an argument name.
fn by_identity(kind: &str) -> bool {
    matches!(kind, "function" | "procedure" | "routine")
}

fn join_tokens(tokens: &[Token]) -> String {
    let mut out = String::new();
    let mut previous: Option<&Token> = None;
    for token in tokens {
        let text = match token {
            Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase(),
            other => other.to_string(),
        };
        let tight = matches!(
            (previous, token),
            (None, _)
                | (_, Token::RParen | Token::Comma | Token::Period | Token::DoubleColon | Token::RBracket)
                | (Some(Token::LParen | Token::Period | Token::DoubleColon | Token::LBracket), _)
                | (Some(Token::Word(_) | Token::RParen), Token::LParen)
                | (Some(Token::Word(_) | Token::RBracket | Token::RParen), Token::LBracket)
        );
        if !tight {
            out.push(' ');
        }
        out.push_str(&text);
        previous = Some(token);
    }
    out
}

fn lower_unquoted(tokens: &[Token]) -> String {
    let lowered: Vec<Token> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::SemiColon | Token::EOF))
        .map(|t| match t {
            Token::Word(w) if w.quote_style.is_none() => {
                Token::Word(Word { value: w.value.to_lowercase(), quote_style: None, keyword: Keyword::NoKeyword })
            }
            other => other.clone(),
        })
        .collect();
    join_tokens(&lowered)
}

fn owner(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some(owner_at) = tokens.iter().rposition(|t| matches!(t, Token::Word(w) if w.keyword == Keyword::OWNER)) else {
        return Recognized::No;
    };
    let owner = match tokens.get(owner_at + 2) {
        Some(Token::Word(w)) => ident(w),
        _ => return Recognized::No,
    };
    let (kind, start) = read_kind(&tokens, 1);
    let start = if is_word(tokens.get(start), Keyword::ONLY) { start + 1 } else { start };
    let object = object_key(&tokens, &kind, start, owner_at, default_schema);
    Recognized::Fact(Fact::Owner { object, owner })
}

fn sequence_owned_by(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some((sequence, after)) = read_name(&tokens, 2) else { return Recognized::No };
    if !(is_word(tokens.get(after), Keyword::OWNED) && is_word(tokens.get(after + 1), Keyword::BY)) {
        return Recognized::No;
    }
    let Some((column, _)) = read_name(&tokens, after + 2) else { return Recognized::No };
    let column = match column.as_slice() {
        [table, column] => format!("{default_schema}.{table}.{column}"),
        _ => column.join("."),
    };
    Recognized::Fact(Fact::SequenceOwnedBy { sequence: qualified(sequence, default_schema), column })
}

fn index_attach(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some((parent, after)) = read_name(&tokens, 2) else { return Recognized::No };
    // `ALTER INDEX i ALTER [COLUMN] n SET STATISTICS m`
    if is_word(tokens.get(after), Keyword::ALTER) {
        let at = after + 1 + usize::from(is_word(tokens.get(after + 1), Keyword::COLUMN));
        let number = |t: Option<&Token>| match t {
            Some(Token::Number(n, _)) => Some(n.clone()),
            _ => None,
        };
        let target = match (tokens.get(at + 3), tokens.get(at + 4)) {
            (Some(Token::Minus), t) => number(t).map(|n| format!("-{n}")),
            (t, _) => number(t),
        };
        if let (Some(column), true, true, Some(target)) = (
            number(tokens.get(at)),
            is_word(tokens.get(at + 1), Keyword::SET),
            is_word(tokens.get(at + 2), Keyword::STATISTICS),
            target,
        ) {
            return Recognized::Fact(Fact::IndexStatistics {
                index: qualified(parent, default_schema),
                column,
                target,
            });
        }
        return Recognized::No;
    }
    if !(is_word(tokens.get(after), Keyword::ATTACH) && is_word(tokens.get(after + 1), Keyword::PARTITION)) {
        return Recognized::No;
    }
    let Some((child, _)) = read_name(&tokens, after + 2) else { return Recognized::No };
    Recognized::Fact(Fact::IndexAttached {
        parent: qualified(parent, default_schema),
        child: qualified(child, default_schema),
    })
}

/// `ALTER TABLE [ONLY] t ALTER COLUMN c ADD GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY (SEQUENCE NAME s …)`.
fn identity(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let mut i = 2;
    if is_word(tokens.get(i), Keyword::ONLY) {
        i += 1;
    }
    let Some((table, after)) = read_name(&tokens, i) else { return Recognized::No };
    let mut i = after;
    if !is_word(tokens.get(i), Keyword::ALTER) {
        return Recognized::No;
    }
    i += 1;
    if is_word(tokens.get(i), Keyword::COLUMN) {
        i += 1;
    }
    let column = match tokens.get(i) {
        Some(Token::Word(w)) => ident(w),
        _ => return Recognized::No,
    };
    if !(is_word(tokens.get(i + 1), Keyword::ADD) && is_word(tokens.get(i + 2), Keyword::GENERATED)) {
        return Recognized::No;
    }
    let kind = if is_word(tokens.get(i + 3), Keyword::ALWAYS) { "ALWAYS" } else { "BY DEFAULT" };
    let mut sequence = None;
    if let Some(open) = tokens.iter().position(|t| *t == Token::LParen) {
        // The last `)` after the `(`: one before it (a damaged statement) must not end the slice.
        let close = tokens[open..].iter().rposition(|t| *t == Token::RParen).map_or(tokens.len(), |at| open + at);
        let inner = &tokens[open + 1..close];
        if is_word(inner.first(), Keyword::SEQUENCE) && is_word(inner.get(1), Keyword::NAME) {
            if let Some((name, after)) = read_name(inner, 2) {
                let options = split_sequence_options(&inner[after..]);
                sequence = Some((qualified(name, default_schema), options));
            }
        }
    }
    Recognized::Fact(Fact::Identity { table: qualified(table, default_schema), column, kind: kind.into(), sequence })
}

/// A table setting pg_dump writes as its own `ALTER TABLE` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TableSetting {
    ClusterOn(String),
    Statistics {
        column: String,
        target: String,
    },
    /// `SET STORAGE plain|external|extended|main`, lower case.
    Storage {
        column: String,
        storage: String,
    },
    /// `SET COMPRESSION pglz|lz4`, lower case.
    Compression {
        column: String,
        method: String,
    },
    /// `ALTER COLUMN c SET (n_distinct=100, …)`: the column's options, each `name=value` as
    /// normalized tokens.
    Options {
        column: String,
        options: Vec<String>,
    },
}

fn is_table_setting(sql: &str) -> bool {
    let upper = sql.to_uppercase();
    upper.contains(" CLUSTER ON ")
        || upper.contains(" SET STATISTICS ")
        || upper.contains(" SET STORAGE ")
        || upper.contains(" SET COMPRESSION ")
        || (upper.contains(" ALTER COLUMN ") && upper.contains(" SET ("))
}

/// `ALTER TABLE [ONLY] t CLUSTER ON i` and `ALTER TABLE [ONLY] t ALTER [COLUMN] c SET STATISTICS n`.
fn table_setting(sql: &str, default_schema: &str) -> Recognized {
    let tokens: Vec<Token> = tokens(sql).into_iter().filter(|t| !matches!(t, Token::Whitespace(_))).collect();
    let mut i = 2;
    if is_word(tokens.get(i), Keyword::ONLY) {
        i += 1;
    }
    let Some((table, after)) = read_name(&tokens, i) else { return Recognized::No };
    let table = qualified(table, default_schema);
    let rest = &tokens[after..];
    let end = |at: usize| rest[at..].iter().all(|t| matches!(t, Token::SemiColon | Token::EOF));
    let setting = if is_word(rest.first(), Keyword::CLUSTER) && is_word(rest.get(1), Keyword::ON) {
        match rest.get(2) {
            Some(Token::Word(w)) if end(3) => TableSetting::ClusterOn(ident(w)),
            _ => return Recognized::No,
        }
    } else if is_word(rest.first(), Keyword::ALTER) {
        let at = if is_word(rest.get(1), Keyword::COLUMN) { 2 } else { 1 };
        if let (Some(Token::Word(column)), true, true, Some(Token::Word(storage))) = (
            rest.get(at),
            is_word(rest.get(at + 1), Keyword::SET),
            is_word(rest.get(at + 2), Keyword::STORAGE),
            rest.get(at + 3),
        ) {
            let storage = storage.value.to_lowercase();
            if !end(at + 4) || !["plain", "external", "extended", "main"].contains(&storage.as_str()) {
                return Recognized::No;
            }
            return Recognized::Fact(Fact::TableSetting {
                table,
                setting: TableSetting::Storage { column: ident(column), storage },
            });
        }
        if let (Some(Token::Word(column)), true, true, Some(Token::Word(method))) = (
            rest.get(at),
            is_word(rest.get(at + 1), Keyword::SET),
            is_word(rest.get(at + 2), Keyword::COMPRESSION),
            rest.get(at + 3),
        ) {
            if !end(at + 4) {
                return Recognized::No;
            }
            return Recognized::Fact(Fact::TableSetting {
                table,
                setting: TableSetting::Compression { column: ident(column), method: method.value.to_lowercase() },
            });
        }
        if let (Some(Token::Word(column)), true, Some(Token::LParen)) =
            (rest.get(at), is_word(rest.get(at + 1), Keyword::SET), rest.get(at + 2))
        {
            let Some((items, after)) = parenthesized_list(rest, at + 2) else { return Recognized::No };
            if !end(after) || items.iter().any(|item| item.is_empty()) {
                return Recognized::No;
            }
            let mut options: Vec<String> = items.iter().map(|item| storage_parameter(item)).collect();
            options.sort();
            return Recognized::Fact(Fact::TableSetting {
                table,
                setting: TableSetting::Options { column: ident(column), options },
            });
        }
        let (Some(Token::Word(column)), true, true) =
            (rest.get(at), is_word(rest.get(at + 1), Keyword::SET), is_word(rest.get(at + 2), Keyword::STATISTICS))
        else {
            return Recognized::No;
        };
        let (sign, number) = match (rest.get(at + 3), rest.get(at + 4)) {
            (Some(Token::Minus), Some(Token::Number(n, _))) => ("-", n),
            (Some(Token::Number(n, _)), _) => ("", n),
            _ => return Recognized::No,
        };
        let next = at + if sign.is_empty() { 4 } else { 5 };
        if !end(next) {
            return Recognized::No;
        }
        TableSetting::Statistics { column: ident(column), target: format!("{sign}{number}") }
    } else {
        return Recognized::No;
    };
    Recognized::Fact(Fact::TableSetting { table, setting })
}

/// `START WITH 1 INCREMENT BY 1 NO MINVALUE …` → one string per option.
fn split_sequence_options(tokens: &[Token]) -> Vec<String> {
    const STARTS: &[&str] = &["START", "INCREMENT", "MINVALUE", "MAXVALUE", "NO", "CACHE", "CYCLE", "AS", "OWNED"];
    let mut options: Vec<Vec<Token>> = Vec::new();
    let mut after_no = false;
    for token in tokens {
        let is_start = matches!(token, Token::Word(w) if w.quote_style.is_none()
            && STARTS.contains(&w.value.to_uppercase().as_str()));
        match options.last_mut() {
            Some(last) if !is_start || after_no => last.push(token.clone()),
            _ => options.push(vec![token.clone()]),
        }
        after_no = matches!(token, Token::Word(w) if w.value.eq_ignore_ascii_case("NO"));
    }
    options.iter().map(|o| join_tokens(o)).collect()
}

fn comment(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some(is_at) = tokens.iter().rposition(|t| matches!(t, Token::Word(w) if w.keyword == Keyword::IS)) else {
        return Recognized::No;
    };
    let text = match tokens.get(is_at + 1) {
        Some(Token::SingleQuotedString(s)) | Some(Token::EscapedStringLiteral(s)) => Some(s.clone()),
        Some(Token::DollarQuotedString(s)) => Some(s.value.clone()),
        Some(Token::Word(w)) if w.keyword == Keyword::NULL => None,
        _ => return Recognized::No,
    };
    let (kind, start) = read_kind(&tokens, 2);
    let object = object_key(&tokens, &kind, start, is_at, default_schema);
    Recognized::Fact(Fact::Comment { object, text })
}

/// `CREATE [CONSTRAINT] TRIGGER name … ON table …`: kept as normalized text.
fn trigger(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some(trigger_at) = tokens.iter().position(|t| is_word(Some(t), Keyword::TRIGGER)) else {
        return Recognized::No;
    };
    let name = match tokens.get(trigger_at + 1) {
        Some(Token::Word(w)) => ident(w),
        _ => return Recognized::No,
    };
    let Some(on_at) = tokens.iter().skip(trigger_at + 2).position(|t| is_word(Some(t), Keyword::ON)) else {
        return Recognized::No;
    };
    let Some((table, _)) = read_name(&tokens, trigger_at + 2 + on_at + 1) else { return Recognized::No };
    Recognized::Fact(Fact::Trigger {
        table: qualified(table, default_schema),
        name,
        definition: normalized_tokens(sql),
    })
}

/// `CREATE [UNIQUE] INDEX name ON [ONLY] table [USING method] (keys) [INCLUDE (…)]
/// [NULLS [NOT] DISTINCT] [WITH (…)] [WHERE predicate]`, the one form pg_dump writes.
///
/// Read from tokens because sqlparser rejects operator-class parameters (`gist_trgm_ops (siglen='64')`)
/// and `ON ONLY`.
fn index(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let mut i = 1;
    let unique = is_word(tokens.get(i), Keyword::UNIQUE);
    if unique {
        i += 1;
    }
    if !is_word(tokens.get(i), Keyword::INDEX) {
        return Recognized::No;
    }
    i += 1;
    if is_word(tokens.get(i), Keyword::CONCURRENTLY) {
        i += 1;
    }
    if is_word(tokens.get(i), Keyword::IF) {
        i += 3; // IF NOT EXISTS
    }
    let Some((name, after)) = read_name(&tokens, i) else { return Recognized::No };
    let mut i = after;
    if !is_word(tokens.get(i), Keyword::ON) {
        return Recognized::No;
    }
    i += 1;
    let only = is_word(tokens.get(i), Keyword::ONLY);
    if only {
        i += 1;
    }
    let Some((table, after)) = read_name(&tokens, i) else { return Recognized::No };
    let table = qualified(table, default_schema);
    let mut i = after;
    let mut method = "btree".to_string();
    if is_word(tokens.get(i), Keyword::USING) {
        match tokens.get(i + 1) {
            Some(Token::Word(w)) => method = ident(w),
            _ => return Recognized::No,
        }
        i += 2;
    }
    let Some((keys, after)) = parenthesized_list(&tokens, i) else { return Recognized::No };
    let mut index = super::Index {
        table: table.clone(),
        unique,
        method,
        keys: keys.iter().map(|k| lower_unquoted(k)).collect(),
        ..super::Index::default()
    };
    let mut i = after;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Word(w) if w.keyword == Keyword::INCLUDE => {
                let Some((columns, after)) = parenthesized_list(&tokens, i + 1) else { return Recognized::No };
                index.include = columns.iter().map(|c| lower_unquoted(c)).collect();
                i = after;
            }
            Token::Word(w) if w.keyword == Keyword::NULLS => {
                index.nulls_not_distinct = is_word(tokens.get(i + 1), Keyword::NOT);
                i += if index.nulls_not_distinct { 3 } else { 2 };
            }
            Token::Word(w) if w.keyword == Keyword::WITH => {
                let Some((parameters, after)) = parenthesized_list(&tokens, i + 1) else { return Recognized::No };
                index.parameters = parameters.iter().map(|p| storage_parameter(p)).collect();
                index.parameters.sort();
                i = after;
            }
            Token::Word(w) if w.keyword == Keyword::WHERE => {
                index.predicate = Some(lower_unquoted(&tokens[i + 1..]));
                break;
            }
            Token::Word(w) if w.keyword == Keyword::TABLESPACE => i += 2,
            Token::SemiColon | Token::EOF => break,
            _ => return Recognized::No,
        }
    }
    // An index lives in its table's schema.
    let name = QualifiedName { schema: table.schema, name: name.last().cloned().unwrap_or_default() };
    Recognized::Fact(Fact::Index { name, index: Box::new(index), only })
}

/// `name=value` with the value's quotes removed: `m='16'` and `m = 16` are the same parameter.
fn storage_parameter(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Token::SingleQuotedString(s) => s.clone(),
            Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase(),
            other => other.to_string(),
        })
        .collect()
}

/// The comma-separated items of the parenthesized list opening at `tokens[open]`, and the index
/// after its closing parenthesis. Nested parentheses stay inside their item.
fn parenthesized_list(tokens: &[Token], open: usize) -> Option<(Vec<Vec<Token>>, usize)> {
    if tokens.get(open) != Some(&Token::LParen) {
        return None;
    }
    let mut items = vec![Vec::new()];
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open + 1) {
        match token {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => return Some((items, i + 1)),
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                items.push(Vec::new());
                continue;
            }
            _ => {}
        }
        items.last_mut()?.push(token.clone());
    }
    None
}

/// First words of `CREATE <kind>` statements kept as other objects by their definition.
const OTHER_KINDS: &[&str] = &[
    "COLLATION",
    "CONVERSION",
    "CAST",
    "OPERATOR",
    "TEXT",
    "FOREIGN",
    "SERVER",
    "USER",
    "SUBSCRIPTION",
    "STATISTICS",
    "ACCESS",
    "LANGUAGE",
    "TRANSFORM",
    "TRUSTED",
    "PROCEDURAL",
    "DEFAULT",
];

/// The statement without its trailing `words` (and `;`), when it ends with them.
fn strip_suffix_words(sql: &str, words: &[&str]) -> Option<String> {
    let mut rest = sql.trim_end().trim_end_matches(';').trim_end();
    for word in words.iter().rev() {
        let at = rest.len().checked_sub(word.len())?;
        if !rest.is_char_boundary(at) || !rest[at..].eq_ignore_ascii_case(word) {
            return None;
        }
        rest = rest[..at].trim_end();
    }
    Some(rest.to_string())
}

/// `CREATE DOMAIN … [COLLATE c] … [[CONSTRAINT n] NOT NULL] …`: sqlparser rejects NOT NULL on
/// domains and a qualified collation; both are taken out (as words of the statement itself, never
/// inside a CHECK's parentheses or a quote) and recorded.
fn domain(sql: &str) -> Recognized {
    let words = top_level_words(sql);
    let upper = |i: usize| words.get(i).map(|&(a, b)| sql[a..b].to_ascii_uppercase()).unwrap_or_default();
    let clause = |w: &str| ["DEFAULT", "CONSTRAINT", "NOT", "NULL", "CHECK", "COLLATE"].contains(&w);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut collation = None;
    if let Some(at) = (0..words.len()).find(|&i| clause(&upper(i))).filter(|&i| upper(i) == "COLLATE") {
        let start = words[at].1;
        let end = (at + 1..words.len()).find(|&i| clause(&upper(i))).map_or(sql.len(), |i| words[i].0);
        let name = sql[start..end].trim().trim_end_matches(';').trim();
        if name.is_empty() {
            return Recognized::No;
        }
        collation = Some(name.to_string());
        cuts.push((words[at].0, start + sql[start..end].trim_end().trim_end_matches(';').trim_end().len()));
    }
    let not_null = (0..words.len()).find(|&i| upper(i) == "NOT" && upper(i + 1) == "NULL");
    if let Some(at) = not_null {
        let from = if at >= 2 && upper(at - 2) == "CONSTRAINT" { at - 2 } else { at };
        cuts.push((words[from].0, words[at + 1].1));
    }
    if cuts.is_empty() {
        return Recognized::No;
    }
    let mut out = sql.to_string();
    cuts.sort();
    for (from, to) in cuts.into_iter().rev() {
        out.replace_range(from..to, "");
    }
    Recognized::Reparse { sql: out, adjust: Adjust::Domain { not_null: not_null.is_some(), collation } }
}

/// `ALTER DOMAIN d ADD CONSTRAINT c CHECK (…) [NOT VALID]`.
fn domain_constraint(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some((name, after)) = read_name(&tokens, 2) else { return Recognized::No };
    if !(is_word(tokens.get(after), Keyword::ADD) && is_word(tokens.get(after + 1), Keyword::CONSTRAINT)) {
        return Recognized::No;
    }
    let upper = sql.to_uppercase();
    let Some(at) = upper.find(" ADD ") else { return Recognized::No };
    Recognized::Fact(Fact::DomainCheck {
        domain: qualified(name, default_schema),
        check: normalized_tokens(sql[at + " ADD ".len()..].trim().trim_end_matches(';')),
    })
}

/// `… ON DELETE SET NULL (a, b)` / `SET DEFAULT (a)`: the column list is taken out for sqlparser
/// and kept.
fn delete_set_columns(sql: &str) -> Recognized {
    let words = top_level_words(sql);
    let upper = |i: usize| words.get(i).map(|&(a, b)| sql[a..b].to_ascii_uppercase()).unwrap_or_default();
    let Some(at) = (0..words.len()).find(|&i| {
        upper(i) == "ON"
            && upper(i + 1) == "DELETE"
            && upper(i + 2) == "SET"
            && ["NULL", "DEFAULT"].contains(&upper(i + 3).as_str())
    }) else {
        return Recognized::No;
    };
    let after = words[at + 3].1;
    let rest = &sql[after..];
    let open = after + (rest.len() - rest.trim_start().len());
    if !sql[open..].starts_with('(') {
        return Recognized::No;
    }
    let Some(close) = sql[open..].find(')').map(|c| open + c) else { return Recognized::No };
    let columns = normalized_tokens(&sql[open..=close]);
    Recognized::Reparse {
        sql: format!("{}{}", &sql[..after], &sql[close + 1..]),
        adjust: Adjust::DeleteSetColumns(columns),
    }
}

/// The words of a statement outside parentheses, quotes, comments and dollar bodies, as byte
/// ranges in order.
fn top_level_words(sql: &str) -> Vec<(usize, usize)> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut last: Option<usize> = None;
    for (i, b) in crate::reader::code_bytes(sql) {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b if depth == 0 && (b.is_ascii_alphanumeric() || b == b'_') => match words.last_mut() {
                Some(word) if last == Some(i.wrapping_sub(1)) && word.1 == i => word.1 = i + 1,
                _ => words.push((i, i + 1)),
            },
            _ => {}
        }
        last = Some(i);
    }
    words
}

/// `CREATE [UNLOGGED] TABLE name OF type [(items)] [rest]` → `CREATE [UNLOGGED] TABLE name
/// (items) [rest]`, each column item given the placeholder type (`Adjust::OfType`).
fn typed_table(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some(at) = tokens.iter().position(|t| is_word(Some(t), Keyword::TABLE)) else { return Recognized::No };
    let Some((_, after_name)) = read_name(&tokens, at + 1) else { return Recognized::No };
    if !is_word(tokens.get(after_name), Keyword::OF) {
        return Recognized::No;
    }
    let Some((type_name, after_type)) = read_name(&tokens, after_name + 1) else { return Recognized::No };
    let (items, rest) = if tokens.get(after_type) == Some(&Token::LParen) {
        match parenthesized_list(&tokens, after_type) {
            Some((items, end)) => (items, end),
            None => return Recognized::No,
        }
    } else {
        (Vec::new(), after_type)
    };
    const CONSTRAINTS: &[Keyword] =
        &[Keyword::CONSTRAINT, Keyword::PRIMARY, Keyword::UNIQUE, Keyword::CHECK, Keyword::FOREIGN, Keyword::EXCLUDE];
    let items: Vec<String> = items
        .iter()
        .filter(|item| !item.is_empty())
        .map(|item| {
            let is_constraint = matches!(&item[0], Token::Word(w) if CONSTRAINTS.contains(&w.keyword));
            if is_constraint {
                return join_tokens(item);
            }
            let mut options = &item[1..];
            if is_word(options.first(), Keyword::WITH) && is_word(options.get(1), Keyword::OPTIONS) {
                options = &options[2..];
            }
            format!("{} unknown {}", join_tokens(&item[..1]), join_tokens(options))
        })
        .collect();
    let head = join_tokens(&tokens[..after_name]);
    let tail = join_tokens(&tokens[rest.min(tokens.len())..]);
    Recognized::Reparse {
        sql: format!("{head} ({}) {tail}", items.join(", ")),
        adjust: Adjust::OfType(qualified(type_name, default_schema)),
    }
}

/// PostgreSQL 18 virtual generated columns: `GENERATED ALWAYS AS (expr) VIRTUAL` is read as STORED
/// by sqlparser, and the columns are marked virtual afterwards.
fn virtual_columns(sql: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some(open) = tokens.iter().position(|t| *t == Token::LParen) else { return Recognized::No };
    let Some((items, _)) = parenthesized_list(&tokens, open) else { return Recognized::No };
    let columns: Vec<String> = items
        .iter()
        .filter(|item| {
            item.windows(2).any(|w| matches!((&w[0], &w[1]), (Token::RParen, Token::Word(v)) if v.value.eq_ignore_ascii_case("VIRTUAL")))
        })
        .filter_map(|item| match item.first() {
            Some(Token::Word(w)) => Some(ident(w)),
            _ => None,
        })
        .collect();
    if columns.is_empty() {
        return Recognized::No;
    }
    // Only the VIRTUAL that follows a generation expression's `)` is rewritten.
    let mut out = String::with_capacity(sql.len());
    let dialect = PostgreSqlDialect {};
    let Ok(raw) = Tokenizer::new(&dialect, sql).tokenize() else { return Recognized::No };
    let mut previous_significant: Option<Token> = None;
    for token in raw {
        match &token {
            Token::Word(w)
                if w.value.eq_ignore_ascii_case("VIRTUAL") && previous_significant == Some(Token::RParen) =>
            {
                out.push_str("STORED")
            }
            other => out.push_str(&other.to_string()),
        }
        if !matches!(token, Token::Whitespace(_)) {
            previous_significant = Some(token);
        }
    }
    Recognized::Reparse { sql: out, adjust: Adjust::VirtualColumns(columns) }
}

/// `CREATE [OR REPLACE] PROCEDURE|FUNCTION name(args) …` read from tokens (sqlparser rejects
/// procedures with dollar-quoted bodies).
fn routine(sql: &str, default_schema: &str, kind: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some(at) = tokens.iter().position(|t| matches!(t, Token::Word(w) if w.value.eq_ignore_ascii_case(kind))) else {
        return Recognized::No;
    };
    let Some((name, after)) = read_name(&tokens, at + 1) else { return Recognized::No };
    let Some((arguments, _)) = parenthesized_list(&tokens, after) else { return Recognized::No };
    let arguments =
        arguments.iter().filter(|a| !a.is_empty()).map(|a| lower_unquoted(a)).collect::<Vec<_>>().join(", ");
    Recognized::Fact(Fact::Function {
        name: qualified(name, default_schema),
        kind: kind.to_string(),
        arguments,
        definition: normalized_tokens(sql),
    })
}

/// `CREATE [OR REPLACE] RULE name AS ON event TO table …`.
fn rule(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some(at) = tokens.iter().position(|t| is_word(Some(t), Keyword::RULE)) else { return Recognized::No };
    let name = match tokens.get(at + 1) {
        Some(Token::Word(w)) => ident(w),
        _ => return Recognized::No,
    };
    let Some(to) = tokens.iter().position(|t| is_word(Some(t), Keyword::TO)) else { return Recognized::No };
    let Some((table, _)) = read_name(&tokens, to + 1) else { return Recognized::No };
    let table = qualified(table, default_schema);
    Recognized::Fact(Fact::Other { key: format!("rule {name} on {table}"), definition: normalized_tokens(sql) })
}

/// Other `CREATE <kind> name …` statements, kept by their normalized definition.
fn other_object(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let (kind, start) = read_kind(&tokens, 1);
    if kind.is_empty() {
        return Recognized::No;
    }
    // `CREATE OPERATOR schema.=== (LEFTARG = a, RIGHTARG = b, …)`: known, as PostgreSQL knows it,
    // by its name and argument types, `operator schema.===(a, b)` (how `ALTER OPERATOR` names it).
    // `CREATE OPERATOR CLASS|FAMILY name [FOR TYPE t] USING method`: known by name and method, as
    // `ALTER OPERATOR CLASS … OWNER TO` and `DROP OPERATOR CLASS … USING` name it.
    if kind == "operator class" || kind == "operator family" {
        let Some((parts, _)) = read_name(&tokens, start) else { return Recognized::No };
        let method =
            tokens.iter().position(|t| is_word(Some(t), Keyword::USING)).and_then(|at| match tokens.get(at + 1) {
                Some(Token::Word(w)) => Some(ident(w)),
                _ => None,
            });
        let name = qualified(parts, default_schema);
        let key = match method {
            Some(method) => format!("{kind} {name} using {method}"),
            None => format!("{kind} {name}"),
        };
        return Recognized::Fact(Fact::Other { key, definition: normalized_tokens(sql) });
    }
    if kind == "operator" {
        let Some((name, after)) = operator_name(&tokens, start, default_schema) else { return Recognized::No };
        let argument = |word: &str| operator_argument(&tokens[after..], word).unwrap_or_else(|| "none".into());
        let key = format!("operator {name}({}, {})", argument("leftarg"), argument("rightarg"));
        return Recognized::Fact(Fact::Other { key, definition: normalized_tokens(sql) });
    }
    let name = match read_name(&tokens, start) {
        Some((parts, _)) if schema_scoped(&kind) => qualified(parts, default_schema).to_string(),
        Some((parts, _)) => parts.join("."),
        // `CREATE CAST (a AS b) …`: the parenthesized pair, whole.
        None if matches!(tokens.get(start), Some(Token::LParen)) => match parenthesized_list(&tokens, start) {
            Some((_, after)) => lower_unquoted(&tokens[start..after]),
            None => join_tokens(&tokens[start..tokens.len().min(start + 6)]),
        },
        None => join_tokens(&tokens[start..tokens.len().min(start + 6)]),
    };
    Recognized::Fact(Fact::Other { key: format!("{kind} {name}"), definition: normalized_tokens(sql) })
}

/// `CREATE FUNCTION … COST 5 ROWS 10 LEAKPROOF SUPPORT f …`: the statement without those options
/// (outside its body), to be parsed, and the options. `No` when it has none.
fn function_extras(sql: &str) -> Recognized {
    let dialect = PostgreSqlDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, sql).tokenize() else { return Recognized::No };
    let word =
        |t: Option<&Token>, k: Keyword| matches!(t, Some(Token::Word(w)) if w.keyword == k && w.quote_style.is_none());
    // The next token that is not whitespace, from `at`.
    let next = |at: usize| (at..tokens.len()).find(|&i| !matches!(tokens[i], Token::Whitespace(_)));
    let (mut kept, mut extras) = (String::with_capacity(sql.len()), Vec::new());
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        let after = next(i + 1);
        let value = after.map(|a| &tokens[a]);
        let taken = if word(Some(token), Keyword::COST)
            || matches!(token, Token::Word(w) if w.value.eq_ignore_ascii_case("rows") && w.quote_style.is_none())
        {
            match (value, after) {
                (Some(Token::Number(n, _)), Some(a)) => {
                    Some((format!("{} {n}", token.to_string().to_lowercase()), a + 1))
                }
                _ => None,
            }
        } else if matches!(token, Token::Word(w) if w.value.eq_ignore_ascii_case("leakproof") && w.quote_style.is_none())
        {
            Some(("leakproof".to_string(), i + 1))
        } else if word(Some(token), Keyword::NOT)
            && matches!(value, Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("leakproof"))
        {
            after.map(|a| ("not leakproof".to_string(), a + 1))
        } else if matches!(token, Token::Word(w) if w.value.eq_ignore_ascii_case("support") && w.quote_style.is_none())
        {
            // SUPPORT [schema.]name
            let mut end = after.unwrap_or(tokens.len());
            let mut name = String::new();
            while let Some(Token::Word(w)) = tokens.get(end) {
                name.push_str(&Token::Word(w.clone()).to_string());
                end += 1;
                if tokens.get(end) == Some(&Token::Period) {
                    name.push('.');
                    end += 1;
                } else {
                    break;
                }
            }
            (!name.is_empty()).then(|| (format!("support {}", name.to_lowercase()), end))
        } else {
            None
        };
        match taken {
            Some((extra, end)) => {
                extras.push(extra);
                i = end;
            }
            None => {
                kept.push_str(&token.to_string());
                i += 1;
            }
        }
    }
    if extras.is_empty() {
        return Recognized::No;
    }
    Recognized::Reparse { sql: kept, adjust: Adjust::FunctionExtras(extras) }
}

/// `ALTER TABLE [ONLY] t ENABLE [REPLICA | ALWAYS] | DISABLE RULE r`: part of the rule's definition,
/// as pg_dump writes it right after the rule.
fn rule_enabled(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let mut i = 2;
    if is_word(tokens.get(i), Keyword::ONLY) {
        i += 1;
    }
    let Some((table, after)) = read_name(&tokens, i) else { return Recognized::No };
    let rest = &tokens[after..];
    let Some(at) = rest.iter().position(|t| is_word(Some(t), Keyword::RULE)) else { return Recognized::No };
    let toggles = rest[..at].iter().all(|t| {
        [Keyword::ENABLE, Keyword::DISABLE, Keyword::REPLICA, Keyword::ALWAYS].iter().any(|k| is_word(Some(t), *k))
    });
    let (true, Some(Token::Word(rule))) = (toggles && at > 0, rest.get(at + 1)) else { return Recognized::No };
    if !rest[at + 2..].iter().all(|t| matches!(t, Token::SemiColon | Token::EOF)) {
        return Recognized::No;
    }
    Recognized::Fact(Fact::OtherAltered {
        key: format!("rule {} on {}", ident(rule), qualified(table, default_schema)),
        change: normalized_tokens(sql),
    })
}

/// `ALTER TEXT SEARCH CONFIGURATION c ADD|ALTER MAPPING …`, which pg_dump writes after the
/// configuration for each of its mappings: part of the configuration's definition.
fn configuration_mapping(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let (kind, start) = read_kind(&tokens, 1);
    let upper = sql.to_uppercase();
    let understood = match kind.as_str() {
        "text search configuration" => true,
        // A foreign table's column options, which pg_dump writes after the table.
        "foreign table" => upper.contains(" ALTER COLUMN ") && upper.contains(" OPTIONS "),
        _ => false,
    };
    if !understood {
        return Recognized::No;
    }
    let Some((name, _)) = read_name(&tokens, start) else { return Recognized::No };
    Recognized::Fact(Fact::OtherAltered {
        key: format!("{kind} {}", qualified(name, default_schema)),
        change: normalized_tokens(sql),
    })
}

/// An operator's name at `tokens[at]`, `[schema.]chars` (the characters as one name, however the
/// tokenizer cut them), qualified; and the index after it.
fn operator_name(tokens: &[Token], at: usize, default_schema: &str) -> Option<(String, usize)> {
    let (schema, mut i) = match (tokens.get(at), tokens.get(at + 1)) {
        (Some(Token::Word(w)), Some(Token::Period)) => (ident(w), at + 2),
        _ => (default_schema.to_string(), at),
    };
    let mut name = String::new();
    while let Some(token) = tokens.get(i) {
        if matches!(token, Token::LParen | Token::Word(_) | Token::EOF | Token::SemiColon) {
            break;
        }
        name.push_str(&token.to_string());
        i += 1;
    }
    (!name.is_empty()).then(|| (format!("{schema}.{name}"), i))
}

/// The type after `word =` in an operator's parenthesized options (`LEFTARG = integer`), as
/// `ALTER OPERATOR` writes argument types.
fn operator_argument(tokens: &[Token], word: &str) -> Option<String> {
    let at = tokens.iter().position(|t| matches!(t, Token::Word(w) if w.value.eq_ignore_ascii_case(word)))?;
    if !matches!(tokens.get(at + 1), Some(Token::Eq)) {
        return None;
    }
    let mut depth = 0usize;
    let end = tokens[at + 2..]
        .iter()
        .position(|t| match t {
            Token::LParen | Token::LBracket => {
                depth += 1;
                false
            }
            Token::RParen | Token::RBracket if depth > 0 => {
                depth -= 1;
                false
            }
            Token::Comma | Token::RParen => depth == 0,
            _ => false,
        })
        .map_or(tokens.len(), |e| at + 2 + e);
    Some(lower_unquoted(&tokens[at + 2..end]))
}

/// `CREATE USER MAPPING FOR role SERVER server [OPTIONS (…)]`: kept by its definition under the key
/// `user mapping for role server server`, which is also how `DROP USER MAPPING` names it.
fn user_mapping(sql: &str) -> Recognized {
    let tokens: Vec<Token> = tokens(sql).into_iter().filter(|t| !matches!(t, Token::Whitespace(_))).collect();
    let word = |at: usize| match tokens.get(at) {
        Some(Token::Word(w)) => Some(w),
        _ => None,
    };
    let (Some(role), Some(server)) = (word(4), word(6)) else { return Recognized::No };
    if !is_word(tokens.get(3), Keyword::FOR) || !is_word(tokens.get(5), Keyword::SERVER) {
        return Recognized::No;
    }
    let name = |w: &Word| if w.quote_style.is_some() { crate::sql::ident(&w.value) } else { w.value.to_lowercase() };
    Recognized::Fact(Fact::Other {
        key: format!("user mapping for {} server {}", name(role), name(server)),
        definition: normalized_tokens(sql),
    })
}

/// `DROP <kind> [IF EXISTS] a, b [CASCADE]`, or `DROP TRIGGER|POLICY|RULE [IF EXISTS] x ON t`.
fn drop(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let (kind, mut i) = read_kind(&tokens, 1);
    if kind.is_empty() {
        return Recognized::No;
    }
    if is_word(tokens.get(i), Keyword::IF) && is_word(tokens.get(i + 1), Keyword::EXISTS) {
        i += 2;
    }
    let mut names = Vec::new();
    let mut on_table = None;
    while let Some((parts, after)) = read_name(&tokens, i) {
        let mut name =
            if schema_scoped(&kind) { qualified(parts, default_schema).to_string() } else { parts.join(".") };
        i = after;
        if let Some((arguments, after)) = parenthesized_list(&tokens, i) {
            let arguments: Vec<String> = arguments.iter().map(|a| lower_unquoted(a)).collect();
            let arguments = arguments.join(", ");
            let arguments = if by_identity(&kind) { identity_arguments(&arguments) } else { arguments };
            name = format!("{name}({arguments})");
            i = after;
        }
        names.push(name);
        if is_word(tokens.get(i), Keyword::ON) {
            on_table = read_name(&tokens, i + 1).map(|(parts, _)| qualified(parts, default_schema));
            break;
        }
        if tokens.get(i) != Some(&Token::Comma) {
            break;
        }
        i += 1;
    }
    if names.is_empty() {
        return Recognized::No;
    }
    Recognized::Fact(Fact::Drop { kind, names, on_table })
}

/// `CREATE AGGREGATE name(args) (…)`: kept with its normalized definition.
fn aggregate(sql: &str, default_schema: &str) -> Recognized {
    let tokens = tokens(sql);
    let Some((name, after)) = read_name(&tokens, 2) else { return Recognized::No };
    let Some((arguments, _)) = parenthesized_list(&tokens, after) else { return Recognized::No };
    let arguments = arguments.iter().map(|a| lower_unquoted(a)).collect::<Vec<_>>().join(", ");
    Recognized::Fact(Fact::Aggregate {
        name: qualified(name, default_schema),
        arguments,
        definition: normalized_tokens(sql),
    })
}

/// The object a statement creates or changes, read from its first tokens only: what a statement
/// that was not understood (its body too deep, a syntax sqlparser lacks, cut off by the end of the
/// file) still tells, so that the object is known to exist on its side and is never taken for
/// absent. `(kind, name)` as the diff names objects (`table public.t`, `constraint public.t.c`,
/// `function public.f` for every overload of `f`).
pub(super) fn statement_object(sql: &str, default_schema: &str) -> Option<(ObjectKind, String)> {
    let tokens = head_tokens(sql)?;
    let word = |i: usize| match tokens.get(i) {
        Some(Token::Word(w)) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => String::new(),
    };
    let mut i = 1;
    let qualified_at = |at: usize| read_name(&tokens, at).map(|(parts, end)| (qualified(parts, default_schema), end));
    match word(0).as_str() {
        "CREATE" => {
            while matches!(
                word(i).as_str(),
                "OR" | "REPLACE"
                    | "UNLOGGED"
                    | "TEMP"
                    | "TEMPORARY"
                    | "GLOBAL"
                    | "LOCAL"
                    | "UNIQUE"
                    | "RECURSIVE"
                    | "CONSTRAINT"
                    | "TRUSTED"
                    | "PROCEDURAL"
            ) {
                i += 1;
            }
            let kind = match word(i).as_str() {
                "TABLE" => ObjectKind::Table,
                "FOREIGN" if word(i + 1) == "TABLE" => {
                    i += 1;
                    ObjectKind::Table
                }
                "VIEW" => ObjectKind::View,
                "MATERIALIZED" if word(i + 1) == "VIEW" => {
                    i += 1;
                    ObjectKind::MaterializedView
                }
                "FUNCTION" | "PROCEDURE" => ObjectKind::Function,
                "INDEX" => ObjectKind::Index,
                "TYPE" | "DOMAIN" => ObjectKind::Type,
                "SEQUENCE" => ObjectKind::Sequence,
                "TRIGGER" => ObjectKind::Trigger,
                "POLICY" => ObjectKind::Policy,
                "SCHEMA" => ObjectKind::Schema,
                "EXTENSION" => ObjectKind::Extension,
                _ => return None,
            };
            i += 1;
            while matches!(word(i).as_str(), "IF" | "NOT" | "EXISTS" | "CONCURRENTLY") {
                i += 1;
            }
            match kind {
                ObjectKind::Schema | ObjectKind::Extension => {
                    read_name(&tokens, i).map(|(parts, _)| (kind, parts.join(".")))
                }
                ObjectKind::Index => {
                    let (parts, end) = read_name(&tokens, i)?;
                    let on = (end..tokens.len()).find(|&at| word(at) == "ON")?;
                    let at = if word(on + 1) == "ONLY" { on + 2 } else { on + 1 };
                    let (table, _) = qualified_at(at)?;
                    let name = parts.last()?.clone();
                    Some((kind, QualifiedName { schema: table.schema, name }.to_string()))
                }
                ObjectKind::Trigger | ObjectKind::Policy => {
                    let (parts, end) = read_name(&tokens, i)?;
                    let on = (end..tokens.len()).find(|&at| word(at) == "ON")?;
                    let (table, _) = qualified_at(on + 1)?;
                    Some((kind, format!("{table}.{}", parts.last()?)))
                }
                _ => qualified_at(i).map(|(name, _)| (kind, name.to_string())),
            }
        }
        "ALTER" if word(1) == "TABLE" => {
            i = 2;
            while matches!(word(i).as_str(), "ONLY" | "IF" | "EXISTS") {
                i += 1;
            }
            let (table, end) = qualified_at(i)?;
            let end = if tokens.get(end) == Some(&Token::Mul) { end + 1 } else { end };
            match (word(end).as_str(), word(end + 1).as_str()) {
                ("ADD", "CONSTRAINT") => {
                    let (parts, after) = read_name(&tokens, end + 2)?;
                    let kind = if word(after) == "FOREIGN" { ObjectKind::ForeignKey } else { ObjectKind::Constraint };
                    Some((kind, format!("{table}.{}", parts.last()?)))
                }
                ("ALTER", column_word) => {
                    let at = if column_word == "COLUMN" { end + 2 } else { end + 1 };
                    let (parts, _) = read_name(&tokens, at)?;
                    Some((ObjectKind::Column, format!("{table}.{}", parts.last()?)))
                }
                _ => Some((ObjectKind::Table, table.to_string())),
            }
        }
        _ => None,
    }
}

/// How much of a statement [`head_tokens`] reads: the object is named in its first words, and a
/// statement of a million parentheses must not become a million tokens to find that out.
const HEAD_BYTES: usize = 16 << 10;

/// The tokens of a statement's head (its first [`HEAD_BYTES`]): all of it when it tokenizes, else
/// the part before the first `(`, quote or `$` (a statement cut inside a string still names its
/// object).
fn head_tokens(sql: &str) -> Option<Vec<Token>> {
    let mut end = sql.len().min(HEAD_BYTES);
    while !sql.is_char_boundary(end) {
        end -= 1;
    }
    let sql = &sql[..end];
    let whole = tokens(sql);
    if !whole.is_empty() {
        return Some(whole);
    }
    let head = &sql[..sql.find(['(', '\'', '$', ';']).unwrap_or(sql.len())];
    let head = tokens(head);
    (!head.is_empty()).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(sql: &str) -> Fact {
        match recognize(sql, "public") {
            Recognized::Fact(fact) => fact,
            _ => panic!("no fact recognized in {sql}"),
        }
    }

    #[test]
    fn operators_are_known_by_their_characters_and_argument_types() {
        let Fact::Other { key, .. } = fact("CREATE OPERATOR public.=== (\n    FUNCTION = public.eqi,\n    LEFTARG = integer,\n    RIGHTARG = integer\n);")
        else {
            panic!()
        };
        assert_eq!(key, "operator public.===(integer, integer)");
        let Fact::Other { key, .. } = fact("CREATE OPERATOR app.!! (FUNCTION = app.fact, LEFTARG = bigint);") else {
            panic!()
        };
        assert_eq!(key, "operator app.!!(bigint, none)");
        // ALTER OPERATOR … OWNER TO names it the same way.
        let Fact::Owner { object, .. } = fact("ALTER OPERATOR public.=== (integer, integer) OWNER TO app;") else {
            panic!()
        };
        assert_eq!(object, "operator public.===(integer, integer)");
    }

    #[test]
    fn function_options_sqlparser_does_not_read_are_taken_out_and_kept() {
        let sql = "CREATE FUNCTION public.f(integer) RETURNS SETOF integer\n    LANGUAGE sql STRICT LEAKPROOF COST 5 ROWS 10 SUPPORT public.helper\n    AS $$SELECT cost FROM rows$$;";
        let Recognized::Reparse { sql: kept, adjust: Adjust::FunctionExtras(extras) } = recognize(sql, "public") else {
            panic!("not taken apart")
        };
        assert_eq!(extras, ["leakproof", "cost 5", "rows 10", "support public.helper"]);
        // The body is one token: words inside it stay.
        assert!(kept.contains("LANGUAGE sql STRICT") && kept.contains("AS $$SELECT cost FROM rows$$"), "{kept}");
        assert!(!kept.contains("COST 5") && !kept.contains("LEAKPROOF"), "{kept}");
        assert!(matches!(
            recognize("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';", "public"),
            Recognized::No
        ));
    }

    #[test]
    fn column_settings_foreign_keys_and_domain_checks_pg_dump_writes_apart_are_read() {
        let catalog = crate::build_catalog(&crate::read(
            "CREATE TABLE public.p (a integer NOT NULL, b integer NOT NULL);\n\
             CREATE TABLE public.t (a integer, b integer, body text);\n\
             ALTER TABLE ONLY public.t ALTER COLUMN body SET COMPRESSION lz4;\n\
             ALTER TABLE ONLY public.t ALTER COLUMN b SET (n_distinct='100', n_distinct_inherited=-1);\n\
             ALTER TABLE ONLY public.t ADD CONSTRAINT t_fk FOREIGN KEY (a, b) REFERENCES public.p(a, b) ON DELETE SET NULL (b);\n\
             CREATE DOMAIN public.d AS text COLLATE pg_catalog.\"C\";\n\
             ALTER DOMAIN public.d ADD CONSTRAINT d_ne CHECK ((VALUE <> ''::text)) NOT VALID;\n\
             CREATE VIEW public.v AS SELECT t.a FROM public.t;\n\
             ALTER TABLE ONLY public.v ALTER COLUMN a SET DEFAULT 0;\n",
        ));
        let t = &catalog.tables[&QualifiedName::new("public", "t")];
        assert_eq!(t.column("body").and_then(|c| c.more.compression.as_deref()), Some("lz4"));
        assert_eq!(
            t.column("b").map(|c| c.more.options.clone()),
            Some(vec!["n_distinct=100".into(), "n_distinct_inherited=-1".into()])
        );
        assert!(
            t.constraints["t_fk"].definition.ends_with("on delete set null (b)"),
            "{}",
            t.constraints["t_fk"].definition
        );
        let Some(super::super::TypeDef::Domain { collation, checks, .. }) =
            catalog.types.get(&QualifiedName::new("public", "d"))
        else {
            panic!("no domain")
        };
        assert_eq!(collation.as_deref(), Some("pg_catalog.\"C\""));
        assert_eq!(checks, &["constraint d_ne check ((value <> ''::text)) not valid"]);
        let v = &catalog.views[&QualifiedName::new("public", "v")];
        assert_eq!(v.column_defaults, [("a".to_string(), "0".to_string())]);
    }

    #[test]
    fn an_unlogged_sequence_is_read_without_the_word_and_marked() {
        let Recognized::Reparse { sql, adjust: Adjust::UnloggedSequence } =
            recognize("CREATE UNLOGGED SEQUENCE public.s\n    START WITH 1;", "public")
        else {
            panic!("not recognized")
        };
        assert_eq!(sql, "CREATE SEQUENCE public.s\n    START WITH 1;");
        let catalog = crate::build_catalog(&crate::read("create unlogged sequence app.q;\nCREATE SEQUENCE app.r;\n"));
        let unlogged: Vec<bool> = catalog.sequences.values().map(|s| s.unlogged).collect();
        assert_eq!(unlogged, [true, false]);
    }

    #[test]
    fn a_rule_disabled_after_it_is_made_is_part_of_it() {
        let Fact::OtherAltered { key, change } = fact("ALTER TABLE ONLY public.t DISABLE RULE r;") else { panic!() };
        assert_eq!((key.as_str(), change.as_str()), ("rule r on public.t", "alter table only public.t disable rule r"));
        let Fact::OtherAltered { key, .. } = fact("ALTER TABLE app.t ENABLE ALWAYS RULE \"R\";") else { panic!() };
        assert_eq!(key, "rule R on app.t");
    }

    #[test]
    fn column_storage_and_configuration_mappings_are_read() {
        let Fact::TableSetting { setting: TableSetting::Storage { column, storage }, .. } =
            fact("ALTER TABLE ONLY public.t ALTER COLUMN note SET STORAGE EXTERNAL;")
        else {
            panic!()
        };
        assert_eq!((column.as_str(), storage.as_str()), ("note", "external"));
        let Fact::OtherAltered { key, change } =
            fact("ALTER TEXT SEARCH CONFIGURATION public.plain ADD MAPPING FOR asciiword WITH english_stem;")
        else {
            panic!()
        };
        assert_eq!(key, "text search configuration public.plain");
        assert_eq!(change, "alter text search configuration public.plain add mapping for asciiword with english_stem");
    }

    /// Only the head of a long statement is tokenized: its object is still found, whether the cut
    /// falls between tokens or inside a string.
    #[test]
    fn a_statement_tokenized_in_pieces_normalizes_as_a_whole() {
        let statements = [
            "CREATE VIEW public.\"V\" AS  SELECT (a, 'x, (y'), \"Quoted Name\" -- a comment, (\n FROM t /* a /* nested */ comment, */ WHERE b = E'it\\'s (' AND c = $f$ body ( , $f$;",
            "CREATE FUNCTION f(integer, text) RETURNS SETOF public.t\n    LANGUAGE sql\n    AS $_$ SELECT $1, $2 $_$;",
            "SELECT ((((1)))), U&'d\\0061t', B'101', x'ff',\t\"a\"\"b\" ;",
        ];
        for sql in statements {
            let whole = normalized_in_pieces(sql, usize::MAX);
            for size in [0, 1, 2, 3, 5, 8, 13, 40] {
                assert_eq!(normalized_in_pieces(sql, size), whole, "{sql:?} in pieces of {size} bytes");
            }
        }
        let nested = format!("SELECT {}1{}", "(".repeat(200_000), ")".repeat(200_000));
        assert_eq!(normalized_tokens(&nested), nested.to_lowercase());
    }

    #[test]
    fn a_long_statement_names_its_object_from_its_head() {
        let deep = format!("CREATE VIEW public.v AS SELECT {}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(statement_object(&deep, "public"), Some((ObjectKind::View, "public.v".to_string())));
        let long_body = format!("CREATE TABLE public.t (a text DEFAULT '{}')", "x".repeat(3 * HEAD_BYTES));
        assert_eq!(statement_object(&long_body, "public"), Some((ObjectKind::Table, "public.t".to_string())));
        let index = format!("CREATE INDEX i ON public.t USING btree ({})", "a, ".repeat(HEAD_BYTES));
        assert_eq!(statement_object(&index, "public"), Some((ObjectKind::Index, "public.i".to_string())));
    }

    /// Found by the read_catalog fuzz target (fuzz/regressions/read_catalog/crash-48ce…): a quote
    /// swallowed the identity's `(`, leaving a `)` before the next `(`, and the options were sliced
    /// from after the `(` back to that `)`.
    #[test]
    fn an_identity_whose_parenthesis_closes_before_it_opens_is_read_without_options() {
        let sql = "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY ) x (;";
        let Fact::Identity { column, sequence, .. } = fact(sql) else { panic!() };
        assert_eq!((column.as_str(), sequence), ("id", None));
    }

    #[test]
    fn owner_to_on_any_kind() {
        let Fact::Owner { object, owner } = fact("ALTER TYPE public.mood OWNER TO app;") else { panic!() };
        assert_eq!((object.as_str(), owner.as_str()), ("type public.mood", "app"));
        let Fact::Owner { object, .. } = fact("ALTER FUNCTION public.f(integer, text) OWNER TO app;") else { panic!() };
        assert_eq!(object, "function public.f(integer, text)");
        let Fact::Owner { object, .. } = fact("ALTER EVENT TRIGGER issue_pg_cron_access OWNER TO supabase_admin;")
        else {
            panic!()
        };
        assert_eq!(object, "event trigger issue_pg_cron_access");
        let Fact::Owner { object, .. } = fact("ALTER TABLE users OWNER TO \"App\";") else { panic!() };
        assert_eq!(object, "table public.users");
        let Fact::Owner { owner, .. } = fact("ALTER TABLE users OWNER TO \"App \"\"Owner\"\"\";") else { panic!() };
        assert_eq!(owner, "App \"Owner\"");
    }

    #[test]
    fn sequence_owned_by_and_index_attach() {
        let Fact::SequenceOwnedBy { sequence, column } = fact("ALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;")
        else {
            panic!()
        };
        assert_eq!((sequence.to_string().as_str(), column.as_str()), ("public.t_id_seq", "public.t.id"));
        let Fact::IndexAttached { parent, child } =
            fact("ALTER INDEX public.payment_pkey ATTACH PARTITION public.payment_p2022_01_pkey;")
        else {
            panic!()
        };
        assert_eq!((parent.name.as_str(), child.name.as_str()), ("payment_pkey", "payment_p2022_01_pkey"));
    }

    #[test]
    fn an_index_columns_statistics_target_is_read() {
        let found = recognize("ALTER INDEX public.p_lower ALTER COLUMN 1 SET STATISTICS 500;", "public");
        let Recognized::Fact(Fact::IndexStatistics { index, column, target }) = found else {
            panic!("not read as an index's statistics")
        };
        assert_eq!((index.to_string(), column.as_str(), target.as_str()), ("public.p_lower".into(), "1", "500"));
        let reset = recognize("ALTER INDEX p_lower ALTER 2 SET STATISTICS -1;", "public");
        assert!(
            matches!(reset, Recognized::Fact(Fact::IndexStatistics { ref target, .. }) if target == "-1"),
            "-1 resets the target"
        );
        assert!(matches!(
            recognize("ALTER INDEX p_lower ALTER COLUMN 1 SET (fillfactor = 70);", "public"),
            Recognized::No
        ));
    }

    #[test]
    fn identity_with_sequence_name() {
        let sql = "ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n    SEQUENCE NAME public.t_id_seq\n    START WITH 1\n    INCREMENT BY 1\n    NO MINVALUE\n    NO MAXVALUE\n    CACHE 1\n);";
        let Fact::Identity { table, column, kind, sequence } = fact(sql) else { panic!() };
        assert_eq!((table.to_string(), column, kind), ("public.t".into(), "id".into(), "ALWAYS".into()));
        let (name, options) = sequence.unwrap();
        assert_eq!(name.to_string(), "public.t_id_seq");
        assert_eq!(options, ["start with 1", "increment by 1", "no minvalue", "no maxvalue", "cache 1"]);
    }

    #[test]
    fn comments_on_functions_columns_and_constraints() {
        let Fact::Comment { object, text } = fact("COMMENT ON FUNCTION public.f(a integer) IS 'it''s f';") else {
            panic!()
        };
        assert_eq!((object.as_str(), text.as_deref()), ("function public.f(integer)", Some("it's f")));
        let Fact::Comment { object, .. } = fact("COMMENT ON COLUMN public.t.c IS 'x';") else { panic!() };
        assert_eq!(object, "column public.t.c");
        let Fact::Comment { object, .. } = fact("COMMENT ON CONSTRAINT c_check ON public.t IS 'x';") else { panic!() };
        assert_eq!(object, "constraint c_check on public.t");
        let Fact::Comment { object, text } = fact("COMMENT ON TABLE t IS NULL;") else { panic!() };
        assert_eq!((object.as_str(), text), ("table public.t", None));
    }

    #[test]
    fn search_path_from_set_and_set_config() {
        let Fact::SearchPath(schema) = fact("SET search_path = app, pg_catalog;") else { panic!() };
        assert_eq!(schema.as_deref(), Some("app"));
        let Fact::SearchPath(schema) = fact("SET search_path TO \"$user\", public;") else { panic!() };
        assert_eq!(schema.as_deref(), Some("public"));
        let Fact::SearchPath(schema) = fact("SELECT pg_catalog.set_config('search_path', '', false);") else {
            panic!()
        };
        assert_eq!(schema, None);
        assert!(matches!(recognize("SET statement_timeout = 0;", "public"), Recognized::Ignore));
        for database in [
            "CREATE DATABASE app WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C';",
            "ALTER DATABASE app OWNER TO postgres;",
            "ALTER DATABASE app SET search_path TO 'app';",
            "COMMENT ON DATABASE app IS 'x';",
        ] {
            assert!(matches!(recognize(database, "public"), Recognized::Ignore), "{database}");
        }
    }

    #[test]
    fn formatting_does_not_change_normalized_tokens() {
        assert_eq!(
            normalized_tokens(
                "create  trigger T\n  after insert on public.x -- note\n for each row execute function f('a b');"
            ),
            normalized_tokens("CREATE TRIGGER t AFTER INSERT ON public.x FOR EACH ROW EXECUTE FUNCTION f('a b')")
        );
    }

    #[test]
    fn materialized_view_with_no_data_and_index_on_only_are_rewritten() {
        match recognize("CREATE MATERIALIZED VIEW public.m AS\n SELECT 1 AS x\n  WITH NO DATA;", "public") {
            Recognized::Reparse { sql, adjust: Adjust::WithNoData } => assert!(sql.ends_with("SELECT 1 AS x"), "{sql}"),
            _ => panic!("not rewritten"),
        }
    }

    #[test]
    fn indexes_with_opclass_parameters_on_only_and_predicates() {
        let Fact::Index { name, index, .. } = fact(
            "CREATE INDEX idx_t ON public.tasks USING gist (title public.gist_trgm_ops (siglen='64')) WITH (fillfactor='90') WHERE (status <> 'done'::public.s);",
        ) else {
            panic!()
        };
        assert_eq!(name.to_string(), "public.idx_t");
        assert_eq!(index.method, "gist");
        assert_eq!(index.keys, ["title public.gist_trgm_ops(siglen = '64')"]);
        assert_eq!(index.parameters, ["fillfactor=90"]);
        assert_eq!(index.predicate.as_deref(), Some("(status <> 'done'::public.s)"));

        let Fact::Index { index, .. } = fact(
            "CREATE UNIQUE INDEX u ON ONLY public.p USING btree (a, lower(b) DESC NULLS LAST) INCLUDE (c) NULLS NOT DISTINCT;",
        ) else {
            panic!()
        };
        assert!(index.unique && index.nulls_not_distinct);
        assert_eq!(index.keys, ["a", "lower(b) desc nulls last"]);
        assert_eq!(index.include, ["c"]);
    }

    #[test]
    fn drops_name_their_objects_and_tables() {
        let Fact::Drop { kind, names, on_table } = fact("DROP TABLE IF EXISTS public.a, b CASCADE;") else { panic!() };
        assert_eq!((kind.as_str(), names, on_table), ("table", vec!["public.a".into(), "public.b".into()], None));
        let Fact::Drop { kind, names, on_table } = fact("DROP POLICY IF EXISTS p ON app.t;") else { panic!() };
        assert_eq!(
            (kind.as_str(), names.as_slice(), on_table.unwrap().to_string()),
            ("policy", &["p".to_string()][..], "app.t".into())
        );
        let Fact::Drop { names, .. } = fact("DROP FUNCTION IF EXISTS public.f(integer, text);") else { panic!() };
        assert_eq!(names, ["public.f(integer, text)"]);
    }

    #[test]
    fn rewrites_that_sqlparser_needs_record_what_they_took_out() {
        match recognize("CREATE DOMAIN d AS integer NOT NULL DEFAULT 1;", "public") {
            Recognized::Reparse { sql, adjust: Adjust::Domain { not_null: true, collation: None } } => {
                assert_eq!(sql, "CREATE DOMAIN d AS integer  DEFAULT 1;")
            }
            _ => panic!("not rewritten"),
        }
        let sql =
            "CREATE DOMAIN d AS text COLLATE pg_catalog.\"C\" CONSTRAINT d_nn NOT NULL CHECK (VALUE IS NOT NULL);";
        match recognize(sql, "public") {
            Recognized::Reparse { sql, adjust: Adjust::Domain { not_null: true, collation: Some(collation) } } => {
                assert_eq!(collation, "pg_catalog.\"C\"");
                assert_eq!(sql, "CREATE DOMAIN d AS text   CHECK (VALUE IS NOT NULL);")
            }
            _ => panic!("not rewritten"),
        }
        assert!(matches!(recognize("CREATE DOMAIN d AS text CHECK (VALUE IS NOT NULL);", "public"), Recognized::No));
        match recognize("CREATE VIEW v AS SELECT 1 AS x\n  WITH LOCAL CHECK OPTION;", "public") {
            Recognized::Reparse { sql, adjust: Adjust::CheckOption(option) } => {
                assert_eq!((sql.as_str(), option.as_str()), ("CREATE VIEW v AS SELECT 1 AS x", "local"));
            }
            _ => panic!("not rewritten"),
        }
        let sql =
            "CREATE TABLE t (\n    a int,\n    b int GENERATED ALWAYS AS ((a * 2)) VIRTUAL,\n    virtual text\n);";
        match recognize(sql, "public") {
            Recognized::Reparse { sql, adjust: Adjust::VirtualColumns(columns) } => {
                assert_eq!(columns, ["b"]);
                assert!(sql.contains("((a * 2)) STORED") && sql.contains("    virtual text"), "{sql}");
            }
            _ => panic!("not rewritten"),
        }
    }

    #[test]
    fn procedures_rules_publications_and_other_objects() {
        let Fact::Function { name, kind, arguments, .. } =
            fact("CREATE PROCEDURE app.archive(IN before date)\n    LANGUAGE plpgsql\n    AS $$ BEGIN NULL; END $$;")
        else {
            panic!()
        };
        assert_eq!(
            (name.to_string(), kind.as_str(), arguments.as_str()),
            ("app.archive".into(), "procedure", "in before date")
        );
        let Fact::Other { key, .. } = fact("CREATE RULE r AS ON DELETE TO v DO INSTEAD NOTHING;") else { panic!() };
        assert_eq!(key, "rule r on public.v");
        let Fact::Other { key, .. } = fact("CREATE COLLATION app.c (provider = icu, locale = 'und');") else {
            panic!()
        };
        assert_eq!(key, "collation app.c");
        let Fact::PublicationAltered { name, change } = fact("ALTER PUBLICATION pub ADD TABLE ONLY app.t;") else {
            panic!()
        };
        assert_eq!((name.as_str(), change.as_str()), ("pub", "alter publication pub add table only app.t"));
    }
}
