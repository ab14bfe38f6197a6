//! A readable comparison of two versions of a summary field, line by line: which lines stayed
//! the same, which were added and which removed, in reading order.
//!
//! It is the classic longest-common-subsequence diff. Lines common to the start and the end
//! of both texts are matched first, so the table is only built for the part that changed;
//! when even that part is too large to compare line against line (see [`MAX_CELLS`]), the
//! old lines are shown removed and the new ones added, which is still a correct (if less
//! helpful) answer.

use crate::reviews::vocabulary::vocabulary;
use serde::{Deserialize, Serialize};

vocabulary! {
    /// What happened to a line between two versions.
    DiffTag {
        Same => ("SAME", "In both versions"),
        Added => ("ADDED", "Added in the newer version"),
        Removed => ("REMOVED", "Removed from the older version"),
    }
}

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub tag: DiffTag,
    /// The line, without its line break.
    pub text: String,
    /// Its number in the older version (from 1); none for an added line.
    pub old_line: Option<usize>,
    /// Its number in the newer version (from 1); none for a removed line.
    pub new_line: Option<usize>,
}

/// The largest changed part compared line against line: old lines times new lines. Beyond
/// it the table would take too much memory (four bytes a cell), and the comparison falls
/// back to "all removed, all added" for that part.
pub const MAX_CELLS: usize = 4_000_000;

/// The lines of a text: split at `\n` (a `\r` before it is dropped). An empty text has no
/// lines, and a final line break does not start another line.
fn lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    text.strip_suffix('\n')
        .unwrap_or(text)
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// Compares `old` with `new` line by line: every line of both, in reading order, tagged
/// SAME, REMOVED or ADDED. Where lines were replaced, the removed lines come before the
/// added ones.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let a = lines(old);
    let b = lines(new);
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);

    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let same = |out: &mut Vec<DiffLine>, i: usize, j: usize| {
        out.push(DiffLine {
            tag: DiffTag::Same,
            text: a[i].to_string(),
            old_line: Some(i + 1),
            new_line: Some(j + 1),
        });
    };
    for i in 0..prefix {
        same(&mut out, i, i);
    }
    for step in middle(a_mid, b_mid) {
        match step {
            Step::Same(i, j) => same(&mut out, prefix + i, prefix + j),
            Step::Removed(i) => out.push(DiffLine {
                tag: DiffTag::Removed,
                text: a_mid[i].to_string(),
                old_line: Some(prefix + i + 1),
                new_line: None,
            }),
            Step::Added(j) => out.push(DiffLine {
                tag: DiffTag::Added,
                text: b_mid[j].to_string(),
                old_line: None,
                new_line: Some(prefix + j + 1),
            }),
        }
    }
    for k in 0..suffix {
        same(&mut out, a.len() - suffix + k, b.len() - suffix + k);
    }
    out
}

/// One step through the changed part (indices into it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Same(usize, usize),
    Removed(usize),
    Added(usize),
}

