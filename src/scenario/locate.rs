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
    /// Path, where it starts, where the token after its value starts (exclusive end).
    entries: Vec<(String, Pos, Pos)>,
    /// Path → index of its first entry.
    by_path: HashMap<String, usize>,
}

impl Locations {
    /// Indexes `src`.
    pub fn index(src: &str) -> Locations {
        let mut p = Scanner {
            lexer: Lexer::new(src),
            ahead: std::collections::VecDeque::new(),
            out: Vec::new(),
        };
        p.value(String::new(), 0, true);
        let mut by_path = HashMap::with_capacity(p.out.len());
        for (i, (path, _, _)) in p.out.iter().enumerate() {
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

    /// The innermost field whose text holds `pos` (trailing text after the last bracket
    /// belongs to no field).
    pub fn path_at(&self, pos: Pos) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(path, start, end)| *start <= pos && pos < *end && !path.is_empty())
            .map(|(path, _, _)| path.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok<'a> {
    Open(char),
    Close,
    Comma,
    Colon,
    Ident(&'a str),
    Str(&'a str),
    Other,
}

/// The tokens of `src`, one at a time: a 16 MiB file is never held as characters or tokens.
struct Lexer<'a> {
    src: &'a str,
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    line: usize,
    col: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Self {
        Lexer {
            src,
            chars: src.char_indices().peekable(),
            line: 1,
            col: 1,
        }
    }

    /// Consumes one character, keeping the line and column.
    fn bump(&mut self) -> Option<(usize, char)> {
        let (i, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some((i, c))
    }

    fn peek_char(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    /// The byte offset of the next character (the end of the text at the last).
    fn offset(&mut self) -> usize {
        self.chars.peek().map_or(self.src.len(), |&(i, _)| i)
    }

    /// Consumes characters while `keep` holds.
    fn bump_while(&mut self, keep: impl Fn(char) -> bool) {
        while self.peek_char().is_some_and(&keep) {
            self.bump();
        }
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = (Tok<'a>, Pos);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let pos = Pos {
                line: self.line,
                col: self.col,
            };
            let (start, c) = self.bump()?;
            let next = self.peek_char();
            if c.is_whitespace() {
                continue;
            }
            if c == '/' && next == Some('/') || c == '#' {
                self.bump_while(|c| c != '\n');
                continue;
            }
            if c == '/' && next == Some('*') {
                self.bump();
                let mut star = false;
                while let Some((_, c)) = self.bump() {
                    if star && c == '/' {
                        break;
                    }
                    star = c == '*';
                }
                continue;
            }
            let tok = match c {
                '"' => {
                    let from = self.offset();
                    let mut escaped = false;
                    let mut to = self.src.len();
                    while let Some((i, c)) = self.bump() {
                        if c == '"' && !escaped {
                            to = i;
                            break;
                        }
                        escaped = c == '\\' && !escaped;
                    }
                    Tok::Str(&self.src[from..to.max(from)])
                }
                c if c.is_alphabetic() || c == '_' => {
                    self.bump_while(|c| c.is_alphanumeric() || c == '_');
                    let end = self.offset();
                    Tok::Ident(&self.src[start..end])
                }
                '(' | '[' | '{' => Tok::Open(c),
                ')' | ']' | '}' => Tok::Close,
                ',' => Tok::Comma,
                ':' => Tok::Colon,
                _ => {
                    // Numbers and other literals: one token for the whole run of characters.
                    self.bump_while(|c| !c.is_whitespace() && !"()[]{},:\"".contains(c));
                    Tok::Other
                }
            };
            return Some((tok, pos));
        }
    }
}

/// Deepest nesting followed; deeper input is skipped as a whole.
const MAX_DEPTH: usize = 64;

/// Follows the nesting of the tokens, with two tokens of lookahead.
struct Scanner<'a> {
    lexer: Lexer<'a>,
    ahead: std::collections::VecDeque<(Tok<'a>, Pos)>,
    out: Vec<(String, Pos, Pos)>,
}

impl<'a> Scanner<'a> {
    /// The token `k` places ahead, and where it starts.
    fn at(&mut self, k: usize) -> Option<(Tok<'a>, Pos)> {
        while self.ahead.len() <= k {
            let t = self.lexer.next()?;
            self.ahead.push_back(t);
        }
        Some(self.ahead[k])
    }

    fn peek(&mut self, k: usize) -> Option<Tok<'a>> {
        self.at(k).map(|(t, _)| t)
    }

    /// Moves `n` tokens on.
    fn skip(&mut self, n: usize) {
        for _ in 0..n {
            if self.ahead.pop_front().is_none() {
                self.lexer.next();
            }
        }
    }

    /// A value at `path`; `record` is false when its field name was already recorded.
    fn value(&mut self, path: String, depth: usize, record: bool) {
        let Some((_, pos)) = self.at(0) else {
            return;
        };
        let entry = record.then(|| {
            self.out.push((path.clone(), pos, pos));
            self.out.len() - 1
        });
        self.inner(path, depth);
        if let Some(e) = entry {
            self.extend(e);
        }
    }

    /// Ends entry `e` where the next token starts (the end of the text at the last).
    fn extend(&mut self, e: usize) {
        let end = self.at(0).map_or(
            Pos {
                line: usize::MAX,
                col: usize::MAX,
            },
            |(_, p)| p,
        );
        self.out[e].2 = self.out[e].2.max(end);
    }

    fn inner(&mut self, path: String, depth: usize) {
        let Some(tok) = self.peek(0) else {
            return;
        };
        if depth > MAX_DEPTH {
            self.ahead.clear();
            for _ in self.lexer.by_ref() {}
            return;
        }
        match tok {
            Tok::Ident(_) if self.peek(1) == Some(Tok::Open('(')) => {
                self.skip(2);
                self.group(&path, '(', depth);
            }
            Tok::Open(c) => {
                self.skip(1);
                self.group(&path, c, depth);
            }
            _ => self.skip(1),
        }
    }

    /// The inside of a bracket, up to and including its closing token.
    fn group(&mut self, path: &str, open: char, depth: usize) {
        let mut index = 0;
        while let Some((tok, at)) = self.at(0) {
            match tok {
                Tok::Close => {
                    self.skip(1);
                    return;
                }
                Tok::Comma => self.skip(1),
                Tok::Ident(name) | Tok::Str(name)
                    if open != '[' && self.peek(1) == Some(Tok::Colon) =>
                {
                    let child = join(path, name);
                    self.out.push((child.clone(), at, at));
                    let e = self.out.len() - 1;
                    self.skip(2);
                    self.value(child, depth + 1, false);
                    self.extend(e);
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
