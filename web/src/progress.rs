//! A learner's progress: lessons visited and completed, quiz answers, exercise results and code.
//!
//! Kept in the browser's storage as a small line-based text with a schema version, the same text
//! a learner exports to a file and imports back. Reading never fails the page: a damaged line is
//! skipped and reported, a foreign or newer file is refused with a reason and overwrites
//! nothing, and the format of an older version is migrated.

use netsplit_lessons::quiz::Answer;

/// The first line of every progress text, followed by the schema version.
pub const MAGIC: &str = "netsplit-progress";
/// The schema this build writes.
pub const SCHEMA_VERSION: u32 = 1;
/// The largest progress text read. A real record is a few KB; with every exercise's code at
/// [`MAX_CODE_BYTES`] it stays under 1 MB for the whole course, and storage holds about 5 MB.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// The most code kept per exercise: the grader refuses longer sources (the sandbox's
/// `MAX_SOURCE_BYTES`), so nothing gradable is lost, and one huge paste can never make the
/// record too large to store or read.
pub const MAX_CODE_BYTES: usize = 64 * 1024;

/// Values by string key, kept sorted by key: a few hundred entries at most, so a sorted vector
/// serves, and it costs the page far less code than a map type per value type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Records<T>(Vec<(String, T)>);

impl<T> Default for Records<T> {
    fn default() -> Self {
        Records(Vec::new())
    }
}

impl<T> Records<T> {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// Sets the value under `key`.
    pub fn insert(&mut self, key: String, value: T) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    /// Removes the value under `key`.
    pub fn remove(&mut self, key: &str) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }

    /// How many values.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True if there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Keys and values in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
}

/// How an exercise went the last time it was graded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExerciseStatus {
    /// Every case passed.
    Passed,
    /// Graded, not yet passing.
    Failed,
}

/// Everything remembered about one learner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Lessons opened, by slug.
    pub visited: Vec<String>,
    /// The lesson opened last (for "continue where you left off").
    pub last_lesson: Option<String>,
    /// Quiz answers by `scope/item-id` (scope: a lesson slug or `assessment`).
    pub answers: Records<Answer>,
    /// Exercise results by exercise id.
    pub exercises: Records<ExerciseStatus>,
    /// The learner's code by exercise id.
    pub code: Records<String>,
}

/// What reading a progress text found besides the progress itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadNotes {
    /// Lines that could not be read and were skipped: (line number, why).
    pub skipped: Vec<(usize, String)>,
}

/// Why a text is not a progress record at all (nothing of it is used).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Not a Netsplit progress file.
    Foreign,
    /// Written by a newer Netsplit.
    Newer(u32),
    /// Larger than [`MAX_BYTES`].
    TooLarge(usize),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Foreign => write!(
                f,
                "this is not a Netsplit progress file (it should start with \"{MAGIC} {SCHEMA_VERSION}\")"
            ),
            ReadError::Newer(v) => write!(
                f,
                "this file was saved by a newer Netsplit (format {v}; this page reads up to {SCHEMA_VERSION}); reload the page to update it"
            ),
            ReadError::TooLarge(n) => write!(
                f,
                "this file is {n} bytes, too large for a progress file (at most {MAX_BYTES})"
            ),
        }
    }
}

impl Progress {
    /// Records a visit to a lesson.
    pub fn visit(&mut self, slug: &str) {
        if !self.visited.iter().any(|v| v == slug) {
            self.visited.push(slug.to_string());
        }
        self.last_lesson = Some(slug.to_string());
    }

    /// The key of a quiz answer.
    pub fn answer_key(scope: &str, item: &str) -> String {
        format!("{scope}/{item}")
    }

    /// The saved answer to an item, if any.
    pub fn answer(&self, scope: &str, item: &str) -> Option<&Answer> {
        self.answers.get(&Self::answer_key(scope, item))
    }

    /// True if nothing is recorded.
    pub fn is_empty(&self) -> bool {
        *self == Progress::default()
    }

