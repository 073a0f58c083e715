//! Secrets inside dumps: role passwords, user-mapping and server options, connection strings and
//! URLs with credentials, and common API-key shapes in comments, defaults or function bodies.
//!
//! Architecture invariant: a secret's value never leaves this module except through [`redact`]'s
//! replacement: [`Secret`] serializes without it, and what is shown names the line and the kind.

use serde::{Deserialize, Serialize};

mod script;
pub use script::{withhold, withhold_statement};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    /// 1-based line in the dump.
    pub line: usize,
    /// What kind of secret: `role password`, `password option`, `connection string password`,
    /// `URL credentials`, or an API key's issuer.
    #[serde(deserialize_with = "crate::interned::one")]
    pub kind: crate::interned::Word,
    /// The start of the line, up to the secret, shortened: where it is, never what it is.
    pub context: String,
    #[serde(skip)]
    value: String,
}

/// What exports write in place of a secret.
pub const REDACTED: &str = "[REDACTED]";

/// The longest value one finding takes: a secret is short, and no scan looks further than this
/// past where it starts (so a line of repeated key prefixes costs time linear in its length).
const MAX_VALUE: usize = 1024;

/// Every secret in a dump, in line order. Time and memory are linear in the text: each detector
/// looks at most [`MAX_VALUE`] bytes past where it starts, and keys and tokens are read from
/// maximal runs of key characters, each run once.
pub fn find_secrets(text: &str) -> Vec<Secret> {
    let mut found = Found::default();
    let mut copy_columns: Option<Vec<usize>> = None;
    for (index, line) in lines(text) {
        let number = index + 1;
        if let Some(columns) = &copy_columns {
            if line == "\\." {
                copy_columns = None;
            } else {
                copy_row(&mut found, number, line, columns);
            }
            continue;
        }
        let lower = line.to_ascii_lowercase();
        passwords(&mut found, number, line, &lower);
        url_credentials(&mut found, number, line);
        key_runs(&mut found, number, line);
        aws_secret(&mut found, number, line, &lower);
        assignments(&mut found, number, line, &lower);
        copy_columns = copy_secret_columns(&lower);
    }
    private_keys(&mut found, text);
    let mut out = found.secrets;
    out.sort_by_key(|s| s.line);
    out
}

#[derive(Default)]
struct Found {
    secrets: Vec<Secret>,
    seen: std::collections::BTreeSet<(usize, String)>,
}

impl Found {
    fn add(&mut self, line_number: usize, line: &str, kind: &'static str, start: usize, value: &str) {
        if value.len() < 4
            || value.eq_ignore_ascii_case(REDACTED)
            || !self.seen.insert((line_number, value.to_string()))
        {
            return;
        }
        let context: String = line[..start].trim().chars().take(60).collect();
        self.secrets.push(Secret { line: line_number, kind, context, value: value.to_string() });
    }
}

/// Lines as psql counts them: ended by `\n`, `\r\n` or a lone `\r`; 0-based.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut index = 0;
    std::iter::from_fn(move || {
        if start > bytes.len() || (start == bytes.len() && start > 0 && matches!(bytes[start - 1], b'\n' | b'\r')) {
            return None;
        }
        let end = bytes[start..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |i| start + i);
        let line = (index, &text[start..end]);
        start = if bytes.get(end) == Some(&b'\r') && bytes.get(end + 1) == Some(&b'\n') { end + 2 } else { end + 1 };
        index += 1;
        Some(line)
    })
}

/// The first character boundary at or after `at`.
fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The last character boundary at or before `at` (and not past the end).
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// At most `length` bytes of `text` from `start`, cut at a character boundary.
fn span(text: &str, start: usize, length: usize) -> &str {
    &text[start..floor_boundary(text, start.saturating_add(length)).max(start)]
}

/// At most [`MAX_VALUE`] bytes of `text` from `start`.
fn window(text: &str, start: usize) -> &str {
    span(text, start, MAX_VALUE)
}

