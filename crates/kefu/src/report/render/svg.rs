//! Two small charts drawn as inline SVG: bars of percentages, with their labels. Hand-written, so the page needs
//! nothing from outside.

use std::fmt::Write as _;

use super::html::escape;
use crate::report::Ratio;

/// One bar: its label and its ratio (no bar when nothing was counted).
pub(super) struct Bar {
    pub(super) label: String,
    pub(super) ratio: Ratio,
}

/// The colour of a bar: green at 100%, amber from 90%, red below.
fn colour(percent: f64) -> &'static str {
    if percent >= 100.0 {
        "#2e7d32"
    } else if percent >= 90.0 {
        "#f9a825"
    } else {
        "#c62828"
    }
}

/// Vertical bars of percentages (0–100%), one per label, e.g. SLA compliance by week.
pub(super) fn columns(title: &str, bars: &[Bar]) -> String {
    let (left, top, height, step) = (40.0, 30.0, 160.0, 56.0);
    let width = left + step * bars.len().max(1) as f64 + 10.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0}" height="{:.0}" viewBox="0 0 {width:.0} {:.0}" font-family="sans-serif" font-size="11">"#,
        top + height + 50.0,
        top + height + 50.0
    );
    let _ = write!(svg, "<title>{}</title>", escape(title));
    let _ = write!(svg, r#"<text x="{left}" y="16" font-size="13" font-weight="bold">{}</text>"#, escape(title));
    for pct in [0, 50, 100] {
        let y = top + height * (1.0 - f64::from(pct) / 100.0);
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.0}" y2="{y:.1}" stroke="#ccc"/><text x="{:.0}" y="{:.1}" text-anchor="end">{pct}%</text>"##,
            width - 10.0,
            left - 4.0,
            y + 4.0
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let x = left + step * i as f64 + 8.0;
        if let Some(p) = bar.ratio.percent() {
            let h = height * p / 100.0;
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{:.1}" width="40" height="{h:.1}" fill="{}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle">{p:.0}%</text>"#,
                top + height - h,
                colour(p),
                escape(&bar.label),
                bar.ratio,
                x + 20.0,
                top + height - h - 3.0
            );
        } else {
            let _ =
                write!(svg, r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">–</text>"#, x + 20.0, top + height - 3.0);
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x + 20.0,
            top + height + 16.0,
            escape(&bar.label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars of percentages, one per label, e.g. coverage by specialist.
pub(super) fn rows(title: &str, bars: &[Bar]) -> String {
    let (left, top, width, step) = (150.0, 30.0, 300.0, 24.0);
    let total_h = top + step * bars.len().max(1) as f64 + 10.0;
    let total_w = left + width + 130.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{total_w:.0}" height="{total_h:.0}" viewBox="0 0 {total_w:.0} {total_h:.0}" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(svg, "<title>{}</title>", escape(title));
    let _ = write!(svg, r#"<text x="4" y="16" font-size="13" font-weight="bold">{}</text>"#, escape(title));
    for (i, bar) in bars.iter().enumerate() {
        let y = top + step * i as f64;
        let _ = write!(
            svg,
            r#"<text x="{:.0}" y="{:.1}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + 13.0,
            escape(&bar.label)
        );
        let _ = write!(svg, r##"<rect x="{left}" y="{y:.1}" width="{width}" height="16" fill="#eee"/>"##);
        if let Some(p) = bar.ratio.percent() {
            let _ = write!(
                svg,
                r#"<rect x="{left}" y="{y:.1}" width="{:.1}" height="16" fill="{}"><title>{}: {}</title></rect>"#,
                width * p / 100.0,
                colour(p),
                escape(&bar.label),
                bar.ratio
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{:.0}" y="{:.1}">{}</text>"#,
            left + width + 6.0,
            y + 13.0,
            escape(&bar.ratio.to_string())
        );
    }
    svg.push_str("</svg>");
    svg
}