    /// The text form: stored, exported and imported.
    pub fn to_text(&self) -> String {
        let mut out = format!("{MAGIC} {SCHEMA_VERSION}\n");
        for v in &self.visited {
            out.push_str(&format!("visited {}\n", escape(v)));
        }
        if let Some(l) = &self.last_lesson {
            out.push_str(&format!("last {}\n", escape(l)));
        }
        for (k, a) in self.answers.iter() {
            out.push_str(&format!("answer {} {}\n", escape(k), answer_text(a)));
        }
        for (id, s) in self.exercises.iter() {
            let s = match s {
                ExerciseStatus::Passed => "passed",
                ExerciseStatus::Failed => "failed",
            };
            out.push_str(&format!("exercise {} {s}\n", escape(id)));
        }
        for (id, code) in self.code.iter() {
            out.push_str(&format!("code {} {}\n", escape(id), escape(code)));
        }
        out
    }

    /// Reads a progress text. Lines that cannot be read are skipped and listed in the notes;
    /// only a text that is not progress at all, or is from a newer version, is refused.
    pub fn from_text(text: &str) -> Result<(Progress, ReadNotes), ReadError> {
        if text.len() > MAX_BYTES {
            return Err(ReadError::TooLarge(text.len()));
        }
        let mut lines = text.lines().enumerate();
        let version = lines
            .next()
            .and_then(|(_, first)| first.trim().strip_prefix(MAGIC))
            .and_then(|v| v.trim().parse::<u32>().ok())
            .ok_or(ReadError::Foreign)?;
        if version > SCHEMA_VERSION {
            return Err(ReadError::Newer(version));
        }
        Ok(Self::read_lines(lines))
    }

    /// Reads numbered lines (0-based), skipping blank ones; a line that cannot be read is noted
    /// with its number (1-based) and why.
    fn read_lines<'a>(lines: impl Iterator<Item = (usize, &'a str)>) -> (Progress, ReadNotes) {
        let mut p = Progress::default();
        let mut notes = ReadNotes::default();
        for (i, line) in lines {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                continue;
            }
            if let Err(why) = p.read_line(line) {
                notes.skipped.push((i + 1, why));
            }
        }
        (p, notes)
    }

    /// Reads what can be read from a record that was set aside because it could not be read:
    /// like [`Progress::from_text`], but a damaged first line or a record too large to load is
    /// no reason to refuse the lines after it (every line is read on its own).
    pub fn salvage(text: &str) -> (Progress, ReadNotes) {
        let lines = text
            .lines()
            .enumerate()
            .filter(|(i, line)| !(*i == 0 && line.trim().starts_with(MAGIC)));
        let (p, mut notes) = Self::read_lines(lines);
        // A damaged record can hold anything: say where, not the whole line, and no control
        // characters.
        for (_, why) in &mut notes.skipped {
            *why = why
                .chars()
                .take(200)
                .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
                .collect();
        }
        (p, notes)
    }

    /// Adds what `other` has and this record does not: lessons visited, answers, results and
    /// code this record has nothing for (what this record holds is newer, so it stays).
    pub fn add_missing(&mut self, other: Progress) {
        for v in other.visited {
            if !self.visited.contains(&v) {
                self.visited.push(v);
            }
        }
        if self.last_lesson.is_none() {
            self.last_lesson = other.last_lesson;
        }
        for (k, a) in other.answers.0 {
            if self.answers.get(&k).is_none() {
                self.answers.insert(k, a);
            }
        }
        for (k, e) in other.exercises.0 {
            if self.exercises.get(&k).is_none() {
                self.exercises.insert(k, e);
            }
        }
        for (k, c) in other.code.0 {
            if self.code.get(&k).is_none() {
                self.code.insert(k, c);
            }
        }
    }

    /// The exercises with saved code, the largest code first: the order in which code is left
    /// out when storage refuses the whole record.
    pub fn code_largest_first(&self) -> Vec<String> {
        let mut by_size: Vec<(usize, &String)> =
            self.code.iter().map(|(k, c)| (c.len(), k)).collect();
        by_size.sort_by(|a, b| b.cmp(a));
        by_size.into_iter().map(|(_, k)| k.clone()).collect()
    }

    fn read_line(&mut self, line: &str) -> Result<(), String> {
        let mut words = line.split(' ');
        let kind = words.next().unwrap_or_default();
        let mut word = |what: &str| {
            words
                .next()
                .filter(|w| !w.is_empty())
                .ok_or(format!("`{kind}` needs {what}"))
                .and_then(unescape)
        };
        match kind {
            "visited" => {
                let slug = word("a lesson")?;
                if !self.visited.contains(&slug) {
                    self.visited.push(slug);
                }
            }
            "last" => self.last_lesson = Some(word("a lesson")?),
            "answer" => {
                let key = word("an item")?;
                let answer = parse_answer(&word("an answer")?)?;
                self.answers.insert(key, answer);
            }
            "exercise" => {
                let id = word("an exercise")?;
                let status = match word("a status")?.as_str() {
                    "passed" => ExerciseStatus::Passed,
                    "failed" => ExerciseStatus::Failed,
                    other => return Err(format!("unknown exercise status `{other}`")),
                };
                self.exercises.insert(id, status);
            }
            "code" => {
                let id = word("an exercise")?;
                let code = word("code")?;
                if code.len() > MAX_CODE_BYTES {
                    return Err(format!(
                        "the code for `{id}` is {} KB, over the {} KB kept per exercise",
                        code.len() / 1024,
                        MAX_CODE_BYTES / 1024
                    ));
                }
                self.code.insert(id, code);
            }
            other => return Err(format!("unknown record `{other}`")),
        }
        Ok(())
    }
}

