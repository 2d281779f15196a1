//! Finds where each field of a RON file is written, so that an error found after parsing
//! (a parent site that does not exist, an interval of zero) can still name `file:line:col`,
//! and a parse error can name the field it happened in. A small tolerant scanner: it only
//! follows the nesting of `( )`, `[ ]`, `{ }` and `name:` pairs.

use std::collections::HashMap;

/// A place in the source, 1-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
}

/// Field paths (`sites[1].parent`) and where they are written (a field's name, a list
/// item's first character), in document order, with an index by path so that locating
/// every problem of a file with 100,000 bad entries stays linear.
#[derive(Debug, Default)]
pub struct Locations {
    entries: Vec<(String, Pos)>,
    /// Path → index of its first entry.
    by_path: HashMap<String, usize>,
}

impl Locations {
    /// Indexes `src`.
    pub fn index(src: &str) -> Locations {
        let tokens = tokenize(src);
        let mut p = Scanner {
            tokens: &tokens,
            at: 0,
            out: Vec::new(),
        };
        p.value(String::new(), 0, true);
        let mut by_path = HashMap::with_capacity(p.out.len());
        for (i, (path, _)) in p.out.iter().enumerate() {
            by_path.entry(path.clone()).or_insert(i);
        }
        Locations {
            entries: p.out,
            by_path,
        }
    }

    /// Where `path` is written; for a field that is absent, where its nearest written
    /// ancestor is (`sites[1].parent` falls back to `sites[1]`).
    pub fn find(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(&i) = self.by_path.get(p) {
                return Some(self.entries[i].1);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// The innermost field written at or before `pos`.
    pub fn path_at(&self, pos: Pos) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(path, p)| *p <= pos && !path.is_empty())
            .map(|(path, _)| path.as_str())
    }
}

#[derive(Debug, PartialEq)]
enum Tok {
    Open(char),
    Close,
    Comma,
    Colon,
    Ident(String),
    Str(String),
    Other,
}

fn tokenize(src: &str) -> Vec<(Tok, Pos)> {
    let chars: Vec<char> = src.chars().collect();
    let (mut i, mut line, mut col) = (0, 1, 1);
    let mut out = Vec::new();
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize| {
        if chars[*i] == '\n' {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let pos = Pos { line, col };
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col);
        } else if c == '/' && next == Some('/') || c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                advance(&mut i, &mut line, &mut col);
            }
        } else if c == '/' && next == Some('*') {
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                advance(&mut i, &mut line, &mut col);
            }
            for _ in 0..2.min(chars.len() - i) {
                advance(&mut i, &mut line, &mut col);
            }
        } else if c == '"' {
            let mut s = String::new();
            advance(&mut i, &mut line, &mut col);
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    advance(&mut i, &mut line, &mut col);
                }
                s.push(chars[i]);
                advance(&mut i, &mut line, &mut col);
            }
            if i < chars.len() {
                advance(&mut i, &mut line, &mut col);
            }
            out.push((Tok::Str(s), pos));
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                s.push(chars[i]);
                advance(&mut i, &mut line, &mut col);
            }
            out.push((Tok::Ident(s), pos));
        } else {
            let tok = match c {
                '(' | '[' | '{' => Tok::Open(c),
                ')' | ']' | '}' => Tok::Close,
                ',' => Tok::Comma,
                ':' => Tok::Colon,
                _ => Tok::Other,
            };
            let literal = tok == Tok::Other;
            advance(&mut i, &mut line, &mut col);
            // Numbers and other literals: one token for the whole run of characters.
            while literal
                && i < chars.len()
                && !chars[i].is_whitespace()
                && !"()[]{},:\"".contains(chars[i])
            {
                advance(&mut i, &mut line, &mut col);
            }
            out.push((tok, pos));
        }
    }
    out
}

/// Deepest nesting followed; deeper input is skipped as a whole.
const MAX_DEPTH: usize = 64;

struct Scanner<'a> {
    tokens: &'a [(Tok, Pos)],
    at: usize,
    out: Vec<(String, Pos)>,
}

impl Scanner<'_> {
    fn peek(&self, k: usize) -> Option<&Tok> {
        self.tokens.get(self.at + k).map(|(t, _)| t)
    }

    /// A value at `path`; `record` is false when its field name was already recorded.
    fn value(&mut self, path: String, depth: usize, record: bool) {
        let Some((tok, pos)) = self.tokens.get(self.at) else {
            return;
        };
        if record {
            self.out.push((path.clone(), *pos));
        }
        if depth > MAX_DEPTH {
            self.at = self.tokens.len();
            return;
        }
        match tok {
            Tok::Ident(_) if self.peek(1) == Some(&Tok::Open('(')) => {
                self.at += 2;
                self.group(&path, '(', depth);
            }
            Tok::Open(c) => {
                let c = *c;
                self.at += 1;
                self.group(&path, c, depth);
            }
            _ => self.at += 1,
        }
    }

    /// The inside of a bracket, up to and including its closing token.
    fn group(&mut self, path: &str, open: char, depth: usize) {
        let mut index = 0;
        while let Some(tok) = self.peek(0) {
            match tok {
                Tok::Close => {
                    self.at += 1;
                    return;
                }
                Tok::Comma => self.at += 1,
                Tok::Ident(name) | Tok::Str(name)
                    if open != '[' && self.peek(1) == Some(&Tok::Colon) =>
                {
                    let child = join(path, name);
                    self.out.push((child.clone(), self.tokens[self.at].1));
                    self.at += 2;
                    self.value(child, depth + 1, false);
                }
                _ if open == '[' => {
                    self.value(format!("{path}[{index}]"), depth + 1, true);
                    index += 1;
                }
                _ => self.value(path.to_string(), depth + 1, false),
            }
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"// a comment
Scenario(
    name: "x",
    sites: [
        (code: "CAS", kind: Central),
        (code: "P01", parent: Some("CAS"), /* note */ kind: Primary),
    ],
    actions: [RunSync(at: "2d")],
    settings: (scan_window: "2h"),
)"#;

    #[test]
    fn finds_fields_and_list_items() {
        let l = Locations::index(SRC);
        assert_eq!(l.find("name"), Some(Pos { line: 3, col: 5 }));
        assert_eq!(l.find("sites[1].parent"), Some(Pos { line: 6, col: 23 }));
        assert_eq!(l.find("actions[0].at"), Some(Pos { line: 8, col: 23 }));
        assert_eq!(
            l.find("settings.scan_window"),
            Some(Pos { line: 9, col: 16 })
        );
    }

    #[test]
    fn absent_fields_fall_back_to_their_parent() {
        let l = Locations::index(SRC);
        assert_eq!(l.find("sites[0].parent"), l.find("sites[0]"));
        assert_eq!(l.find("clients[3].site"), None);
    }

    #[test]
    fn names_the_field_at_a_position() {
        let l = Locations::index(SRC);
        assert_eq!(l.path_at(Pos { line: 6, col: 60 }), Some("sites[1].kind"));
        assert_eq!(
            l.path_at(Pos { line: 9, col: 30 }),
            Some("settings.scan_window")
        );
    }
}