/// `PASSWORD 'x'` of CREATE / ALTER ROLE or USER, `password 'x'` in OPTIONS (…), `password=x`.
fn passwords(found: &mut Found, number: usize, line: &str, lower: &str) {
    let options_at = lower.find("options");
    // A match inside a value already found is part of that value.
    let mut covered = 0;
    for (at, _) in lower.match_indices("password") {
        if at < covered {
            continue;
        }
        let rest = window(line, at + "password".len());
        let trimmed = rest.trim_start();
        if let Some(value) = trimmed.strip_prefix('\'').and_then(|r| r.split('\'').next()) {
            let before = lower[ceil_boundary(lower, at.saturating_sub(64))..at].trim_end();
            // pg_dump writes a long OPTIONS list one option per indented line.
            let own_line = before.is_empty() && line.starts_with(char::is_whitespace);
            let in_options =
                options_at.is_some_and(|o| o < at) || before.ends_with(',') || before.ends_with('(') || own_line;
            let kind = if in_options { "password option" } else { "role password" };
            found.add(number, line, kind, at, value);
            covered = at + "password".len() + (rest.len() - trimmed.len()) + 1 + value.len();
        } else if let Some(value) = rest.strip_prefix('=') {
            let end = value.find(|c: char| c.is_whitespace() || c == '\'' || c == '"').unwrap_or(value.len());
            found.add(number, line, "connection string password", at, &value[..end]);
            covered = at + "password=".len() + end;
        }
    }
}

/// `scheme://user:password@host`.
fn url_credentials(found: &mut Found, number: usize, line: &str) {
    let mut covered = 0;
    for (at, _) in line.match_indices("://") {
        if at < covered {
            continue;
        }
        let rest = window(line, at + 3);
        let end = rest.find(|c: char| c.is_whitespace() || "/'\"".contains(c)).unwrap_or(rest.len());
        covered = at + 3 + end;
        if let Some((credentials, _host)) = rest[..end].rsplit_once('@') {
            if let Some((_user, password)) = credentials.split_once(':') {
                found.add(number, line, "URL credentials", at, password);
            }
        }
    }
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// API keys and JSON Web Tokens: each maximal run of key characters is looked at once, for the
/// first place a known prefix starts in it; the key runs from there to the end of the run.
fn key_runs(found: &mut Found, number: usize, line: &str) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !is_key_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_key_char(bytes[i]) {
            i += 1;
        }
        let run = &line[start..i];
        if run.len() < 15 {
            continue;
        }
        for (prefix, length, kind) in API_KEYS {
            if let Some(at) = run.find(prefix) {
                // SendGrid keys have two dots inside; a dot that ends a sentence is not part of a key.
                let key = run[at..].trim_end_matches('.');
                if key.len() >= *length && key.len() <= MAX_VALUE {
                    found.add(number, line, kind, start + at, key);
                }
            }
        }
        // JSON Web Tokens (Supabase anon and service keys look like this): three dotted parts.
        if let Some(at) = run.find("eyJ") {
            let token = run[at..].trim_end_matches('.');
            let parts: Vec<&str> = token.splitn(4, '.').collect();
            if parts.len() == 3 && parts.iter().all(|p| p.len() >= 10) && token.len() <= 16 * MAX_VALUE {
                found.add(number, line, "JSON Web Token", start + at, token);
            }
        }
    }
}

