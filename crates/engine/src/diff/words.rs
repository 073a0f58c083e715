//! A word-level diff of two texts (function bodies, view queries, policy expressions), so a
//! reviewer sees what changed inside a long definition rather than two long texts.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Same,
    Removed,
    Added,
}

/// A run of words that is on both sides, only on the old side, or only on the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub part: Part,
    pub text: String,
}

/// Above this many word pairs the texts are shown as one removal and one addition instead: the
/// longest-common-subsequence table would take too long to fill.
const MAX_CELLS: usize = 4_000_000;

/// The words of `old` and `new` (split on whitespace) as same / removed / added runs.
pub fn word_diff(old: &str, new: &str) -> Vec<Segment> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.split_whitespace().collect(), new.split_whitespace().collect());
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        return vec![
            Segment { part: Part::Removed, text: a.join(" ") },
            Segment { part: Part::Added, text: b.join(" ") },
        ];
    }
    // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let mut out: Vec<Segment> = Vec::new();
    let mut push = |part: Part, word: &str| match out.last_mut() {
        Some(last) if last.part == part => {
            last.text.push(' ');
            last.text.push_str(word);
        }
        _ => out.push(Segment { part, text: word.to_string() }),
    };
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            push(Part::Same, a[i]);
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            push(Part::Added, b[j]);
            j += 1;
        } else {
            push(Part::Removed, a[i]);
            i += 1;
        }
    }
    out
}

/// For each line of `old` and of `new`, whether it is left out of their longest common subsequence
/// of lines: the lines a side-by-side view marks as removed (in `old`) and added (in `new`). Above
/// [`MAX_CELLS`] line pairs, a line is marked when the other side has no equal line.
pub fn unmatched_lines(old: &str, new: &str) -> (Vec<bool>, Vec<bool>) {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        let (in_a, in_b): (std::collections::HashSet<&str>, std::collections::HashSet<&str>) =
            (a.iter().copied().collect(), b.iter().copied().collect());
        return (a.iter().map(|l| !in_b.contains(l)).collect(), b.iter().map(|l| !in_a.contains(l)).collect());
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut removed, mut added) = (vec![true; a.len()], vec![true; b.len()]);
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            removed[i] = false;
            added[j] = false;
            i += 1;
            j += 1;
        } else if lcs[i][j + 1] > lcs[i + 1][j] {
            j += 1;
        } else {
            i += 1;
        }
    }
    (removed, added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_on_one_side_only_are_marked() {
        let old = "CREATE TABLE t (\n    a integer,\n    b text\n);\nCREATE INDEX i ON t (a);";
        let new = "CREATE TABLE t (\n    a bigint,\n    b text\n);\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);";
        let (removed, added) = unmatched_lines(old, new);
        assert_eq!(removed, [false, true, false, false, false]);
        assert_eq!(added, [false, true, false, false, false, true]);
        assert_eq!(unmatched_lines("", "x"), (vec![], vec![true]));
        // Very long texts: marked by whether the other side has the line at all.
        let long = "x\n".repeat(2100) + "only old";
        let (removed, added) = unmatched_lines(&long, &("x\n".repeat(2100) + "only new"));
        assert!(removed[..2100].iter().all(|m| !m) && removed[2100] && added[2100]);
    }

    fn show(old: &str, new: &str) -> String {
        word_diff(old, new)
            .iter()
            .map(|s| match s.part {
                Part::Same => s.text.clone(),
                Part::Removed => format!("[-{}-]", s.text),
                Part::Added => format!("{{+{}+}}", s.text),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn words_added_removed_and_kept() {
        assert_eq!(
            show("SELECT count(*) FROM t WHERE a = 1", "SELECT count(*) FROM t WHERE a = 1 AND b <> 'done'"),
            "SELECT count(*) FROM t WHERE a = 1 {+AND b <> 'done'+}"
        );
        assert_eq!(
            show("coalesce(sum(x), 0)", "round(coalesce(sum(x), 0), 2)"),
            "[-coalesce(sum(x), 0)-] {+round(coalesce(sum(x), 0), 2)+}"
        );
        assert_eq!(show("a  b\n c", "a b c"), "a b c", "whitespace does not count");
    }

    #[test]
    fn very_long_texts_fall_back_to_one_removal_and_one_addition() {
        let old = "w ".repeat(3000);
        let new = "v ".repeat(3000);
        let parts: Vec<Part> = word_diff(&old, &new).iter().map(|s| s.part).collect();
        assert_eq!(parts, [Part::Removed, Part::Added]);
    }
}
