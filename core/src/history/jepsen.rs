//! Jepsen's history logs, as in Porcupine's test data: etcd's `jepsen.util` log lines and the
//! key-value store's EDN maps.
//!
//! Both read into [`Event`]s in line order (a line's position is its time), following
//! Porcupine's own parsers (`parseJepsenLog`, `parseKvLog`) so that the verdicts match:
//!
//! - `:invoke` is a call; `:ok` is a return with the output on the line.
//! - `:info` (the client timed out and does not know) leaves the operation pending: it may
//!   take effect at any time after its call, and its return goes after every other event.
//! - etcd `:fail :cas` is a cas that returned false; `:fail :read :timed-out` (and any other
//!   `:fail` of a read or write) is a return with an unknown outcome at that line.
//! - key-value `:fail` is taken as a return with an unknown outcome (Porcupine's data has none).
//!
//! Blank lines are skipped; any other line that cannot be read is an error naming it.

use super::{Event, EventKind, HistoryError};
use crate::check::models::{CasInput, CasOutput, KvInput, KvOutput};
use std::collections::BTreeMap;

fn bad(line: usize, message: impl Into<String>) -> HistoryError {
    HistoryError::Line {
        line: line as u64 + 1,
        message: message.into(),
    }
}

/// Pairs each return with its process's open call, as Jepsen does (a process runs one
/// operation at a time).
#[derive(Default)]
struct Processes {
    open: BTreeMap<u64, u64>,
    next_id: u64,
}

impl Processes {
    fn call(&mut self, process: u64) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        // A process that calls again while its last call is open leaves that one pending.
        self.open.insert(process, id);
        id
    }

    /// Appends one event, a call opening its process's operation or a return closing it.
    fn push<I, O>(
        &mut self,
        events: &mut Vec<Event<I, O>>,
        process: u64,
        kind: EventKind<I, O>,
        line: usize,
    ) -> Result<(), HistoryError> {
        let id = match kind {
            EventKind::Call(_) => self.call(process),
            EventKind::Return(_) => self.finish(process, line)?,
        };
        events.push(Event {
            client_id: process,
            kind,
            id,
        });
        Ok(())
    }

    fn finish(&mut self, process: u64, line: usize) -> Result<u64, HistoryError> {
        self.open.remove(&process).ok_or_else(|| {
            bad(
                line,
                format!("process {process} completes an operation it never invoked"),
            )
        })
    }
}

/// The error for a line whose type or operation is not one the reader knows.
fn unknown(line: usize, kind: &str, f: &str, operations: &str) -> HistoryError {
    if matches!(kind, ":invoke" | ":ok" | ":fail" | ":info") {
        bad(
            line,
            format!("unknown operation {f} (expected {operations})"),
        )
    } else {
        bad(
            line,
            format!("unknown type {kind} (expected :invoke, :ok, :fail or :info)"),
        )
    }
}

fn int(token: &str, line: usize, what: &str) -> Result<i64, HistoryError> {
    token.parse::<i64>().map_err(|_| {
        bad(
            line,
            format!("expected {what} to be an integer, found {token:?}"),
        )
    })
}

fn pair(value: &str, line: usize) -> Result<(i64, i64), HistoryError> {
    let inner = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .ok_or_else(|| {
            bad(
                line,
                format!("expected a cas value [from to], found {value:?}"),
            )
        })?;
    let parts: Vec<&str> = inner.split_whitespace().collect();
    match parts.as_slice() {
        [a, b] => Ok((int(a, line, "cas from")?, int(b, line, "cas to")?)),
        _ => Err(bad(
            line,
            format!("expected a cas value [from to], found {value:?}"),
        )),
    }
}

/// Reads an etcd log (`INFO  jepsen.util - <process> <type> <f> <value>`) as events on a
/// [`crate::check::models::CasRegister`].
pub fn parse_etcd_log(text: &str) -> Result<Vec<Event<CasInput, CasOutput>>, HistoryError> {
    let mut events = Vec::new();
    let mut procs = Processes::default();
    for (line, raw) in text.lines().enumerate() {
        let tokens: Vec<&str> = raw.split_whitespace().collect();
        if tokens.is_empty() {
            continue;
        }
        if tokens.len() < 7 || tokens[0] != "INFO" || tokens[1] != "jepsen.util" || tokens[2] != "-"
        {
            return Err(bad(
                line,
                "expected `INFO  jepsen.util - <process> <type> <f> <value>`",
            ));
        }
        let process = tokens[3].parse::<u64>().map_err(|_| {
            bad(
                line,
                format!("expected a process number, found {:?}", tokens[3]),
            )
        })?;
        let value = tokens[6..].join(" ");
        let (kind, f) = (tokens[4], tokens[5]);
        let event_kind = match (kind, f) {
            (":invoke", ":read") => EventKind::Call(CasInput::Read),
            (":invoke", ":write") => {
                EventKind::Call(CasInput::Write(int(&value, line, "the written value")?))
            }
            (":invoke", ":cas") => {
                let (from, to) = pair(&value, line)?;
                EventKind::Call(CasInput::Cas { from, to })
            }
            (":ok", ":read") if value == "nil" => EventKind::Return(Some(CasOutput::Read(None))),
            (":ok", ":read") => EventKind::Return(Some(CasOutput::Read(Some(int(
                &value,
                line,
                "the read value",
            )?)))),
            (":ok", ":write") => {
                int(&value, line, "the written value")?;
                EventKind::Return(Some(CasOutput::Write))
            }
            (":ok" | ":fail", ":cas") if value != ":timed-out" => {
                pair(&value, line)?;
                EventKind::Return(Some(CasOutput::Cas(kind == ":ok")))
            }
            (":fail", ":read" | ":write" | ":cas") => EventKind::Return(None),
            (":info", ":read" | ":write" | ":cas") => {
                // Timed out: stays pending, as Porcupine leaves it.
                procs.finish(process, line)?;
                continue;
            }
            _ => return Err(unknown(line, kind, f, ":read, :write or :cas")),
        };
        procs.push(&mut events, process, event_kind, line)?;
    }
    Ok(events)
}

