//! Type changes PostgreSQL has no cast for: `ALTER COLUMN … TYPE new USING col::new` fails, and
//! going through text is no answer (`'1700000000'::timestamp` is an error too), so the change is
//! left to the user with the expression to write. Only built-in types whose casts are known are
//! judged; anything else is tried as written.

/// The families of built-in types between which PostgreSQL has no cast (text types convert to and
/// from every type, so they are never a family here).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    /// smallint, integer, bigint, numeric, real, double precision.
    Number,
    /// date, timestamp, time, interval.
    DateTime,
    Boolean,
    Uuid,
    Bytes,
    Json,
    Network,
}

fn family(data_type: &str) -> Option<Family> {
    let base = data_type.split('(').next().unwrap_or(data_type).trim();
    Some(match base {
        "smallint" | "integer" | "bigint" | "numeric" | "real" | "double precision" => Family::Number,
        "date" | "interval" => Family::DateTime,
        _ if base.starts_with("timestamp") || base.starts_with("time ") || base == "time" => Family::DateTime,
        "boolean" => Family::Boolean,
        "uuid" => Family::Uuid,
        "bytea" => Family::Bytes,
        "json" | "jsonb" => Family::Json,
        "inet" | "cidr" | "macaddr" | "macaddr8" => Family::Network,
        _ => return None,
    })
}

/// `Some(hint)` when PostgreSQL has no cast from `old` to `new` (both canonical type names): what
/// the user could write in `USING` instead, about `column`.
pub(super) fn missing_cast(old: &str, new: &str, column: &str) -> Option<String> {
    let (old_array, new_array) = (old.ends_with("[]"), new.ends_with("[]"));
    if old_array != new_array {
        return None; // tried as written: PostgreSQL says what it refuses
    }
    let (old_base, new_base) = (old.trim_end_matches("[]"), new.trim_end_matches("[]"));
    let (from, to) = (family(old_base)?, family(new_base)?);
    if from == to {
        return None;
    }
    use Family::*;
    let hint = match (from, to) {
        // integer and boolean convert both ways; jsonb converts to numbers and booleans.
        (Boolean, Number) if new_base == "integer" => return None,
        (Number, Boolean) if old_base == "integer" => return None,
        (Json, Number | Boolean) if old_base == "jsonb" => return None,
        (Number, DateTime) if new_base.starts_with("timestamp") => {
            format!("to_timestamp({column}) (seconds since 1970)")
        }
        (Number, DateTime) if new_base == "date" => format!("date '1970-01-01' + {column}::integer (days since 1970)"),
        (Number, DateTime) if new_base == "interval" => format!("{column} * interval '1 second'"),
        (DateTime, Number) => format!("extract(epoch from {column})"),
        (Number, Boolean) => format!("{column} <> 0"),
        (Boolean, Number) => format!("{column}::integer"),
        (_, Json) => format!("to_jsonb({column})"),
        _ => format!("an expression of {column}"),
    };
    Some(hint)
}

#[cfg(test)]
mod tests {
    use super::missing_cast;

    #[test]
    fn pairs_without_a_cast_get_the_expression_to_write() {
        let hint = |old: &str, new: &str| missing_cast(old, new, "c");
        assert_eq!(
            hint("bigint", "timestamp without time zone").as_deref(),
            Some("to_timestamp(c) (seconds since 1970)")
        );
        assert_eq!(hint("timestamp with time zone", "bigint").as_deref(), Some("extract(epoch from c)"));
        assert_eq!(hint("smallint", "boolean").as_deref(), Some("c <> 0"));
        assert_eq!(hint("uuid", "bigint").as_deref(), Some("an expression of c"));
        assert_eq!(hint("integer[]", "date[]").as_deref(), Some("date '1970-01-01' + c::integer (days since 1970)"));
        assert_eq!(hint("numeric(10,2)", "jsonb").as_deref(), Some("to_jsonb(c)"));
    }

    #[test]
    fn pairs_postgresql_casts_are_left_alone() {
        for (old, new) in [
            ("integer", "bigint"),
            ("numeric(10,2)", "double precision"),
            ("integer", "boolean"),
            ("boolean", "integer"),
            ("jsonb", "numeric"),
            ("date", "timestamp with time zone"),
            ("timestamp without time zone", "time without time zone"),
            ("bigint", "text"),
            ("text", "uuid"),
            ("character varying(20)", "integer"),
            ("public.mood", "text"),
            ("integer", "integer[]"),
        ] {
            assert_eq!(missing_cast(old, new, "c"), None, "{old} → {new}");
        }
    }
}