/// An AWS secret access key: 40 characters of base64 on a line that names an AWS access key id
/// or the secret key itself.
fn aws_secret(found: &mut Found, number: usize, line: &str, lower: &str) {
    let names_aws = line.contains("AKIA")
        || line.contains("ASIA")
        || lower.contains("aws_secret")
        || lower.contains("secret_access_key");
    if !names_aws {
        return;
    }
    let bytes = line.as_bytes();
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'/' || b == b'+';
    let mut i = 0;
    while i < bytes.len() {
        if !is_b64(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_b64(bytes[i]) {
            i += 1;
        }
        let run = &line[start..i];
        let mixed = run.bytes().any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
            && run.bytes().any(|b| b.is_ascii_lowercase())
            && run.bytes().any(|b| b.is_ascii_uppercase());
        if run.len() == 40 && mixed && !run.starts_with("AKIA") {
            found.add(number, line, "AWS secret access key", start, run);
        }
    }
}

/// Words that name a secret when a value is assigned to them.
const SECRET_NAMES: &[&str] = &[
    "api_key",
    "apikey",
    "api_secret",
    "secret_key",
    "client_secret",
    "access_token",
    "auth_token",
    "private_key",
    "jwt_secret",
    "secret",
    "token",
];

/// `api_key := '…'`, `v_secret = '…'`, `SET app.jwt_secret TO '…'` (`ALTER DATABASE … SET`,
/// `ALTER ROLE … SET`, function bodies): a quoted value assigned to a name that says it is secret.
fn assignments(found: &mut Found, number: usize, line: &str, lower: &str) {
    // Every assigned value is quoted: a line with no quote (most of a dump) has none to look for.
    if !lower.contains('\'') {
        return;
    }
    let bytes = lower.as_bytes();
    let set_at = lower.find(" set ");
    for name in SECRET_NAMES {
        let mut covered = 0;
        for (at, _) in lower.match_indices(name) {
            let end = at + name.len();
            if at < covered {
                continue;
            }
            // The word must end here (`api_key_id` is not `api_key`), and may be a suffix (`v_api_key`).
            if bytes.get(end).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_') {
                continue;
            }
            let rest = window(lower, end);
            let after = rest.trim_start();
            let after = after
                .strip_prefix(":=")
                .or_else(|| after.strip_prefix('='))
                .or_else(|| after.strip_prefix("to ").filter(|_| set_at.is_some_and(|set| set < at)));
            let Some(after) = after else { continue };
            let after = after.trim_start();
            if !after.starts_with('\'') {
                continue;
            }
            let value_at = end + (rest.len() - after.len()) + 1;
            let original = window(line, value_at);
            let value = original.split('\'').next().unwrap_or("");
            if value.len() >= 6 && !value.contains(' ') {
                found.add(number, line, "assigned secret", at, value);
            }
            covered = value_at + value.len();
        }
    }
}

/// `COPY t (…, password, …) FROM stdin;`: which tab-separated fields of the data rows are secrets.
fn copy_secret_columns(lower: &str) -> Option<Vec<usize>> {
    let statement = lower.trim_start();
    if !statement.starts_with("copy ") || !statement.contains("from stdin") {
        return None;
    }
    let open = statement.find('(')?;
    let close = statement[open..].find(')')? + open;
    let columns: Vec<usize> = statement[open + 1..close]
        .split(',')
        .enumerate()
        .filter(|(_, column)| {
            let column = column.trim().trim_matches('"');
            column.contains("password") || SECRET_NAMES.iter().any(|name| column.ends_with(name))
        })
        .map(|(at, _)| at)
        .collect();
    Some(columns)
}

/// One data row of a COPY block: the fields of secret columns (`\N` is NULL, not a secret).
fn copy_row(found: &mut Found, number: usize, line: &str, columns: &[usize]) {
    if columns.is_empty() {
        return;
    }
    let mut offset = 0;
    for (at, field) in line.split('\t').enumerate() {
        if columns.contains(&at) && field != "\\N" && field.len() <= MAX_VALUE {
            found.add(number, line, "password in data", offset, field);
        }
        offset += field.len() + 1;
    }
}

/// PEM private keys (`-----BEGIN … PRIVATE KEY-----` … `-----END`): the body, across lines.
fn private_keys(found: &mut Found, text: &str) {
    let (mut from, mut counted, mut line) = (0, 0, 1);
    while let Some(at) = text[from..].find("-----BEGIN ").map(|i| from + i) {
        let head = span(text, at, 100);
        from = at + "-----BEGIN ".len();
        let Some(header_len) = head[11..].find("-----").map(|i| i + 16) else { continue };
        if !head[..header_len].contains("PRIVATE KEY") {
            continue;
        }
        let body_from = at + header_len;
        let body_window = span(text, body_from, 16 * MAX_VALUE);
        let body_len =
            body_window.find("-----END").unwrap_or_else(|| body_window.find(['\'', '$']).unwrap_or(body_window.len()));
        let body = body_window[..body_len].trim_matches(|c: char| c.is_whitespace() || c == '\\');
        line += crate::reader::count_newlines(&text.as_bytes()[counted..at]);
        counted = at;
        let line_start = ceil_boundary(text, at.saturating_sub(200));
        let before = &text[line_start..at];
        let before = &before[before.rfind(['\n', '\r']).map_or(0, |i| i + 1)..];
        if body.len() >= 16 {
            found.add(line, before, "private key", before.len(), body);
        }
        from = body_from + body_len;
    }
}