/// An EDN value as the key-value logs use them.
#[derive(Clone, Debug, PartialEq)]
enum Edn {
    Nil,
    Int(i64),
    Keyword(String),
    Str(String),
}

/// Reads one flat EDN map, `{:k v, ...}`, of keywords to nil, integers, keywords or strings.
fn edn_map(raw: &str, line: usize) -> Result<BTreeMap<String, Edn>, HistoryError> {
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0usize;
    let skip = |i: &mut usize| {
        while *i < chars.len() && (chars[*i].is_whitespace() || chars[*i] == ',') {
            *i += 1;
        }
    };
    let atom = |i: &mut usize| {
        let start = *i;
        while *i < chars.len()
            && !chars[*i].is_whitespace()
            && !matches!(chars[*i], ',' | '}' | '{' | '"')
        {
            *i += 1;
        }
        chars[start..*i].iter().collect::<String>()
    };
    skip(&mut i);
    if chars.get(i) != Some(&'{') {
        return Err(bad(line, "expected an EDN map starting with `{`"));
    }
    i += 1;
    let mut map = BTreeMap::new();
    loop {
        skip(&mut i);
        match chars.get(i) {
            None => return Err(bad(line, "the map is not closed with `}`")),
            Some('}') => {
                i += 1;
                break;
            }
            Some(':') => {}
            Some(c) => return Err(bad(line, format!("expected a keyword key, found {c:?}"))),
        }
        let key = atom(&mut i);
        skip(&mut i);
        let value = match chars.get(i) {
            None => return Err(bad(line, format!("key {key} has no value"))),
            Some('"') => {
                i += 1;
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None => return Err(bad(line, "a string is not closed")),
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            match chars.get(i + 1) {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some(&c) => s.push(c),
                                None => return Err(bad(line, "a string ends in a backslash")),
                            }
                            i += 2;
                        }
                        Some(&c) => {
                            s.push(c);
                            i += 1;
                        }
                    }
                }
                Edn::Str(s)
            }
            Some(_) => {
                let a = atom(&mut i);
                if a == "nil" {
                    Edn::Nil
                } else if let Some(k) = a.strip_prefix(':') {
                    Edn::Keyword(format!(":{k}"))
                } else if let Ok(v) = a.parse::<i64>() {
                    Edn::Int(v)
                } else {
                    return Err(bad(
                        line,
                        format!("cannot read the value {a:?} of key {key}"),
                    ));
                }
            }
        };
        map.insert(key, value);
    }
    skip(&mut i);
    if i < chars.len() {
        return Err(bad(line, "unexpected text after the map"));
    }
    Ok(map)
}

/// Reads a key-value log (`{:process 9, :type :invoke, :f :append, :key "0", :value "x"}` per
/// line) as events on a [`crate::check::models::KeyValue`] store.
pub fn parse_kv_log(text: &str) -> Result<Vec<Event<KvInput, KvOutput>>, HistoryError> {
    let mut events = Vec::new();
    let mut procs = Processes::default();
    for (line, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let map = edn_map(raw, line)?;
        let get = |k: &str| map.get(k).ok_or_else(|| bad(line, format!("missing {k}")));
        let process = match get(":process")? {
            Edn::Int(p) if *p >= 0 => *p as u64,
            v => return Err(bad(line, format!(":process must be a number, found {v:?}"))),
        };
        let (Edn::Keyword(kind), Edn::Keyword(f)) = (get(":type")?, get(":f")?) else {
            return Err(bad(line, ":type and :f must be keywords"));
        };
        let Edn::Str(key) = get(":key")? else {
            return Err(bad(line, ":key must be a string"));
        };
        let value = match map.get(":value") {
            Some(Edn::Str(s)) => Some(s.clone()),
            None | Some(Edn::Nil) => None,
            Some(v) => {
                return Err(bad(
                    line,
                    format!(":value must be a string or nil, found {v:?}"),
                ))
            }
        };
        let need = || {
            value
                .clone()
                .ok_or_else(|| bad(line, format!("{f} needs a string :value")))
        };
        let key = key.clone();
        let event_kind = match (kind.as_str(), f.as_str()) {
            (":invoke", ":get") => EventKind::Call(KvInput::Get { key }),
            (":invoke", ":put") => EventKind::Call(KvInput::Put {
                key,
                value: need()?,
            }),
            (":invoke", ":append") => EventKind::Call(KvInput::Append {
                key,
                value: need()?,
            }),
            (":ok", ":get") => EventKind::Return(Some(KvOutput::Get(need()?))),
            (":ok", ":put") => EventKind::Return(Some(KvOutput::Put)),
            (":ok", ":append") => EventKind::Return(Some(KvOutput::Append)),
            (":fail", ":get" | ":put" | ":append") => EventKind::Return(None),
            (":info", ":get" | ":put" | ":append") => {
                procs.finish(process, line)?;
                continue;
            }
            _ => return Err(unknown(line, kind, f, ":get, :put or :append")),
        };
        procs.push(&mut events, process, event_kind, line)?;
    }
    Ok(events)
}

