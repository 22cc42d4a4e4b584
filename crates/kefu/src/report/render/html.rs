//! The report as one self-contained HTML page.

use std::fmt::Write as _;

use super::svg::{self, Bar};
use crate::report::{Ratio, Report};

/// Escapes text for HTML and XML content and attributes.
pub(super) fn escape(text: &str) -> String {
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

const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:0 0 1.5em}\
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}td:not(:first-child){text-align:right}\
th{background:#f3f3f3}figure{margin:0 0 1.5em}";

pub(super) fn page(report: &Report) -> String {
    let mut out = String::new();
    let title = format!("Customer service report {}", report.period);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    for table in report.tables() {
        let _ = writeln!(out, "<h2>{}</h2>", escape(&table.title));
        if table.title == "SLA by week" {
            let bars: Vec<Bar> = report
                .sla_by_week
                .iter()
                .map(|w| Bar {
                    label: w.week.format("%m-%d").to_string(),
                    ratio: Ratio::new(w.met, w.met + w.breached),
                })
                .collect();
            let _ = writeln!(out, "<figure>{}</figure>", svg::columns("SLA compliance by week (week of)", &bars));
        }
        if table.title == "Callbacks by specialist" {
            let bars: Vec<Bar> = report
                .callbacks
                .by_specialist
                .iter()
                .map(|(s, c)| Bar { label: s.clone(), ratio: c.coverage })
                .collect();
            let _ =
                writeln!(out, "<figure>{}</figure>", svg::rows("Callback coverage by specialist (rule B10)", &bars));
        }
        if table.rows.is_empty() {
            out.push_str("<p>None.</p>\n");
            continue;
        }
        out.push_str("<table>\n<tr>");
        for c in &table.columns {
            let _ = write!(out, "<th>{}</th>", escape(c));
        }
        out.push_str("</tr>\n");
        for row in &table.rows {
            out.push_str("<tr>");
            for c in row {
                let _ = write!(out, "<td>{}</td>", escape(c));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
