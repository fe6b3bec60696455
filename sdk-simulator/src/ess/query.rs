//! The ESS `q` filter: a SCIM-style expression over the queryable request fields.
//!
//! Supported: `field op value` with `eq`, `ne`, `gt`, `ge`, `lt`, `le`, `co` (contains), `sw` (starts with),
//! `ew` (ends with), `field pr` (present), joined by `and` / `or` (`and` binds tighter) and grouped with
//! parentheses. Values are `"quoted strings"`, numbers, `true`/`false`. Times are compared as times when both
//! sides parse as one (`"2024-10-12T20:00Z"` included), otherwise strings compare as text. Only the fields
//! Oracle lists as queryable are accepted; anything else is a 400.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

/// The fields Oracle lists as queryable.
pub(crate) const QUERYABLE: &[&str] = &[
    "requestId",
    "absParentRequestId",
    "description",
    "application",
    "product",
    "requestCategory",
    "runAsUser",
    "executionType",
    "jobDefinitionId",
    "state",
    "scheduleDefinition",
    "priority",
    "processStartTime",
    "processEndTime",
    "requestedStartTime",
    "requestedEndTime",
    "submissionTime",
    "parentRequestId",
    "elapsedTime",
    "waitTime",
    "scheduledTime",
    "processor",
    "submitter",
    "submitterGUID",
    "instanceParentId",
    "requestType",
    "errorType",
    "processPhase",
    "completedTime",
    "retriedCount",
    "readyWaitTime",
    "enterpriseId",
    "isTimedOut",
    "isAsynchronous",
    "logicalClusterName",
    "submitterDmsECID",
    "submitterFlowId",
    "requestDmsECID",
    "requestFlowId",
    "className",
    "jobType",
    "externalJobType",
    "externalId",
];

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Cmp { field: String, op: String, value: Value },
    Present(String),
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' {
            chars.next();
            out.push(Tok::Open);
        } else if c == ')' {
            chars.next();
            out.push(Tok::Close);
        } else if c == '"' {
            chars.next();
            let mut v = String::new();
            loop {
                match chars.next() {
                    Some('\\') => v.extend(chars.next()),
                    Some('"') => break,
                    Some(c) => v.push(c),
                    None => return Err("unterminated string".into()),
                }
            }
            out.push(Tok::Str(v));
        } else {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '(' || c == ')' || c == '"' {
                    break;
                }
                w.push(c);
                chars.next();
            }
            out.push(Tok::Word(w));
        }
    }
    Ok(out)
}

/// The most comparisons one `q` may hold, and the deepest nesting of parentheses. Filters are parsed, matched and
/// dropped recursively, so an unbounded expression (a URL of `((((...` or of `a pr and a pr and ...`) would
/// overflow the stack of the server's thread and bring the whole simulator down.
const MAX_TERMS: usize = 256;
const MAX_DEPTH: usize = 32;

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
    terms: usize,
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn or(&mut self) -> Result<Filter, String> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, String> {
        let mut left = self.factor()?;
        while self.peek_word("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.factor()?));
        }
        Ok(left)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn factor(&mut self) -> Result<Filter, String> {
        match self.next() {
            Some(Tok::Open) => {
                if self.depth == MAX_DEPTH {
                    return Err(format!("parentheses nested deeper than {MAX_DEPTH}"));
                }
                self.depth += 1;
                let f = self.or()?;
                self.depth -= 1;
                match self.next() {
                    Some(Tok::Close) => Ok(f),
                    _ => Err("missing ')'".into()),
                }
            }
            Some(Tok::Word(field)) => {
                self.terms += 1;
                if self.terms > MAX_TERMS {
                    return Err(format!("more than {MAX_TERMS} comparisons"));
                }
                if !QUERYABLE.contains(&field.as_str()) {
                    return Err(format!("'{field}' is not a queryable field"));
                }
                let op = match self.next() {
                    Some(Tok::Word(op)) => op.to_ascii_lowercase(),
                    _ => return Err(format!("missing operator after '{field}'")),
                };
                if op == "pr" {
                    return Ok(Filter::Present(field));
                }
                if !["eq", "ne", "gt", "ge", "lt", "le", "co", "sw", "ew"].contains(&op.as_str()) {
                    return Err(format!("unknown operator '{op}'"));
                }
                let value = match self.next() {
                    Some(Tok::Str(s)) => Value::String(s),
                    Some(Tok::Word(w)) if w == "true" => Value::Bool(true),
                    Some(Tok::Word(w)) if w == "false" => Value::Bool(false),
                    Some(Tok::Word(w)) if w == "null" => Value::Null,
                    Some(Tok::Word(w)) => match w.parse::<i64>() {
                        Ok(n) => Value::from(n),
                        Err(_) => match w.parse::<f64>() {
                            Ok(f) => Value::from(f),
                            Err(_) => return Err(format!("'{w}' is not a value (quote strings)")),
                        },
                    },
                    _ => return Err(format!("missing value after '{field} {op}'")),
                };
                Ok(Filter::Cmp { field, op, value })
            }
            _ => Err("expected a field or '('".into()),
        }
    }
}

