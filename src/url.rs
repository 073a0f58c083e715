//! The page's URL: what the user chose to see ([`ViewState`]) written as a query string and read
//! back, so a link or a reload shows the same comparison and view.
//!
//! `?from=URL&to=URL&ignore=owners,comments&platform=supabase&exclude=auth&removals=confirmed&tab=…
//! &kind=index&q=memory&rename=KIND:OLD=NEW&object=…&sort=-object&risk=area:level&change=…`.
//! Anything not understood is left out, never an error: a link from an older version still opens.

use crate::state::{Sort, Tab, ViewState};
use schemadrift_engine::diff::{ObjectKind, Rename};
use schemadrift_engine::risks::Level;

const IGNORE_WORDS: [&str; 6] = ["owners", "grants", "comments", "extension-versions", "storage", "tablespaces"];

fn ignores(state: &ViewState) -> [bool; 6] {
    let o = &state.drift;
    [
        o.ignore_owners,
        o.ignore_grants,
        o.ignore_comments,
        o.ignore_extension_versions,
        o.ignore_storage_parameters,
        o.ignore_tablespaces,
    ]
}

/// Reads a query string (with or without its `?`).
pub fn from_query(query: &str) -> ViewState {
    let mut state = ViewState::default();
    for pair in query.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value);
        let drift = &mut state.drift;
        match key {
            "ignore" => {
                for word in value.split(',') {
                    match word {
                        "owners" => drift.ignore_owners = true,
                        "grants" => drift.ignore_grants = true,
                        "comments" => drift.ignore_comments = true,
                        "extension-versions" => drift.ignore_extension_versions = true,
                        "storage" => drift.ignore_storage_parameters = true,
                        "tablespaces" => drift.ignore_tablespaces = true,
                        _ => {}
                    }
                }
            }
            "platform" => drift.exclude_platform_schemas = value == "supabase",
            "removals" => drift.confirm_cut_short = value == "confirmed",
            "exclude" => {
                drift.exclude_schemas = value.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
            }
            "rename" => drift.renames.extend(Rename::parse(&value).ok()),
            "tab" => state.tab = Tab::from_id(&value),
            "kind" => state.kind = ObjectKind::parse(&value),
            "q" => state.search = value,
            "object" if !value.is_empty() => state.object = Some(value),
            "sort" => state.sort = Sort::from_id(&value),
            "risk" => {
                state.risk = value
                    .split_once(':')
                    .and_then(|(area, level)| Some((area.to_string(), Level::parse(level)?)))
                    .filter(|(area, _)| schemadrift_engine::risks::AREAS.contains(&area.as_str()));
            }
            "change" if !value.is_empty() => state.highlight = Some(value),
            "definition" if !value.is_empty() => state.definition = Some(value),
            "fold" => state.unfold = value == "off",
            "group" => state.group = value == "table",
            "risk-level" => state.risk_level = Level::parse(&value),
            "from" if !value.is_empty() => state.urls[0] = Some(value),
            "to" if !value.is_empty() => state.urls[1] = Some(value),
            _ => {}
        }
    }
    state
}

