//! Tables of the report: aligned plain text for the terminal, `<table>` for `report.html`.

/// A table of text cells; columns whose cells look numeric are right-aligned.
pub struct Table {
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new(head: &[&str]) -> Self {
        Table {
            head: head.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are blank).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Rows added so far.
    pub fn rows(&self) -> usize {
        self.rows.len()
    }

    /// Renders with two spaces between columns and each line indented by two.
    pub fn render(&self) -> String {
        let cols = self.head.len();
        let cell = |r: &Vec<String>, c: usize| r.get(c).cloned().unwrap_or_default();
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| cell(r, c).chars().count())
                    .chain([self.head[c].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let numeric = self.numeric();
        let mut out = String::new();
        for r in std::iter::once(&self.head).chain(&self.rows) {
            let mut line = String::from(" ");
            for c in 0..cols {
                let v = cell(r, c);
                let pad = widths[c] - v.chars().count();
                line.push(' ');
                if numeric[c] {
                    line.push_str(&" ".repeat(pad));
                    line.push_str(&v);
                } else {
                    line.push_str(&v);
                    line.push_str(&" ".repeat(pad));
                }
                line.push(' ');
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Per column, whether its cells look numeric (right-aligned): every cell empty, a dash
    /// or starting with a digit.
    fn numeric(&self) -> Vec<bool> {
        (0..self.head.len())
            .map(|c| {
                self.rows.iter().all(|r| {
                    let v = r.get(c).map_or("", String::as_str);
                    v.is_empty() || v == "—" || v.starts_with(|ch: char| ch.is_ascii_digit())
                })
            })
            .collect()
    }

    /// Renders as an HTML table, numeric columns marked `class="num"` (right-aligned by the
    /// page's style).
    pub fn to_html(&self) -> String {
        use super::doc::escape;
        let numeric = self.numeric();
        let class = |c: usize| match numeric[c] {
            true => " class=\"num\"",
            false => "",
        };
        let mut out = String::from("<div class=\"table\"><table>\n<thead><tr>");
        for (c, h) in self.head.iter().enumerate() {
            out.push_str(&format!("<th{}>{}</th>", class(c), escape(h)));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in &self.rows {
            out.push_str("<tr>");
            for c in 0..self.head.len() {
                let v = r.get(c).map_or("", String::as_str);
                out.push_str(&format!("<td{}>{}</td>", class(c), escape(v)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody></table></div>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn aligns_text_left_and_numbers_right() {
        let mut t = Table::new(&["site", "syncs"]);
        t.row(vec!["CAS".into(), "12".into()]);
        t.row(vec!["P01".into(), "3".into()]);
        assert_eq!(t.render(), "  site  syncs\n  CAS      12\n  P01       3\n");
    }
}