/// Parses a `q` expression.
pub(crate) fn parse(q: &str) -> Result<Filter, String> {
    let mut p = Parser {
        toks: tokenize(q)?,
        pos: 0,
        depth: 0,
        terms: 0,
    };
    let f = p.or()?;
    if p.pos != p.toks.len() {
        return Err("unexpected text after the expression".into());
    }
    Ok(f)
}

/// Parses a time leniently (RFC 3339, or without seconds).
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let s = s.trim_end_matches(['Z', 'z']);
    for f in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    None
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::Number(x), Value::String(y)) => x.as_f64()?.partial_cmp(&y.parse::<f64>().ok()?),
        (Value::String(x), Value::String(y)) => match (parse_time(x), parse_time(y)) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => Some(x.cmp(y)),
        },
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

impl Filter {
    /// Whether a request (as its full JSON view) matches.
    pub(crate) fn matches(&self, item: &Map<String, Value>) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Filter::And(a, b) => a.matches(item) && b.matches(item),
            Filter::Or(a, b) => a.matches(item) || b.matches(item),
            Filter::Present(f) => item.get(f).is_some_and(|v| !v.is_null()),
            Filter::Cmp { field, op, value } => {
                let Some(actual) = item.get(field) else {
                    return op == "ne" && !value.is_null();
                };
                let text = |v: &Value| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match op.as_str() {
                    "eq" => compare(actual, value) == Some(Equal),
                    "ne" => compare(actual, value) != Some(Equal),
                    "gt" => compare(actual, value) == Some(Greater),
                    "ge" => matches!(compare(actual, value), Some(Greater | Equal)),
                    "lt" => compare(actual, value) == Some(Less),
                    "le" => matches!(compare(actual, value), Some(Less | Equal)),
                    "co" => text(actual).contains(&text(value)),
                    "sw" => text(actual).starts_with(&text(value)),
                    "ew" => text(actual).ends_with(&text(value)),
                    _ => false,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item() -> Map<String, Value> {
        match json!({"state": "RUNNING", "priority": 4, "processStartTime": "2024-10-12T20:30:00.000Z"}) {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn filters() {
        let ok = |q: &str| parse(q).map(|f| f.matches(&item()));
        assert_eq!(ok(r#"state eq "RUNNING""#), Ok(true));
        assert_eq!(ok(r#"state ne "RUNNING""#), Ok(false));
        assert_eq!(
            ok(r#"processStartTime gt "2024-10-12T20:00Z" and priority lt 5"#),
            Ok(true)
        );
        assert_eq!(
            ok(r#"(state eq "WAIT" or priority ge 4) and processEndTime pr"#),
            Ok(false)
        );
        assert!(parse("bogus eq 1").is_err());
        assert!(parse(r#"state eq "x"#).is_err());
        assert!(parse("state eq").is_err());
    }

    #[test]
    fn expressions_too_deep_or_too_long_are_refused_not_a_stack_overflow() {
        let nested = format!("{}state pr{}", "(".repeat(100_000), ")".repeat(100_000));
        assert_eq!(
            parse(&nested),
            Err(format!("parentheses nested deeper than {MAX_DEPTH}"))
        );
        let long = vec!["state pr"; 100_000].join(" and ");
        assert_eq!(parse(&long), Err(format!("more than {MAX_TERMS} comparisons")));
        let deepest = format!("{}state pr{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse(&deepest), Ok(Filter::Present("state".to_owned())));
        let longest = vec!["state pr"; MAX_TERMS].join(" or ");
        assert_eq!(parse(&longest).map(|f| f.matches(&item())), Ok(true));
    }
}