/// The query string for a state (empty when everything is at its default).
pub fn to_query(state: &ViewState) -> String {
    let mut parts = Vec::new();
    for (key, url) in ["from", "to"].iter().zip(&state.urls) {
        if let Some(url) = url {
            parts.push(format!("{key}={}", percent_encode(url)));
        }
    }
    let ignored: Vec<&str> =
        IGNORE_WORDS.iter().zip(ignores(state)).filter(|(_, on)| *on).map(|(word, _)| *word).collect();
    if !ignored.is_empty() {
        parts.push(format!("ignore={}", ignored.join(",")));
    }
    let drift = &state.drift;
    if drift.exclude_platform_schemas {
        parts.push("platform=supabase".to_string());
    }
    if !drift.exclude_schemas.is_empty() {
        let schemas: Vec<&str> = drift.exclude_schemas.iter().map(String::as_str).collect();
        parts.push(format!("exclude={}", percent_encode(&schemas.join(","))));
    }
    if drift.confirm_cut_short {
        parts.push("removals=confirmed".to_string());
    }
    if state.tab != Tab::All {
        parts.push(format!("tab={}", state.tab.id()));
    }
    if let Some(kind) = &state.kind {
        parts.push(format!("kind={}", kind.as_str()));
    }
    if !state.search.is_empty() {
        parts.push(format!("q={}", percent_encode(&state.search)));
    }
    for rename in &drift.renames {
        parts.push(format!("rename={}", percent_encode(&rename.to_string())));
    }
    if let Some(object) = &state.object {
        parts.push(format!("object={}", percent_encode(object)));
    }
    if state.sort != Sort::default() {
        parts.push(format!("sort={}", state.sort.id()));
    }
    if let Some((area, level)) = &state.risk {
        parts.push(format!("risk={}", percent_encode(&format!("{area}:{}", level.label()))));
    }
    if let Some(change) = &state.highlight {
        parts.push(format!("change={}", percent_encode(change)));
    }
    if let Some(level) = state.risk_level {
        parts.push(format!("risk-level={}", level.label()));
    }
    if let Some(change) = &state.definition {
        parts.push(format!("definition={}", percent_encode(change)));
    }
    if state.unfold {
        parts.push("fold=off".to_string());
    }
    if state.group {
        parts.push("group=table".to_string());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.,~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `%XX` → the byte, `+` → a space; a `%` not followed by two hex digits stays as it is. Works on
/// bytes, so a `%` before a non-ASCII character never splits it.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SortKey;
    use schemadrift_engine::DiffOptions;

    #[test]
    fn the_view_state_round_trips_through_the_url() {
        let state = ViewState {
            drift: DiffOptions {
                ignore_owners: true,
                ignore_comments: true,
                exclude_platform_schemas: true,
                exclude_schemas: ["audit".to_string(), "Odd schema".to_string()].into(),
                ..DiffOptions::default()
            },
            kind: Some(ObjectKind::Index),
            search: "tasks & more".into(),
            ..ViewState::default()
        };
        let query = to_query(&state);
        assert_eq!(
            query,
            "?ignore=owners,comments&platform=supabase&exclude=Odd%20schema,audit&kind=index&q=tasks%20%26%20more"
        );
        assert_eq!(from_query(&query), state);
        assert_eq!(to_query(&ViewState::default()), "");
        assert_eq!(from_query("?bogus=1&q=%zz"), ViewState { search: "%zz".into(), ..ViewState::default() });
        let chosen = ViewState {
            drift: DiffOptions {
                renames: vec![Rename {
                    object_kind: ObjectKind::Column,
                    from: "public.t.a b".into(),
                    to: "public.t.c".into(),
                }],
                ..DiffOptions::default()
            },
            object: Some("public.tasks".into()),
            sort: Sort { key: SortKey::Object, descending: true },
            ..ViewState::default()
        };
        let query = to_query(&chosen);
        assert_eq!(query, "?rename=column%3Apublic.t.a%20b%3Dpublic.t.c&object=public.tasks&sort=-object");
        assert_eq!(from_query(&query), chosen);
        assert!(
            from_query("?rename=nonsense&rename=view:a=b").drift.renames.is_empty(),
            "malformed renames are dropped"
        );
        let linked = ViewState {
            urls: [Some("dumps/prod.sql".into()), Some("https://x.test/a b.sql".into())],
            ..ViewState::default()
        };
        assert_eq!(to_query(&linked), "?from=dumps%2Fprod.sql&to=https%3A%2F%2Fx.test%2Fa%20b.sql");
        assert_eq!(from_query(&to_query(&linked)), linked);
        let confirmed = ViewState {
            drift: DiffOptions { confirm_cut_short: true, ..DiffOptions::default() },
            ..ViewState::default()
        };
        assert_eq!(from_query(&to_query(&confirmed)), confirmed);
        let opened = ViewState {
            definition: Some("policy public.t.read own".into()),
            unfold: true,
            group: true,
            ..ViewState::default()
        };
        assert_eq!(to_query(&opened), "?definition=policy%20public.t.read%20own&fold=off&group=table");
        assert_eq!(from_query(&to_query(&opened)), opened);
    }

    #[test]
    fn the_risk_filter_and_the_risk_sort_are_in_the_url() {
        let state = from_query("?sort=risk&risk-level=high");
        assert_eq!(state.risk_level, Some(Level::High));
        assert_eq!(state.sort.key, crate::state::SortKey::Risk);
        assert_eq!(to_query(&state), "?sort=risk&risk-level=high");
        assert_eq!(from_query("?risk-level=severe").risk_level, None);
    }

    #[test]
    fn a_percent_before_a_character_of_several_bytes_is_kept_not_a_panic() {
        assert_eq!(from_query("?q=%aé%é%").search, "%aé%é%");
        assert_eq!(from_query("?q=%C3%A9t%C3%A9").search, "été");
    }
}
