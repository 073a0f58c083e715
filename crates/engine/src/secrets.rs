//! Secrets inside dumps: role passwords, user-mapping and server options, connection strings and
//! URLs with credentials, and common API-key shapes in comments, defaults or function bodies.
//!
//! Architecture invariant: a secret's value never leaves this module except through [`redact`]'s
//! replacement: [`Secret`] serializes without it, and what is shown names the line and the kind.

use serde::{Deserialize, Serialize};

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

/// Every secret in a dump, in line order.
pub fn find_secrets(text: &str) -> Vec<Secret> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let lower = line.to_ascii_lowercase();
        let mut found = |kind: &'static str, start: usize, value: &str| {
            if value.len() >= 4
                && !value.eq_ignore_ascii_case(REDACTED)
                && !out.iter().any(|s: &Secret| s.value == value && s.line == index + 1)
            {
                let context: String = line[..start].trim().chars().take(60).collect();
                out.push(Secret { line: index + 1, kind, context, value: value.to_string() });
            }
        };
        // `PASSWORD 'x'` of CREATE / ALTER ROLE or USER, and `password 'x'` in OPTIONS (…).
        for (at, _) in lower.match_indices("password") {
            let rest = &line[at + "password".len()..];
            let trimmed = rest.trim_start();
            if let Some(value) = trimmed.strip_prefix('\'').and_then(|r| r.split('\'').next()) {
                let in_options = lower[..at].contains("options")
                    || lower[..at].trim_end().ends_with(',')
                    || lower[..at].trim_end().ends_with('(');
                let kind = if in_options { "password option" } else { "role password" };
                found(kind, at, value);
            } else if let Some(value) = rest.strip_prefix('=') {
                let value: String =
                    value.chars().take_while(|c| !c.is_whitespace() && *c != '\'' && *c != '"').collect();
                found("connection string password", at, &value);
            }
        }
        // `scheme://user:password@host`.
        for (at, _) in line.match_indices("://") {
            let authority: String =
                line[at + 3..].chars().take_while(|c| !c.is_whitespace() && !"/'\"".contains(*c)).collect();
            if let Some((credentials, _host)) = authority.rsplit_once('@') {
                if let Some((_user, password)) = credentials.split_once(':') {
                    found("URL credentials", at, password);
                }
            }
        }
        for (prefix, length, kind) in API_KEYS {
            for (at, _) in line.match_indices(prefix) {
                // SendGrid keys have two dots inside; a dot that ends a sentence is not part of a key.
                let key: String =
                    line[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "_-.".contains(*c)).collect();
                let key = key.trim_end_matches('.');
                if key.len() >= *length {
                    found(kind, at, key);
                }
            }
        }
        // JSON Web Tokens (Supabase anon and service keys look like this).
        for (at, _) in line.match_indices("eyJ") {
            let token: String =
                line[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "_-.".contains(*c)).collect();
            if token.split('.').filter(|part| part.len() >= 10).count() == 3 {
                found("JSON Web Token", at, &token);
            }
        }
    }
    out
}

/// Key prefixes, the shortest length of a key, and who issues them.
const API_KEYS: &[(&str, usize, &str)] = &[
    ("AKIA", 20, "AWS access key"),
    ("sk_live_", 24, "Stripe secret key"),
    ("rk_live_", 24, "Stripe restricted key"),
    ("ghp_", 40, "GitHub token"),
    ("github_pat_", 40, "GitHub token"),
    ("xoxb-", 15, "Slack token"),
    ("xoxp-", 15, "Slack token"),
    ("AIza", 39, "Google API key"),
    ("SG.", 40, "SendGrid key"),
];

/// `text` with the value of every secret replaced by [`REDACTED`].
pub fn redact(text: &str, secrets: &[Secret]) -> String {
    let mut values: Vec<&str> = secrets.iter().map(|s| s.value.as_str()).collect();
    // Longest first, so a secret containing another is replaced whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    let mut out = text.to_string();
    for value in values {
        out = out.replace(value, REDACTED);
    }
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
}
