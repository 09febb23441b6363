//! Lua 5.4 patterns: a backtracking matcher over byte strings.
//!
//! Recursion is bounded the way the reference bounds it (MAXCCALLS = 200
//! nested repetitions or captures give "pattern too complex"), so a hostile
//! pattern cannot overflow the Rust stack; single-character steps loop
//! instead of recursing.

/// A capture's result: a span of the subject, or a position (`()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    Span(usize, usize),
    Position(usize),
}

/// A successful match: the whole match and its captures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub captures: Vec<Capture>,
}

/// Why matching stopped: a Lua error, or a heap fault while reading a
/// subject that lives in the heap.
#[derive(Debug, PartialEq)]
pub enum Fail {
    Msg(String),
    Fault(crate::heap::Fault),
}

impl From<String> for Fail {
    fn from(m: String) -> Self {
        Fail::Msg(m)
    }
}

impl From<&str> for Fail {
    fn from(m: &str) -> Self {
        Fail::Msg(m.to_string())
    }
}

impl From<crate::heap::Fault> for Fail {
    fn from(f: crate::heap::Fault) -> Self {
        Fail::Fault(f)
    }
}

/// What a pattern is matched against: bytes in memory, or a long string
/// read from the heap only where the matcher looks.
pub trait Subject {
    fn len(&self) -> usize;
    /// The byte at `i` (`i < len`).
    fn byte(&mut self, i: usize) -> Result<u8, Fail>;
    /// Bytes `from..to`.
    fn bytes(&mut self, from: usize, to: usize) -> Result<Vec<u8>, Fail>;
}

impl Subject for &[u8] {
    fn len(&self) -> usize {
        <[u8]>::len(self)
    }
    fn byte(&mut self, i: usize) -> Result<u8, Fail> {
        Ok(self[i])
    }
    fn bytes(&mut self, from: usize, to: usize) -> Result<Vec<u8>, Fail> {
        Ok(self[from..to].to_vec())
    }
}

const MAX_CAPTURES: usize = 32;
const MAX_DEPTH: usize = 200;
const ESC: u8 = b'%';

#[derive(Clone, Copy)]
enum CapLen {
    Unfinished,
    Position,
    Len(usize),
}

struct State<'a, S: Subject> {
    src: &'a mut S,
    pat: &'a [u8],
    depth: usize,
    caps: Vec<(usize, CapLen)>,
}

type R<T> = Result<T, Fail>;

/// Does the pattern have any magic characters? (If not, find is a plain search.)
pub fn has_specials(p: &[u8]) -> bool {
    p.iter().any(|c| b"^$*+?.([%-".contains(c))
}

fn class_matches(class: u8, c: u8) -> bool {
    let res = match class.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => c == b' ' || (9..=13).contains(&c),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return class == c,
    };
    if class.is_ascii_uppercase() {
        !res
    } else {
        res
    }
}