/// Writes events on a CAS register as an etcd log that [`parse_etcd_log`] reads back.
///
/// A pending operation (no return event) is written with an `:info ... :timed-out` line at
/// the end, which reads back as pending.
pub fn write_etcd_log(events: &[Event<CasInput, CasOutput>]) -> String {
    let mut out = String::new();
    let mut inputs: BTreeMap<u64, (u64, &CasInput)> = BTreeMap::new();
    let mut answered: BTreeMap<u64, bool> = BTreeMap::new();
    for e in events {
        let line = match &e.kind {
            EventKind::Call(input) => {
                inputs.insert(e.id, (e.client_id, input));
                answered.insert(e.id, false);
                match input {
                    CasInput::Read => ":invoke\t:read\tnil".to_string(),
                    CasInput::Write(v) => format!(":invoke\t:write\t{v}"),
                    CasInput::Cas { from, to } => format!(":invoke\t:cas\t[{from} {to}]"),
                }
            }
            EventKind::Return(output) => {
                answered.insert(e.id, true);
                let input = inputs.get(&e.id).map(|(_, i)| *i);
                match (input, output) {
                    (_, Some(CasOutput::Read(None))) => ":ok\t:read\tnil".to_string(),
                    (_, Some(CasOutput::Read(Some(v)))) => format!(":ok\t:read\t{v}"),
                    (Some(CasInput::Write(v)), Some(CasOutput::Write)) => {
                        format!(":ok\t:write\t{v}")
                    }
                    (Some(CasInput::Cas { from, to }), Some(CasOutput::Cas(ok))) => {
                        format!(":{}\t:cas\t[{from} {to}]", if *ok { "ok" } else { "fail" })
                    }
                    (Some(CasInput::Write(_)), None) => ":fail\t:write\t:timed-out".to_string(),
                    (Some(CasInput::Cas { .. }), None) => ":fail\t:cas\t:timed-out".to_string(),
                    _ => ":fail\t:read\t:timed-out".to_string(),
                }
            }
        };
        out.push_str(&format!("INFO  jepsen.util - {}\t{line}\n", e.client_id));
    }
    for (id, done) in answered {
        if !done {
            if let Some((client, input)) = inputs.get(&id) {
                let f = match input {
                    CasInput::Read => ":read",
                    CasInput::Write(_) => ":write",
                    CasInput::Cas { .. } => ":cas",
                };
                out.push_str(&format!(
                    "INFO  jepsen.util - {client}\t:info\t{f}\t:timed-out\n"
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_line_leaves_the_operation_pending() {
        let log = "INFO  jepsen.util - 3\t:invoke\t:write\t4\nINFO  jepsen.util - 3\t:info\t:write\t:timed-out\n";
        let events = parse_etcd_log(log).unwrap();
        assert_eq!(events.len(), 1);
    }

    #[test]
    fn timed_out_read_returns_with_unknown_outcome() {
        let log = "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:fail\t:read\t:timed-out\n";
        let events = parse_etcd_log(log).unwrap();
        assert_eq!(events[1].kind, EventKind::Return(None));
    }

    #[test]
    fn completion_without_invocation_is_an_error_naming_the_line() {
        let log = "\nINFO  jepsen.util - 0\t:ok\t:read\t3\n";
        assert!(matches!(
            parse_etcd_log(log),
            Err(HistoryError::Line { line: 2, .. })
        ));
    }

    #[test]
    fn kv_line_reads_as_an_append_call() {
        let events =
            parse_kv_log("{:process 9, :type :invoke, :f :append, :key \"0\", :value \"x 9 0 y\"}")
                .unwrap();
        assert_eq!(
            events[0].kind,
            EventKind::Call(KvInput::Append {
                key: "0".into(),
                value: "x 9 0 y".into()
            })
        );
    }

    #[test]
    fn written_etcd_log_reads_back_the_same() {
        let log = "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2]\nINFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:fail\t:cas\t[1 2]\nINFO  jepsen.util - 1\t:ok\t:read\tnil\n";
        let events = parse_etcd_log(log).unwrap();
        assert_eq!(write_etcd_log(&events), log);
    }
}