/// `c2` (a choice), `m0,2` (choices), `o2,0,1` (an order), `n-4` (a number).
fn answer_text(a: &Answer) -> String {
    let list = |v: &[u32]| {
        v.iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    match a {
        Answer::Choice(i) => format!("c{i}"),
        Answer::Choices(v) => format!("m{}", list(v)),
        Answer::Order(v) => format!("o{}", list(v)),
        Answer::Number(n) => format!("n{n}"),
    }
}

fn parse_answer(s: &str) -> Result<Answer, String> {
    let bad = || format!("unreadable answer `{s}`");
    let list = |rest: &str| -> Result<Vec<u32>, String> {
        if rest.is_empty() {
            return Ok(Vec::new());
        }
        rest.split(',')
            .map(|x| x.parse::<u32>().map_err(|_| bad()))
            .collect()
    };
    let (tag, rest) = s.split_at(s.char_indices().nth(1).map_or(s.len(), |(i, _)| i));
    match tag {
        "c" => rest.parse().map(Answer::Choice).map_err(|_| bad()),
        "m" => list(rest).map(Answer::Choices),
        "o" => list(rest).map(Answer::Order),
        "n" => rest.parse().map(Answer::Number).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// Percent-escapes what would break a line into words: `%`, space, line breaks, tabs, and other
/// control characters. The text stays readable for ids and short code.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' | ' ' | '\n' | '\r' | '\t' => out.push_str(&format!("%{:02X}", c as u32)),
            // Other C0 and C1 control characters (no Unicode tables needed for this range).
            c if (c as u32) < 0x20 || (0x7F..0xA0).contains(&(c as u32)) => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        // An empty value still needs a word of its own.
        out.push_str("%00");
    }
    out
}

fn unescape(s: &str) -> Result<String, String> {
    if s == "%00" {
        return Ok(String::new());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let hex = rest
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .ok_or(format!("a broken escape in `{s}`"))?;
        out.push(char::from(hex));
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Progress {
        let mut p = Progress::default();
        p.visit("two-generals");
        p.visit("raft-safety");
        p.answers
            .insert("two-generals/q1".into(), Answer::Choice(2));
        p.answers
            .insert("raft-safety/order".into(), Answer::Order(vec![2, 0, 1]));
        p.answers.insert("assessment/w".into(), Answer::Number(-4));
        p.answers.insert("x/m".into(), Answer::Choices(vec![]));
        p.exercises
            .insert("raft-vote".into(), ExerciseStatus::Passed);
        p.exercises
            .insert("lamport-rules".into(), ExerciseStatus::Failed);
        p.code.insert(
            "raft-vote".into(),
            "fn f(x) {\n\tx + 1 % 2 // 100%\r\n}\u{1}é".into(),
        );
        p.code.insert("empty".into(), String::new());
        p
    }

    #[test]
    fn code_over_the_cap_is_skipped_on_reading_and_the_rest_kept() {
        let mut text = sample().to_text();
        text.push_str(&format!("code big {}\n", "x".repeat(MAX_CODE_BYTES + 1)));
        let (back, notes) = Progress::from_text(&text).unwrap();
        assert_eq!(back, sample());
        assert_eq!(notes.skipped.len(), 1);
        assert!(
            notes.skipped[0]
                .1
                .contains("over the 64 KB kept per exercise"),
            "{:?}",
            notes
        );
    }

    #[test]
    fn a_set_aside_record_is_salvaged_line_by_line_even_without_its_header() {
        let text = sample().to_text();
        let damaged = format!(
            "\u{0}garbage{{{{\n{}",
            text.lines().skip(1).collect::<Vec<_>>().join("\n")
        );
        let (back, notes) = Progress::salvage(&damaged);
        assert_eq!(back, sample());
        assert_eq!(notes.skipped.len(), 1);
        assert_eq!(notes.skipped[0].0, 1);
    }

    #[test]
    fn adding_a_set_aside_record_keeps_what_this_one_has() {
        let mut now = Progress::default();
        now.visit("lamport-clocks");
        now.code.insert("raft-vote".into(), "newer".into());
        now.add_missing(sample());
        assert_eq!(now.code.get("raft-vote").map(String::as_str), Some("newer"));
        assert_eq!(now.last_lesson.as_deref(), Some("lamport-clocks"));
        assert!(now.visited.contains(&"two-generals".to_string()));
        assert_eq!(now.answers.len(), sample().answers.len());
    }

    #[test]
    fn a_record_storage_refuses_drops_its_largest_code_first() {
        let mut p = sample();
        p.code.insert("huge".into(), "y".repeat(50_000));
        assert_eq!(p.code_largest_first(), ["huge", "raft-vote", "empty"]);
    }

    #[test]
    fn progress_round_trips_through_its_text() {
        let p = sample();
        let (back, notes) = Progress::from_text(&p.to_text()).unwrap();
        assert_eq!(back, p);
        assert!(notes.skipped.is_empty());
        assert!(p.to_text().starts_with("netsplit-progress 1\n"));
    }

    #[test]
    fn a_damaged_line_is_skipped_and_named_and_the_rest_kept() {
        let text = sample()
            .to_text()
            .replace("answer two-generals/q1 c2", "answer two-generals/q1 c#");
        let text = text + "bogus line\ncode x %Z\n";
        let (p, notes) = Progress::from_text(&text).unwrap();
        assert_eq!(notes.skipped.len(), 3, "{notes:?}");
        assert!(p.answer("two-generals", "q1").is_none());
        assert_eq!(p.exercises.len(), 2);
    }

    #[test]
    fn a_foreign_or_newer_file_is_refused() {
        assert_eq!(Progress::from_text("{\"a\": 1}"), Err(ReadError::Foreign));
        assert_eq!(Progress::from_text(""), Err(ReadError::Foreign));
        assert_eq!(
            Progress::from_text("netsplit-progress 9\n"),
            Err(ReadError::Newer(9))
        );
        let big = "x".repeat(MAX_BYTES + 1);
        assert!(matches!(
            Progress::from_text(&big),
            Err(ReadError::TooLarge(_))
        ));
    }

    /// Seeded garbage never panics: it is refused or read with lines skipped.
    #[test]
    fn garbage_never_panics() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let alphabet: Vec<char> =
            "netsplit-progress 1\nanswer code visited % c m o n , 0 9 é\u{0}\r\t/x"
                .chars()
                .collect();
        for _ in 0..3_000 {
            let mut s = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = x % 200;
            for _ in 0..len {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
            }
            let _ = Progress::from_text(&s);
            let _ = Progress::from_text(&format!("netsplit-progress 1\n{s}"));
        }
    }
}