/// Key prefixes, the shortest length of a key, and who issues them.
const API_KEYS: &[(&str, usize, &str)] = &[
    ("AKIA", 20, "AWS access key"),
    ("ASIA", 20, "AWS access key"),
    ("sk_live_", 24, "Stripe secret key"),
    ("rk_live_", 24, "Stripe restricted key"),
    ("ghp_", 30, "GitHub token"),
    ("gho_", 30, "GitHub token"),
    ("ghu_", 30, "GitHub token"),
    ("ghs_", 30, "GitHub token"),
    ("ghr_", 30, "GitHub token"),
    ("github_pat_", 40, "GitHub token"),
    ("xoxb-", 15, "Slack token"),
    ("xoxp-", 15, "Slack token"),
    ("AIza", 39, "Google API key"),
    ("SG.", 40, "SendGrid key"),
];

/// `text` with the value of every secret replaced by [`REDACTED`], also where a renderer escaped it
/// (Markdown backslashes, HTML entities, JSON and SQL quoting): redaction runs on the final text of
/// every format, so no escaping can hide a secret from it.
pub fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut values: Vec<String> = Vec::new();
    for secret in secrets {
        let value = secret.value.as_str();
        values.push(value.to_string());
        values.push(crate::render::markdown::text(value));
        values.push(crate::render::html::escape(value));
        values.push(value.replace('\'', "''"));
        values.push(value.replace('\\', "\\\\").replace('"', "\\\""));
        values.push(value.replace('\n', "\\n").replace('\r', "\\r"));
    }
    values.retain(|v| v.len() >= 4);
    values.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    values.dedup();
    // One pass over the text: at each byte, only the values that start with its next four bytes
    // are tried (longest first, so a secret containing another is replaced whole).
    let mut by_start: std::collections::HashMap<&[u8], Vec<&str>> = std::collections::HashMap::new();
    for value in &values {
        by_start.entry(&value.as_bytes()[..4]).or_default().push(value.as_str());
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i + 4 <= bytes.len() {
        let hit = by_start.get(&bytes[i..i + 4]).and_then(|candidates| {
            candidates.iter().find(|v| bytes[i..].starts_with(v.as_bytes()) && text.is_char_boundary(i))
        });
        match hit {
            Some(value) => {
                out.push_str(&text[copied..i]);
                out.push_str(REDACTED);
                i += value.len();
                copied = i;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_found_and_redacted() {
        let dump = "CREATE ROLE app_user LOGIN PASSWORD 'hunter2-prod';
CREATE USER MAPPING FOR app SERVER files OPTIONS (user 'reader', password 's3cr3t-map');
CREATE SUBSCRIPTION s CONNECTION 'host=db port=5432 password=conn-pass-1 dbname=x' PUBLICATION p;
COMMENT ON TABLE t IS 'copied from postgresql://admin:Adm1nPass@db.internal:5432/prod';
CREATE TABLE k (key text DEFAULT 'sk_live_4eC39HqLyjWDarjtT1zdp7dc');
CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT 'eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ' $$;
CREATE TABLE plain (password_hash text, note text DEFAULT 'password');";
        let secrets = find_secrets(dump);
        let kinds: Vec<(usize, &str)> = secrets.iter().map(|s| (s.line, s.kind)).collect();
        assert_eq!(
            kinds,
            [
                (1, "role password"),
                (2, "password option"),
                (3, "connection string password"),
                (4, "URL credentials"),
                (5, "Stripe secret key"),
                (6, "JSON Web Token")
            ]
        );
        let redacted = redact(dump, &secrets);
        for value in ["hunter2-prod", "s3cr3t-map", "conn-pass-1", "Adm1nPass", "sk_live_4eC39", "eyJhbGciOiJIUzI1NiJ9"]
        {
            assert!(!redacted.contains(value), "{value} left in:\n{redacted}");
        }
        assert!(redacted.contains("PASSWORD '[REDACTED]'"));
        assert!(redacted.contains("postgresql://admin:[REDACTED]@db.internal"));
        // What is shown never holds the value.
        let shown = serde_json::to_string(&secrets).unwrap();
        assert!(!shown.contains("hunter2") && !shown.contains("Adm1nPass"), "{shown}");
        assert_eq!(secrets[0].context, "CREATE ROLE app_user LOGIN");
    }

    /// Found by a probe: these were never detected, in any format.
    #[test]
    fn github_tokens_aws_secrets_private_keys_assignments_and_data_are_found() {
        let dump = "COMMENT ON TABLE t IS 'ci token ghp_1234567890abcdefghijklmnopqrstuvwxyzAB';
CREATE TABLE aws (id text DEFAULT 'AKIAIOSFODNN7EXAMPLE', secret text DEFAULT 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $$ DECLARE api_key text; BEGIN api_key := 'k3y-v4lue-9f8e7d'; RETURN api_key; END $$;
COMMENT ON TABLE k IS '-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA7bq98gHfBQ0dUPrivateBody0123456789
-----END RSA PRIVATE KEY-----';
ALTER DATABASE app SET app.jwt_secret TO 'super-secret-jwt-value';
COPY public.users (id, email, password_hash) FROM stdin;
1\ta@b.c\t$2a$10$abcdefghijklmnopqrstuv
2\tc@d.e\t\\N
\\.
";
        let secrets = find_secrets(dump);
        let kinds: Vec<(usize, &str)> = secrets.iter().map(|s| (s.line, s.kind)).collect();
        assert_eq!(
            kinds,
            [
                (1, "GitHub token"),
                (2, "AWS access key"),
                (2, "AWS secret access key"),
                (3, "assigned secret"),
                (4, "private key"),
                (7, "assigned secret"),
                (9, "password in data"),
            ]
        );
        let redacted = redact(dump, &secrets);
        for value in ["ghp_1234", "wJalrXUtnFEMI", "k3y-v4lue", "MIIEowIBAAKCAQEA", "super-secret-jwt", "$2a$10$abc"] {
            assert!(!redacted.contains(value), "{value} left in:\n{redacted}");
        }
    }

    /// Found by a probe: Markdown escaped `_` before redaction, so `Pass_word1` was printed.
    #[test]
    fn escaped_forms_are_redacted_too() {
        let secrets = find_secrets("CREATE ROLE r PASSWORD 'Pass_word1<&>';");
        assert_eq!(secrets.len(), 1);
        for rendered in [
            crate::render::markdown::text("Pass_word1<&>"),
            crate::render::html::escape("Pass_word1<&>"),
            "Pass_word1<&>".to_string(),
        ] {
            assert_eq!(redact(&format!("x {rendered} y"), &secrets), "x [REDACTED] y", "{rendered}");
        }
    }

    #[test]
    fn ordinary_schema_text_is_not_a_secret() {
        let dump = "CREATE TABLE t (token text, api_key_id uuid, secret_santa boolean DEFAULT false);
CREATE POLICY p ON t USING ((auth.jwt() ->> 'role'::text) = 'service_role'::text);
COMMENT ON COLUMN t.token IS 'the token = an opaque id';
COPY public.t (token, note) FROM stdin;
\\N\tx
\\.
";
        assert_eq!(find_secrets(dump).iter().map(|s| s.kind).collect::<Vec<_>>(), Vec::<&str>::new());
    }

    /// Found by a probe: 64 KB of repeated `AKIA` took 240 s and 22 GB. Each detector now looks a
    /// bounded distance from where it starts: growing the input 16 times grows the time about as much.
    #[test]
    fn repeated_prefixes_cost_linear_time() {
        for unit in [
            "AKIA",
            "password=",
            "password '",
            "eyJ.",
            "ghp_",
            "api_key := '",
            "set secret to '",
            "://a:b@",
            "-----BEGIN PRIVATE KEY-----",
        ] {
            let cost = |copies: usize| {
                let text = format!("COMMENT ON TABLE t IS '{}';", unit.repeat(copies));
                let started = std::time::Instant::now();
                let found = find_secrets(&text);
                let _ = redact(&text, &found);
                started.elapsed().as_secs_f64()
            };
            // The least of three runs: a busy machine only ever adds time.
            let least = |copies: usize| (0..3).map(|_| cost(copies)).fold(f64::INFINITY, f64::min);
            let small = least(4_000).max(1e-4);
            let large = least(64_000);
            // The ratio is the check (linear gives about 16, quadratic 256); the bound on time only
            // catches a pass that never ends, generous for a debug build on a busy 2-core machine.
            assert!(
                large < 10.0 && large / small < 64.0,
                "{unit}: 4,000 copies {small:.4} s, 64,000 copies {large:.4} s"
            );
        }
    }
}