impl<S: Subject> State<'_, S> {
    fn get(&mut self, i: usize) -> R<Option<u8>> {
        if i < self.src.len() {
            Ok(Some(self.src.byte(i)?))
        } else {
            Ok(None)
        }
    }

    /// Index just past the single-character class starting at `p`.
    fn class_end(&self, mut p: usize) -> R<usize> {
        let c = self.pat[p];
        p += 1;
        if c == ESC {
            if p >= self.pat.len() {
                return Err("malformed pattern (ends with '%')".into());
            }
            return Ok(p + 1);
        }
        if c == b'[' {
            if self.pat.get(p) == Some(&b'^') {
                p += 1;
            }
            // The first ']' of a set is literal.
            loop {
                if p >= self.pat.len() {
                    return Err("malformed pattern (missing ']')".into());
                }
                let cc = self.pat[p];
                p += 1;
                if cc == ESC {
                    if p >= self.pat.len() {
                        return Err("malformed pattern (missing ']')".into());
                    }
                    p += 1;
                }
                if self.pat.get(p) == Some(&b']') {
                    return Ok(p + 1);
                }
            }
        }
        Ok(p)
    }

    /// Does `c` belong to the set `[...]` spanning pat[p..ep] (ep at the closing ']')?
    fn in_set(&self, c: u8, mut p: usize, ep: usize) -> bool {
        let mut negate = false;
        p += 1; // skip '['
        if self.pat[p] == b'^' {
            negate = true;
            p += 1;
        }
        while p < ep {
            if self.pat[p] == ESC {
                p += 1;
                if class_matches(self.pat[p], c) {
                    return !negate;
                }
                p += 1;
            } else if self.pat.get(p + 1) == Some(&b'-') && p + 2 < ep {
                if self.pat[p] <= c && c <= self.pat[p + 2] {
                    return !negate;
                }
                p += 3;
            } else {
                if self.pat[p] == c {
                    return !negate;
                }
                p += 1;
            }
        }
        negate
    }

    fn single_matches(&mut self, s: usize, p: usize, ep: usize) -> R<bool> {
        let Some(c) = self.get(s)? else { return Ok(false) };
        Ok(match self.pat[p] {
            b'.' => true,
            ESC => class_matches(self.pat[p + 1], c),
            b'[' => self.in_set(c, p, ep - 1),
            pc => pc == c,
        })
    }

    fn do_match(&mut self, mut s: usize, mut p: usize) -> R<Option<usize>> {
        if self.depth == 0 {
            return Err("pattern too complex".into());
        }
        self.depth -= 1;
        let result = loop {
            if p == self.pat.len() {
                break Some(s);
            }
            match self.pat[p] {
                b'(' => {
                    break if self.pat.get(p + 1) == Some(&b')') {
                        self.start_capture(s, p + 2, CapLen::Position)?
                    } else {
                        self.start_capture(s, p + 1, CapLen::Unfinished)?
                    };
                }
                b')' => break self.end_capture(s, p + 1)?,
                b'$' if p + 1 == self.pat.len() => break (s == self.src.len()).then_some(s),
                ESC if self.pat.get(p + 1) == Some(&b'b') => break self.match_balance(s, p + 2)?,
                ESC if self.pat.get(p + 1) == Some(&b'f') => {
                    p += 2;
                    if self.pat.get(p) != Some(&b'[') {
                        return Err("missing '[' after '%f' in pattern".into());
                    }
                    let ep = self.class_end(p)?;
                    let prev = if s == 0 { 0 } else { self.src.byte(s - 1)? };
                    let cur = self.get(s)?.unwrap_or(0);
                    if !self.in_set(prev, p, ep - 1) && self.in_set(cur, p, ep - 1) {
                        p = ep;
                        continue;
                    }
                    break None;
                }
                ESC if self.pat.get(p + 1).is_some_and(u8::is_ascii_digit) => {
                    match self.match_capture(s, self.pat[p + 1])? {
                        Some(ns) => {
                            s = ns;
                            p += 2;
                            continue;
                        }
                        None => break None,
                    }
                }
                _ => {
                    let ep = self.class_end(p)?;
                    let matched = self.single_matches(s, p, ep)?;
                    match self.pat.get(ep) {
                        Some(b'?') => {
                            if matched {
                                if let Some(r) = self.do_match(s + 1, ep + 1)? {
                                    break Some(r);
                                }
                            }
                            p = ep + 1;
                        }
                        Some(b'+') => break if matched { self.max_expand(s + 1, p, ep)? } else { None },
                        Some(b'*') => break self.max_expand(s, p, ep)?,
                        Some(b'-') => break self.min_expand(s, p, ep)?,
                        _ => {
                            if !matched {
                                break None;
                            }
                            s += 1;
                            p = ep;
                        }
                    }
                }
            }
        };
        self.depth += 1;
        Ok(result)
    }

    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> R<Option<usize>> {
        let mut i = 0;
        while self.single_matches(s + i, p, ep)? {
            i += 1;
        }
        loop {
            if let Some(r) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(r));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    fn min_expand(&mut self, mut s: usize, p: usize, ep: usize) -> R<Option<usize>> {
        loop {
            if let Some(r) = self.do_match(s, ep + 1)? {
                return Ok(Some(r));
            }
            if self.single_matches(s, p, ep)? {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(&mut self, s: usize, p: usize, what: CapLen) -> R<Option<usize>> {
        if self.caps.len() >= MAX_CAPTURES {
            return Err("too many captures".into());
        }
        self.caps.push((s, what));
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.caps.pop();
        }
        Ok(r)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> R<Option<usize>> {
        let Some(l) = self.caps.iter().rposition(|(_, len)| matches!(len, CapLen::Unfinished)) else {
            return Err("invalid pattern capture".into());
        };
        let start = self.caps[l].0;
        self.caps[l].1 = CapLen::Len(s - start);
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.caps[l].1 = CapLen::Unfinished;
        }
        Ok(r)
    }

    fn match_balance(&mut self, s: usize, p: usize) -> R<Option<usize>> {
        if p + 1 >= self.pat.len() {
            return Err("malformed pattern (missing arguments to '%b')".into());
        }
        let (open, close) = (self.pat[p], self.pat[p + 1]);
        if self.get(s)? != Some(open) {
            return Ok(None);
        }
        let mut depth = 1;
        let mut i = s + 1;
        while i < self.src.len() {
            let c = self.src.byte(i)?;
            if c == close {
                depth -= 1;
                if depth == 0 {
                    return self.do_match(i + 1, p + 2);
                }
            } else if c == open {
                depth += 1;
            }
            i += 1;
        }
        Ok(None)
    }

    fn match_capture(&mut self, s: usize, digit: u8) -> R<Option<usize>> {
        let l = usize::from(digit - b'1');
        let (start, len) = match self.caps.get(l) {
            Some(&(start, CapLen::Len(len))) if digit != b'0' => (start, len),
            _ => return Err(format!("invalid capture index %{}", l + 1).into()),
        };
        if self.src.len() - s >= len && self.src.bytes(start, start + len)? == self.src.bytes(s, s + len)? {
            Ok(Some(s + len))
        } else {
            Ok(None)
        }
    }

    fn captures(&self, start: usize, end: usize, whole_if_none: bool) -> R<Vec<Capture>> {
        if self.caps.is_empty() && whole_if_none {
            return Ok(vec![Capture::Span(start, end)]);
        }
        self.caps
            .iter()
            .map(|&(s, len)| match len {
                CapLen::Len(n) => Ok(Capture::Span(s, s + n)),
                CapLen::Position => Ok(Capture::Position(s)),
                CapLen::Unfinished => Err(Fail::from("unfinished capture")),
            })
            .collect()
    }
}

/// Tries to match `pat` at exactly position `s` (no scanning).
pub fn match_at<S: Subject>(src: &mut S, pat: &[u8], s: usize) -> R<Option<Match>> {
    let mut st = State { src, pat, depth: MAX_DEPTH, caps: Vec::new() };
    match st.do_match(s, 0)? {
        Some(end) => Ok(Some(Match { start: s, end, captures: st.captures(s, end, false)? })),
        None => Ok(None),
    }
}

/// Finds the first match of `pattern` in `subject` at or after `init`
/// (0-based). A leading '^' anchors at `init` when `anchor_allowed`.
pub fn find<S: Subject>(subject: &mut S, pattern: &[u8], init: usize, anchor_allowed: bool) -> R<Option<Match>> {
    let (anchored, pat) = match pattern.first() {
        Some(b'^') if anchor_allowed => (true, &pattern[1..]),
        _ => (false, pattern),
    };
    let mut s = init;
    loop {
        if let Some(m) = match_at(subject, pat, s)? {
            return Ok(Some(m));
        }
        s += 1;
        if anchored || s > subject.len() {
            return Ok(None);
        }
    }
}

/// The values a match yields: its captures, or the whole match if it has none.
pub fn results(m: &Match) -> Vec<Capture> {
    if m.captures.is_empty() {
        vec![Capture::Span(m.start, m.end)]
    } else {
        m.captures.clone()
    }
}

/// One step of `gmatch`: the next match at or after `pos` that does not end
/// where the last one ended (`last_end`), and where to continue.
pub fn gmatch_step<S: Subject>(subject: &mut S, pattern: &[u8], mut pos: usize, last_end: Option<usize>) -> R<Option<Match>> {
    while pos <= subject.len() {
        if let Some(m) = match_at(subject, pattern, pos)? {
            if Some(m.end) != last_end {
                return Ok(Some(m));
            }
        }
        pos += 1;
    }
    Ok(None)
}

/// Expands a gsub replacement string (`%0`-`%9`, `%%`) for match `m`.
pub fn expand_replacement<S: Subject>(repl: &[u8], subject: &mut S, m: &Match) -> R<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < repl.len() {
        let c = repl[i];
        i += 1;
        if c != ESC {
            out.push(c);
            continue;
        }
        let Some(&d) = repl.get(i) else { return Err(Fail::from("invalid use of '%' in replacement string")) };
        i += 1;
        if d == ESC {
            out.push(ESC);
        } else if d.is_ascii_digit() {
            let cap = if d == b'0' {
                Capture::Span(m.start, m.end)
            } else {
                let index = usize::from(d - b'1');
                match (m.captures.get(index), m.captures.is_empty() && index == 0) {
                    (Some(c), _) => *c,
                    (None, true) => Capture::Span(m.start, m.end),
                    _ => return Err(format!("invalid capture index %{}", index + 1).into()),
                }
            };
            match cap {
                Capture::Span(a, b) => out.extend_from_slice(&subject.bytes(a, b)?),
                Capture::Position(p) => out.extend_from_slice((p + 1).to_string().as_bytes()),
            }
        } else {
            return Err("invalid use of '%' in replacement string".into());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(s: &str, p: &str) -> Option<(usize, usize)> {
        find(&mut s.as_bytes(), p.as_bytes(), 0, true).unwrap().map(|m| (m.start + 1, m.end))
    }

    #[test]
    fn basics_match_the_reference() {
        assert_eq!(first("hello world", "o w"), Some((5, 7)));
        assert_eq!(first("hello", "l+"), Some((3, 4)));
        assert_eq!(first("hello", "^h"), Some((1, 1)));
        assert_eq!(first("hello", "^e"), None);
        assert_eq!(first("hello", "o$"), Some((5, 5)));
        assert_eq!(first("  x", "%s*x"), Some((1, 3)));
        assert_eq!(first("THE (quick) fox", "%((%a+)%)"), Some((5, 11)));
        assert_eq!(first("f(a(b)c)", "%b()"), Some((2, 8)));
        assert_eq!(first("THE quick", "%f[%a]%a+"), Some((1, 3)));
        assert_eq!(first("abcabc", "(abc)%1"), Some((1, 6)));
        assert_eq!(first("aaa", "a-b"), None);
        assert_eq!(first("[x]", "[]]"), Some((3, 3)));
        assert_eq!(first("a-b", "[%-]"), Some((2, 2)));
    }

    #[test]
    fn errors_match_the_reference() {
        let err = |p: &str| match find(&mut &b"abc"[..], p.as_bytes(), 0, true).unwrap_err() {
            Fail::Msg(m) => m,
            Fail::Fault(f) => panic!("{f:?}"),
        };
        assert_eq!(err("%"), "malformed pattern (ends with '%')");
        assert_eq!(err("[a"), "malformed pattern (missing ']')");
        assert_eq!(err("%f"), "missing '[' after '%f' in pattern");
        assert_eq!(err("%b"), "malformed pattern (missing arguments to '%b')");
        assert_eq!(err("(%1)"), "invalid capture index %1");
        assert_eq!(err("(()"), "unfinished capture");
    }

    #[test]
    fn deep_patterns_are_refused_not_overflowing() {
        let p = "a?".repeat(100_000);
        let s = "a".repeat(100_000);
        let r = find(&mut s.as_bytes(), p.as_bytes(), 0, true);
        assert!(matches!(r, Err(Fail::Msg(ref e)) if e == "pattern too complex") || r.is_ok());
    }
}
