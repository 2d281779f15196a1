//! The report as a document: headings, lines of text and tables, written once and read two
//! ways — as the terminal report (plain text, byte for byte what it always was) and as the
//! body of `report.html` (headings, paragraphs and real tables). One builder, so the page
//! and the terminal can never tell different stories.

use super::table::Table;

/// A part of the report.
enum Block {
    /// A section's title: a blank line, then the title at the left margin.
    Heading(String),
    /// A title within a section: a blank line, then the title indented by two.
    Subheading(String),
    /// Lines of text, kept as written (indents and newlines included).
    Text(String),
    /// A table.
    Table(Table),
}

/// A report being written; see the module comment.
#[derive(Default)]
pub struct Doc {
    blocks: Vec<Block>,
}

impl Doc {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a section titled `title`.
    pub fn heading(&mut self, title: impl Into<String>) {
        self.blocks.push(Block::Heading(title.into()));
    }

    /// Starts a part of a section titled `title`.
    pub fn subheading(&mut self, title: impl Into<String>) {
        self.blocks.push(Block::Subheading(title.into()));
    }

    /// Adds lines of text as written; nothing when `text` is empty.
    pub fn text(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() {
            self.blocks.push(Block::Text(text));
        }
    }

    /// Adds a table.
    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }

    /// Adds everything `other` holds, in its order.
    pub fn append(&mut self, other: Doc) {
        self.blocks.extend(other.blocks);
    }

    /// The plain-text report, its prose (not its tables) wrapped to `width` columns when
    /// given (a terminal's width): a long line breaks at spaces, continued under its indent
    /// and two more.
    pub fn to_text_within(&self, width: Option<usize>) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match (b, width) {
                (Block::Table(_), _) | (_, None) => out.push_str(&b.to_text()),
                (_, Some(w)) => wrap_lines(&b.to_text(), w, &mut out),
            }
        }
        out
    }

    /// The plain-text report.
    pub fn to_text(&self) -> String {
        self.to_text_within(None)
    }

    /// The report as HTML: `<h2>` per section, `<h3>` per part, a `<p>` per line of text
    /// (lines in parentheses, which say where a cut list goes on, as notes), and tables.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Heading(h) => out.push_str(&format!("<h2>{}</h2>\n", escape(h))),
                Block::Subheading(h) => out.push_str(&format!("<h3>{}</h3>\n", escape(h))),
                Block::Text(t) => {
                    for line in t.lines().map(str::trim).filter(|l| !l.is_empty()) {
                        let class = match line.starts_with('(') {
                            true => " class=\"note\"",
                            false => "",
                        };
                        out.push_str(&format!("<p{class}>{}</p>\n", escape(line)));
                    }
                }
                Block::Table(t) => out.push_str(&t.to_html()),
            }
        }
        out
    }
}

impl Block {
    /// The block as plain text.
    fn to_text(&self) -> String {
        match self {
            Block::Heading(h) => format!("\n{h}\n"),
            Block::Subheading(h) => format!("\n  {h}\n"),
            Block::Text(t) => t.clone(),
            Block::Table(t) => t.render(),
        }
    }
}

/// Appends `text` to `out` with each line longer than `width` wrapped at spaces, continued
/// under its indent and two more.
fn wrap_lines(text: &str, width: usize, out: &mut String) {
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let parts = wrap(body.trim_start(), width.saturating_sub(indent + 2).max(20));
        for (i, part) in parts.iter().enumerate() {
            out.push_str(&" ".repeat(if i == 0 { indent } else { indent + 2 }));
            out.push_str(part);
            out.push_str(if i + 1 < parts.len() { "\n" } else { newline });
        }
    }
}

/// `text` in lines of at most `width` characters, broken at spaces (a word longer than
/// `width` stays whole on its line).
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// `text` with the characters HTML gives a meaning escaped, for element content and
/// attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_the_blocks_in_order_and_html_escapes_them() {
        let mut d = Doc::new();
        d.heading("Sites <R03>");
        d.text("  a line\n  (3 more sites: summary.json)\n");
        d.subheading("part & parcel");
        let mut t = Table::new(&["site", "syncs"]);
        t.row(vec!["P01".into(), "12".into()]);
        d.table(t);
        d.text("");
        assert_eq!(
            d.to_text(),
            "\nSites <R03>\n  a line\n  (3 more sites: summary.json)\n\n  part & parcel\n  site  syncs\n  P01      12\n"
        );
        let html = d.to_html();
        assert!(
            html.starts_with(
                "<h2>Sites &lt;R03&gt;</h2>\n<p>a line</p>\n<p class=\"note\">(3 more"
            )
        );
        assert!(html.contains("<h3>part &amp; parcel</h3>"));
        assert!(html.contains("<td class=\"num\">12</td>"));
    }

    #[test]
    fn prose_wraps_to_the_width_and_tables_do_not() {
        let mut d = Doc::new();
        d.heading("A heading that is rather long for a narrow terminal window");
        d.text("  an indented line of text that goes on and on past the edge\n");
        let mut t = Table::new(&["a column heading wider than twenty", "b"]);
        t.row(vec![
            "a cell wider than the width itself".into(),
            "1".into(),
        ]);
        d.table(t);
        let text = d.to_text_within(Some(30));
        for line in text.lines() {
            let table = line.contains("column heading") || line.contains("a cell");
            assert!(table || line.chars().count() <= 30, "{line:?}");
        }
        assert!(
            text.contains("\n  an indented line of text\n    that goes"),
            "continued under the indent: {text}"
        );
        assert_eq!(d.to_text_within(None), d.to_text());
    }
}
