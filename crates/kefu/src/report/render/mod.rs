//! A report as tables — the one shape every output is drawn from: plain text, Markdown, CSV and HTML.

mod html;
mod svg;

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::figures::{CallbackCounts, Report};
use super::ratio::Ratio;

/// One table of a rendered report.
pub(super) struct Table {
    /// Its title.
    pub(super) title: String,
    /// The column headings; the first names what a row is about.
    pub(super) columns: Vec<&'static str>,
    /// The rows, each as many cells as columns.
    pub(super) rows: Vec<Vec<String>>,
}

impl Table {
    fn new(title: impl Into<String>, columns: &[&'static str]) -> Self {
        Self { title: title.into(), columns: columns.to_vec(), rows: Vec::new() }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn pair(&mut self, key: impl Into<String>, value: impl ToString) {
        self.rows.push(vec![key.into(), value.to_string()]);
    }
}

fn pct(r: Ratio) -> String {
    r.percent().map_or_else(|| "n/a".to_owned(), |p| format!("{p:.1}% ({}/{})", r.n, r.of))
}

fn counts_row(key: &str, c: &CallbackCounts) -> Vec<String> {
    let mut row = vec![key.to_owned()];
    row.extend([c.due, c.done, c.rescheduled, c.missed, c.open, c.cancelled].map(|v| v.to_string()));
    row.push(pct(c.coverage));
    row
}

const COUNT_COLUMNS: [&str; 7] = ["due", "done", "rescheduled", "missed", "open", "cancelled", "coverage"];

impl Report {
    /// The report's zone (UTC if the name is unknown, which a report built by kefu never has).
    fn zone(&self) -> Tz {
        self.time_zone.parse().unwrap_or(Tz::UTC)
    }

    /// An instant on the desk's wall clock, `2026-06-09 10:00`.
    fn local(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.zone()).format("%Y-%m-%d %H:%M").to_string()
    }

    /// The report as tables, in reading order.
    pub(super) fn tables(&self) -> Vec<Table> {
        let mut out = Vec::new();

        let mut t = Table::new("Report", &["figure", "value"]);
        t.pair("period", self.period);
        t.pair("time zone", &self.time_zone);
        t.pair("from", self.local(self.from));
        t.pair("to (excluded)", self.local(self.to));
        t.pair("as of", self.local(self.as_of));
        t.pair("log events read", self.events);
        out.push(t);

        let mut t = Table::new("Customers by standing", &["standing", "customers"]);
        for (k, v) in &self.customers {
            t.pair(k.clone(), v);
        }
        out.push(t);

        let cb = &self.callbacks;
        let mut t = Table::new("Callbacks due (rule B10)", &["figure", "value"]);
        t.pair("due", cb.due);
        t.pair("done", cb.done);
        t.pair("rescheduled", cb.rescheduled);
        t.pair("missed", cb.missed);
        t.pair("open", cb.open);
        t.pair("cancelled", cb.cancelled);
        t.pair(
            "coverage",
            if cb.coverage.of == 0 { "100% (none missed, none done)".to_owned() } else { pct(cb.coverage) },
        );
        out.push(t);

        let mut columns = vec!["specialist"];
        columns.extend(COUNT_COLUMNS);
        let mut t = Table::new("Callbacks by specialist", &columns);
        for (s, c) in &cb.by_specialist {
            t.row(counts_row(s, c));
        }
        out.push(t);

        columns[0] = "rule";
        let mut t = Table::new("Callbacks by reason", &columns);
        for (s, c) in &cb.by_reason {
            t.row(counts_row(s, c));
        }
        out.push(t);

        let mut t = Table::new("Contacts by channel (rule B1)", &["channel", "attempts", "reached", "done"]);
        for (ch, c) in &cb.by_channel {
            t.row(vec![ch.clone(), c.attempts.to_string(), c.reached.to_string(), c.done.to_string()]);
        }
        out.push(t);

        let mut t =
            Table::new("Missed callbacks (rule B10)", &["customer", "callback", "rule", "due by", "specialist"]);
        for m in &cb.missed_list {
            t.row(vec![
                m.customer.clone(),
                m.callback.clone(),
                m.rule.clone(),
                self.local(m.due_by),
                m.specialist.clone().unwrap_or_else(|| "unassigned".into()),
            ]);
        }
        out.push(t);

        let s = &self.survey;
        let mut t = Table::new("Survey answers (rules S1, S2)", &["question", "answer", "count"]);
        t.row(vec!["records".into(), "callbacks with a script record".into(), s.records.to_string()]);
        for (k, v) in &s.satisfaction {
            t.row(vec!["satisfaction".into(), k.clone(), v.to_string()]);
        }
        t.row(vec!["satisfaction".into(), "score (satisfied)".into(), pct(s.satisfaction_score)]);
        t.row(vec!["would recommend".into(), "yes".into(), pct(s.would_recommend)]);
        t.row(vec!["would keep working together".into(), "yes".into(), pct(s.would_continue)]);
        for (k, v) in &s.heard_of {
            t.row(vec!["first heard of us".into(), k.clone(), v.to_string()]);
        }
        out.push(t);

        let mut t = Table::new("Problems raised (rule B5)", &["figure", "value"]);
        t.pair("raised in callbacks", self.problems.raised);
        t.pair("cases opened from them", self.problems.cases);
        for (k, v) in &self.problems.outcome {
            t.pair(format!("cases now {k}"), v);
        }
        out.push(t);

        let c = &self.cases;
        let mut t = Table::new("Cases", &["figure", "value"]);
        t.pair("opened", c.opened);
        for (k, v) in &c.closed {
            t.pair(format!("closed: {k}"), v);
        }
        for (k, v) in &c.by_class {
            t.pair(format!("class {k}"), v);
        }
        for (k, v) in &c.by_origin {
            t.pair(format!("from {k}"), v);
        }
        t.pair("open at the end", c.open_at_end);
        out.push(t);

        let mut t = Table::new(
            "SLA compliance by policy",
            &["policy", "measure", "met", "breached", "met late", "compliance", "median", "p90"],
        );
        for (p, s) in &self.sla {
            let measure = match s.measure {
                super::Measure::Business => "business",
                super::Measure::Calendar => "calendar",
            };
            t.row(vec![
                p.clone(),
                measure.into(),
                s.met.to_string(),
                s.breached.to_string(),
                s.met_late.to_string(),
                pct(s.compliance),
                s.median.clone().unwrap_or_else(|| "-".into()),
                s.p90.clone().unwrap_or_else(|| "-".into()),
            ]);
        }
        out.push(t);

        let mut t = Table::new("SLA by week", &["week of", "met", "breached", "compliance"]);
        for w in &self.sla_by_week {
            let r = Ratio::new(w.met, w.met + w.breached);
            t.row(vec![w.week.to_string(), w.met.to_string(), w.breached.to_string(), pct(r)]);
        }
        out.push(t);

        let mut t = Table::new("Escalations by level (rule B6)", &["level", "escalations"]);
        for (k, v) in &self.escalations {
            t.pair(k.to_string(), v);
        }
        out.push(t);

        let mut t =
            Table::new("Follow-up obligations (rules F1, F2)", &["rule", "due", "met", "overdue", "withdrawn", "open"]);
        for (rule, o) in &self.obligations {
            let mut row = vec![rule.clone()];
            row.extend([o.due, o.met, o.overdue, o.withdrawn, o.open].map(|v| v.to_string()));
            t.row(row);
        }
        out.push(t);

        let a = &self.approvals;
        let mut t = Table::new("Approvals (rules C6, C7)", &["figure", "value"]);
        t.pair("opened", a.opened);
        t.pair("approved", a.approved);
        t.pair("rejected", a.rejected);
        t.pair("withdrawn", a.withdrawn);
        t.pair("pending at the end", a.pending);
        for (k, v) in &a.by_chain {
            t.pair(format!("opened: {k}"), v);
        }
        out.push(t);

        let mut t = Table::new(
            "KPIs (rule O5)",
            &[
                "who",
                "contacts",
                "reach rate",
                "callbacks done",
                "satisfaction",
                "complaint rate",
                "first-contact resolution",
                "SLA compliance",
            ],
        );
        let team = std::iter::once(("team", &self.kpis.team));
        for (who, k) in team.chain(self.kpis.by_specialist.iter().map(|(s, k)| (s.as_str(), k))) {
            t.row(vec![
                who.to_owned(),
                k.contacts.to_string(),
                pct(k.reach_rate),
                k.callbacks_done.to_string(),
                pct(k.satisfaction),
                pct(k.complaint_rate),
                pct(k.first_contact_resolution),
                pct(k.sla_compliance),
            ]);
        }
        out.push(t);

        let mut t = Table::new(
            "Special feedback (rule B7)",
            &["agreement", "requested by", "due at", "customer", "callbacks done", "satisfaction", "missed", "ready"],
        );
        for f in &self.agreements {
            for (customer, r) in &f.customers {
                let answers: Vec<&str> = r.callbacks.iter().filter_map(|c| c.satisfaction.as_deref()).collect();
                t.row(vec![
                    f.agreement.clone(),
                    f.requested_by.clone(),
                    self.local(f.due_at),
                    customer.clone(),
                    r.callbacks.len().to_string(),
                    if answers.is_empty() { "-".into() } else { answers.join(" ") },
                    r.missed.to_string(),
                    if f.ready { "yes" } else { "not yet" }.into(),
                ]);
            }
        }
        out.push(t);
        out
    }

    /// The report as plain text for people: one aligned table per section (empty sections say so).
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for table in self.tables() {
            let _ = writeln!(out, "{}", table.title);
            if table.rows.is_empty() {
                out.push_str("  (none)\n\n");
                continue;
            }
            let widths: Vec<usize> = (0..table.columns.len())
                .map(|i| {
                    let cells = table.rows.iter().filter_map(|r| r.get(i)).map(|c| c.chars().count());
                    cells.chain([table.columns[i].chars().count()]).max().unwrap_or(0)
                })
                .collect();
            let line = |cells: &mut dyn Iterator<Item = &str>| {
                let padded: Vec<String> =
                    cells.zip(&widths).map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count()))).collect();
                format!("  {}\n", padded.join("  ").trim_end())
            };
            if table.columns.len() > 2 {
                out.push_str(&line(&mut table.columns.iter().copied()));
            }
            for row in &table.rows {
                out.push_str(&line(&mut row.iter().map(String::as_str)));
            }
            out.push('\n');
        }
        out
    }

    /// The report as Markdown: a heading and a table per section.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let cell = |c: &str| c.replace('|', "\\|");
        let mut out = format!("# Report {}\n\n", self.period);
        for table in self.tables() {
            let _ = writeln!(out, "## {}\n", table.title);
            if table.rows.is_empty() {
                out.push_str("None.\n\n");
                continue;
            }
            let _ = writeln!(out, "| {} |", table.columns.join(" | "));
            let _ = writeln!(out, "|{}", " --- |".repeat(table.columns.len()));
            for row in &table.rows {
                let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out.push('\n');
        }
        out
    }

    /// The report as CSV (RFC 4180), one figure a line: `table,row,column,value` — easy to filter or pivot in a
    /// spreadsheet.
    #[must_use]
    pub fn to_csv(&self) -> String {
        fn field(text: &str) -> String {
            if text.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text.to_owned()
            }
        }
        let mut out = String::from("table,row,column,value\r\n");
        for table in self.tables() {
            for row in &table.rows {
                let key = row.first().map_or("", String::as_str);
                for (column, value) in table.columns.iter().zip(row).skip(1) {
                    let _ =
                        write!(out, "{},{},{},{}\r\n", field(&table.title), field(key), field(column), field(value));
                }
            }
        }
        out
    }

    /// The report as one self-contained HTML page: the tables and two inline SVG charts (SLA compliance by week,
    /// callback coverage by specialist); no script, no stylesheet or font to fetch.
    #[must_use]
    pub fn to_html(&self) -> String {
        html::page(self)
    }
}
