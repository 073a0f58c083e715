//! Identifier quoting as PostgreSQL's `quote_identifier` does it, so that `"now"()` (from
//! `pg_dump --quote-all-identifiers`) and `now()` are one text.
//!
//! A name needs quotes unless it is a simple lower-case name that is not a reserved, type/function
//! or column-name keyword (those stay quoted, exactly as pg_dump writes them without the option).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// PostgreSQL keywords that are not UNRESERVED (kwlist.h): quote_identifier always quotes them.
const QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// True when PostgreSQL would print this name in double quotes.
pub fn needs_quotes(name: &str) -> bool {
    let simple = name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    !simple || QUOTED_KEYWORDS.binary_search(&name).is_ok()
}

/// Rewrites SQL text into one spelling: unquoted words (keywords and identifiers, both
/// case-insensitive) in lower case, double quotes only where PostgreSQL needs them, also inside
/// `'…'::regclass` literals. Strings and whitespace are kept as they were.
pub fn unquote_needless(text: &str) -> String {
    let dialect = PostgreSqlDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, text).tokenize() else { return text.to_string() };
    let mut out = String::with_capacity(text.len());
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Word(word) if word.quote_style.is_none() => out.push_str(&word.value.to_lowercase()),
            Token::Word(word) if word.quote_style == Some('"') && !needs_quotes(&word.value) => {
                out.push_str(&word.value)
            }
            Token::SingleQuotedString(literal) if is_regclass_cast(&tokens[i + 1..]) => {
                out.push('\'');
                out.push_str(&unquote_needless(literal).replace('\'', "''"));
                out.push('\'');
            }
            // The tokenizer keeps a literal's value (quotes undoubled, E'' escapes resolved):
            // write it back as a standard string.
            Token::SingleQuotedString(value) | Token::EscapedStringLiteral(value) => {
                out.push('\'');
                out.push_str(&value.replace('\'', "''"));
                out.push('\'');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    out
}

/// True when the tokens continue with `::regclass`: the literal before them names a relation.
fn is_regclass_cast(rest: &[Token]) -> bool {
    matches!(rest, [Token::DoubleColon, Token::Word(w), ..] if w.value.eq_ignore_ascii_case("regclass"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keyword_list_is_sorted_for_binary_search() {
        assert!(QUOTED_KEYWORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn quotes_stay_only_where_postgresql_needs_them() {
        assert_eq!(
            unquote_needless(r#""now"() + "public"."f"("order", "Mixed", "x y", "user_id")::"text""#),
            r#"now() + public.f("order", "Mixed", "x y", user_id)::text"#
        );
        assert_eq!(unquote_needless("CHECK ((btrim(title) <> ''::TEXT))"), "check ((btrim(title) <> ''::text))");
        assert_eq!(
            unquote_needless(r#"nextval('"public"."T_id_seq"'::regclass)"#),
            r#"nextval('public."T_id_seq"'::regclass)"#
        );
        assert_eq!(unquote_needless("'\"not\" an identifier'"), "'\"not\" an identifier'");
        assert_eq!(unquote_needless("'it''s'::text"), "'it''s'::text");
        assert_eq!(unquote_needless("E'it\\'s\\n'"), "'it''s\n'");
        assert!(needs_quotes("user") && needs_quotes("Users") && !needs_quotes("users") && !needs_quotes("status"));
    }
}