/// The steps through two line lists that keep the longest common subsequence.
fn middle(a: &[&str], b: &[&str]) -> Vec<Step> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 || n.saturating_mul(m) > MAX_CELLS {
        return (0..n)
            .map(Step::Removed)
            .chain((0..m).map(Step::Added))
            .collect();
    }
    // lcs[i * (m + 1) + j]: the longest common subsequence of a[i..] and b[j..].
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if a[i] == b[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let mut steps = Vec::with_capacity(n + m);
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i] == b[j] {
            steps.push(Step::Same(i, j));
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
            steps.push(Step::Removed(i));
            i += 1;
        } else {
            steps.push(Step::Added(j));
            j += 1;
        }
    }
    steps.extend((i..n).map(Step::Removed));
    steps.extend((j..m).map(Step::Added));
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use DiffTag::*;

    fn tags(old: &str, new: &str) -> Vec<(DiffTag, String)> {
        diff_lines(old, new)
            .into_iter()
            .map(|l| (l.tag, l.text))
            .collect()
    }

    fn line(tag: DiffTag, text: &str) -> (DiffTag, String) {
        (tag, text.to_string())
    }

    #[test]
    fn the_same_text_is_all_same() {
        let text = "Neglect was seen late.\n\nSchools noticed first.";
        let d = diff_lines(text, text);
        assert_eq!(d.len(), 3);
        assert!(d.iter().all(|l| l.tag == Same));
        assert_eq!(d[2].old_line, Some(3));
        assert_eq!(d[2].new_line, Some(3));
        assert!(diff_lines("", "").is_empty());
    }

    #[test]
    fn from_nothing_everything_is_added_and_back() {
        assert_eq!(tags("", "a\nb"), [line(Added, "a"), line(Added, "b")]);
        assert_eq!(tags("a\nb", ""), [line(Removed, "a"), line(Removed, "b")]);
    }

    #[test]
    fn a_changed_line_is_removed_then_added_in_place() {
        assert_eq!(
            tags(
                "- Police\n- Health\n- Schools",
                "- Police\n- Health visitors\n- Schools"
            ),
            [
                line(Same, "- Police"),
                line(Removed, "- Health"),
                line(Added, "- Health visitors"),
                line(Same, "- Schools"),
            ]
        );
    }

    #[test]
    fn insertions_and_deletions_keep_the_longest_common_lines() {
        let d = diff_lines("a\nb\nc\nd\ne", "a\nc\nx\nd\ne\nf");
        let got: Vec<(DiffTag, &str, Option<usize>, Option<usize>)> = d
            .iter()
            .map(|l| (l.tag, l.text.as_str(), l.old_line, l.new_line))
            .collect();
        assert_eq!(
            got,
            [
                (Same, "a", Some(1), Some(1)),
                (Removed, "b", Some(2), None),
                (Same, "c", Some(3), Some(2)),
                (Added, "x", None, Some(3)),
                (Same, "d", Some(4), Some(4)),
                (Same, "e", Some(5), Some(5)),
                (Added, "f", None, Some(6)),
            ]
        );
    }

    #[test]
    fn a_moved_block_shows_as_removed_and_added() {
        let d = tags("one\ntwo\nthree", "three\none\ntwo");
        let same: Vec<&str> = d
            .iter()
            .filter(|(t, _)| *t == Same)
            .map(|(_, s)| s.as_str())
            .collect();
        assert_eq!(same, ["one", "two"]);
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn line_endings_are_not_changes() {
        assert!(diff_lines("a\r\nb\r\n", "a\nb")
            .iter()
            .all(|l| l.tag == Same));
        assert_eq!(tags("a\n", "a\n\n"), [line(Same, "a"), line(Added, "")]);
    }

    #[test]
    fn every_line_of_both_versions_appears_once_in_order() {
        let old = "p\nq\nr\ns\nt\nu\nv";
        let new = "q\nx\ns\nt\ny\nv\nw";
        let d = diff_lines(old, new);
        let olds: Vec<&str> = d
            .iter()
            .filter(|l| l.tag != Added)
            .map(|l| l.text.as_str())
            .collect();
        let news: Vec<&str> = d
            .iter()
            .filter(|l| l.tag != Removed)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(olds.join("\n"), old);
        assert_eq!(news.join("\n"), new);
        assert_eq!(d.iter().filter(|l| l.tag == Same).count(), 4, "q s t v");
    }

    #[test]
    fn too_large_a_change_falls_back_to_removed_then_added() {
        let old: String = (0..2_100).map(|i| format!("old {i}\n")).collect();
        let new: String = (0..2_100).map(|i| format!("new {i}\n")).collect();
        let old = format!("kept\n{old}end");
        let new = format!("kept\n{new}end");
        let d = diff_lines(&old, &new);
        assert_eq!(d.len(), 2 + 2 * 2_100);
        assert_eq!(d[0].tag, Same);
        assert!(d[1..=2_100].iter().all(|l| l.tag == Removed));
        assert!(d[2_101..=4_200].iter().all(|l| l.tag == Added));
        assert_eq!(d[4_201].tag, Same);
        assert_eq!(d[4_201].text, "end");
    }

    #[test]
    fn codes_round_trip() {
        for t in DiffTag::ALL {
            assert_eq!(DiffTag::from_code(t.code()), Some(*t));
        }
    }
}
