//! A swimlane timeline of the integrated chronology, drawn in SVG.
//!
//! # Geometry
//!
//! Dates are whole day numbers (days since 1970-01-01, from [`days_from_civil`]), so no
//! date library is needed. The earliest drawn day is the `origin`; at a zoom of `z` pixels
//! a day, day `d` is at `x = PAD_L + (d - origin) * z` (`PAD_L` leaves room for the lane
//! labels). A day's mark is centred in its day (`x + z / 2`); an entry dated only to a
//! month or a year is a bar over its whole period, `[x(start), x(start + length))`.
//!
//! Vertically, the date axis takes the top `AXIS_H` pixels, then each agency has a lane
//! `LANE_H` high: bars (imprecise dates) sit in the lane's upper part, exact dates' round
//! marks in its lower part, so the two never hide each other.
//!
//! # Rendering
//!
//! Everything is derived from the data once ([`Geo`], a memo), then drawn by plain Rust
//! into a few SVG `<path>`s (one per lane and style for the marks, one for all the arrows,
//! one for the gaps…) rather than an element per entry: 5,000 entries stay a few dozen DOM
//! nodes, and the WebAssembly holds few view types. Only what lies within the window (the
//! screen plus a screen either side, in steps of a screen, so scrolling redraws rarely) is
//! drawn. Marks have no elements of their own, so a click is matched to a mark from its
//! position ([`Geo::hit`]).
//!
//! # Keyboard
//!
//! The scrolling region is the timeline's only tab stop. Left and Right move a "current
//! entry" through all the entries in date order, Up and Down to the nearest entry in the
//! lane above or below, Home and End to the first and last; the view follows it and a
//! polite live region reads it out. Enter opens it. + and - zoom, 0 fits everything,
//! Shift with Left or Right, Page Up and Page Down pan.
//!
//! # Zoom
//!
//! Zooming keeps one point where it is on screen ([`shared::timeline`]): the current entry
//! (or, with none in view, the middle of the view) for the buttons and keys, the pointer
//! for Ctrl + wheel (and a touchpad's pinch). The new scroll offset is applied once the
//! drawing has its new width.
//!
//! # Shapes
//!
//! Each agency's marks have a shape as well as a colour ([`Shape::of_lane`], in the lanes'
//! prefix order), shown beside its prefix in the lane and in the legend, so agencies are
//! told apart without seeing colour.

use super::{use_ctx, Integrated};
use crate::components::AgencyPrefix;
use leptos::ev::{KeyboardEvent, MouseEvent, WheelEvent};
use leptos::prelude::*;
use shared::timeline::{scroll_after_zoom, zoom_anchor, Shape, View};

/// Width of the lane label column, in pixels; day `origin` is drawn here.
const PAD_L: f64 = 84.0;
/// Room after the last day, in pixels (for the last tick's label).
const PAD_R: f64 = 56.0;
/// Height of the date axis (two rows of labels).
const AXIS_H: f64 = 44.0;
/// Height of an agency's lane.
const LANE_H: f64 = 40.0;
/// Closest zoom, in pixels a day.
const MAX_PPD: f64 = 96.0;
/// Widest the drawing may get, in pixels (browsers cap element sizes).
const MAX_W: f64 = 4_000_000.0;
/// From this zoom, the axis shows days (below it months, then years).
const DAY_PPD: f64 = 22.0;
/// From this zoom, the axis shows months.
const MONTH_PPD: f64 = 1.2;
/// Radius of an exact date's mark; a bar's height is `BAR_H`.
const R: f64 = 6.0;
const BAR_H: f64 = 8.0;
/// Offsets within a lane of the bars' top and of the round marks' centre.
const BAR_Y: f64 = 7.0;
const DOT_Y: f64 = 26.0;
/// Longest period an imprecise date covers (a leap year), for searching back.
const LONGEST: i64 = 366;
/// Colour of a lane for an agency known only as a receiver of information.
const GREY: &str = "#b1b4b6";
const NONE: u32 = u32::MAX;
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Days since 1970-01-01 of a (proleptic Gregorian) date; Howard Hinnant's algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day number: the inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `YYYY-MM-DD` (anything after the tenth character ignored) as a day number.
fn parse_day(s: &str) -> Option<i64> {
    let mut parts = s.get(..10)?.split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

/// The first day of the month after the one holding day `d`.
fn next_month(d: i64) -> i64 {
    let (y, m, _) = civil_from_days(d);
    if m == 12 {
        days_from_civil(y + 1, 1, 1)
    } else {
        days_from_civil(y, m + 1, 1)
    }
}

/// Appends a number rounded to a whole pixel, then a space (no formatting machinery).
fn num(s: &mut String, v: f64) {
    let mut n = v.round() as i64;
    if n < 0 {
        s.push('-');
        n = -n;
    }
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    s.extend(buf[i..].iter().map(|&b| char::from(b)));
    s.push(' ');
}

/// Appends a path command with one point.
fn pt(s: &mut String, cmd: char, x: f64, y: f64) {
    s.push(cmd);
    num(s, x);
    num(s, y);
}

/// Appends a rectangle from (x0, y0) to (x1, y1).
fn rect_d(s: &mut String, x0: f64, y0: f64, x1: f64, y1: f64) {
    pt(s, 'M', x0, y0);
    pt(s, 'L', x1, y0);
    pt(s, 'L', x1, y1);
    pt(s, 'L', x0, y1);
    s.push('Z');
}

/// Appends an arrowhead (a filled triangle) whose tip is (x2, y2), pointing away from
/// (x1, y1).
fn head(s: &mut String, x1: f64, y1: f64, x2: f64, y2: f64) {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = dx.hypot(dy).max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (bx, by) = (x2 - 9.0 * ux, y2 - 9.0 * uy);
    pt(s, 'M', x2, y2);
    pt(s, 'L', bx - 4.5 * uy, by + 4.5 * ux);
    pt(s, 'L', bx + 4.5 * uy, by - 4.5 * ux);
    s.push('Z');
}

/// A number as text.
fn int(v: i64) -> String {
    let mut s = String::new();
    num(&mut s, v as f64);
    s.pop();
    s
}

/// `#rrggbb` as given, or grey for anything else.
fn colour(c: &str) -> String {
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok { c } else { GREY }.to_string()
}

/// At most `n` characters of a text, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// Appends an agency's mark: its shape centred on (cx, cy), fitting a circle of radius `r`.
fn shape_d(s: &mut String, shape: Shape, cx: f64, cy: f64, r: f64) {
    let corners = shape.corners(cx, cy, r);
    if corners.is_empty() {
        pt(s, 'M', cx - r, cy);
        for dx in [2.0 * r, -2.0 * r] {
            s.push('a');
            num(s, r);
            num(s, r);
            s.push_str("0 1 0 ");
            num(s, dx);
            s.push('0');
        }
        return;
    }
    for (i, &(x, y)) in corners.iter().enumerate() {
        pt(s, if i == 0 { 'M' } else { 'L' }, x, y);
    }
    s.push('Z');
}

/// An agency's shape in its colour, for the legend (hidden from assistive technology:
/// the legend says it in words).
fn swatch_svg(shape: Shape, colour: String) -> AnyView {
    let mut d = String::new();
    shape_d(&mut d, shape, 10.0, 10.0, 7.0);
    view! {
        <svg class="tl-shape" width="20" height="20" aria-hidden="true" focusable="false" data-shape=shape.name()>
            {path("tl-mark", d, Some(colour))}
        </svg>
    }
    .into_any()
}

/// An SVG path; its fill when the class does not set one (the agency's colour).
fn path(class: &'static str, d: String, fill: Option<String>) -> AnyView {
    view! { <path class=class d=d fill=fill /> }.into_any()
}

/// An SVG text at (x, y) (its baseline).
fn text(class: &'static str, x: f64, y: f64, s: String) -> AnyView {
    view! { <text class=class x=int(x as i64) y=int(y as i64)>{s}</text> }.into_any()
}

#[derive(Clone, PartialEq)]
struct Lane {
    prefix: String,
    name: String,
    colour: String,
}

/// An entry's mark: the days it covers and its lane.
#[derive(Clone, Copy, PartialEq)]
struct Mark {
    start: i64,
    /// Days covered: 1 for an exact date, the month's or year's length otherwise.
    len: i64,
    /// Drawn as a bar over its period (a month or year precision date).
    bar: bool,
    uncertain: bool,
    lane: usize,
    /// Index in the chronology's entries.
    entry: usize,
}

/// Information shared by one entry's agency with another.
#[derive(Clone, Copy, PartialEq)]
struct Arrow {
    from: u32,
    /// The receiving agency's entry that confirms it.
    to: Option<u32>,
    /// The receiving agency's lane.
    lane: usize,
    confirmed: bool,
}

/// Everything the drawing needs, derived from the data once per load.
#[derive(Clone, PartialEq, Default)]
struct Geo {
    /// Day number drawn at `x = PAD_L`.
    origin: i64,
    /// Days from the origin to the end of the last period.
    span: i64,
    /// One per agency, by prefix.
    lanes: Vec<Lane>,
    /// In date order (then lane): this order is what Left and Right step through.
    marks: Vec<Mark>,
    /// Per lane, its marks (indices in `marks`) in date order.
    by_lane: Vec<Vec<u32>>,
    /// Per chronology entry, its mark or `NONE` (an unreadable date).
    mark_of: Vec<u32>,
    arrows: Vec<Arrow>,
    /// Duplicate groups not rejected: confirmed?, members' marks top to bottom.
    dups: Vec<(bool, Vec<u32>)>,
    /// Gaps: first day without contact, first day with contact again, days.
    gaps: Vec<(i64, i64, i64)>,
}

impl Geo {
    fn new(d: &Integrated) -> Self {
        let raw = &d.raw;
        let mut lanes: Vec<Lane> = Vec::new();
        for e in &raw.entries {
            if !lanes.iter().any(|l| l.prefix == e.agency.prefix) {
                lanes.push(Lane {
                    prefix: e.agency.prefix.clone(),
                    name: e.agency.name.clone(),
                    colour: colour(&e.agency.colour),
                });
            }
        }
        // An agency that was told something but recorded nothing still gets its lane.
        for s in &raw.sharing {
            if !lanes.iter().any(|l| l.prefix == s.with_prefix) {
                lanes.push(Lane {
                    prefix: s.with_prefix.clone(),
                    name: s.with_prefix.clone(),
                    colour: GREY.to_string(),
                });
            }
        }
        lanes.sort_by(|a, b| a.prefix.cmp(&b.prefix));
        let lane_of = |p: &str| lanes.iter().position(|l| l.prefix == p);

        let mut marks = Vec::with_capacity(raw.entries.len());
        for (entry, e) in raw.entries.iter().enumerate() {
            let (Some(start), Some(lane)) = (parse_day(&e.start_on), lane_of(&e.agency.prefix))
            else {
                continue;
            };
            let end = match e.precision.as_str() {
                "MONTH" => next_month(start),
                "YEAR" => days_from_civil(civil_from_days(start).0 + 1, 1, 1),
                _ => start + 1,
            };
            marks.push(Mark {
                start,
                len: (end - start).clamp(1, LONGEST),
                bar: e.precision == "MONTH" || e.precision == "YEAR",
                uncertain: e.uncertain,
                lane,
                entry,
            });
        }
        marks.sort_by_key(|m| (m.start, m.lane, m.entry));
        let mut mark_of = vec![NONE; raw.entries.len()];
        let mut by_lane = vec![Vec::new(); lanes.len()];
        for (i, m) in marks.iter().enumerate() {
            mark_of[m.entry] = i as u32;
            by_lane[m.lane].push(i as u32);
        }
        let mark = |id: &str| d.index.get(id).map(|&e| mark_of[e]).filter(|&m| m != NONE);

        let arrows = raw
            .sharing
            .iter()
            .filter_map(|s| {
                Some(Arrow {
                    from: mark(&s.entry_id)?,
                    to: s.confirmed_by.as_deref().and_then(mark),
                    lane: lane_of(&s.with_prefix)?,
                    confirmed: s.confirmed,
                })
            })
            .collect();
        let dups = raw
            .duplicate_groups
            .iter()
            .filter(|g| g.decision.as_deref() != Some("REJECTED"))
            .filter_map(|g| {
                let mut members: Vec<u32> = g.entries.iter().filter_map(|e| mark(e)).collect();
                members.sort_by_key(|&m| (marks[m as usize].lane, m));
                (members.len() > 1).then(|| (g.decision.as_deref() == Some("CONFIRMED"), members))
            })
            .collect();
        let gaps: Vec<(i64, i64, i64)> = raw
            .gaps
            .iter()
            .filter_map(|g| Some((parse_day(&g.after)? + 1, parse_day(&g.before)?, g.days)))
            .filter(|g| g.1 > g.0)
            .collect();

        let first = marks.iter().map(|m| m.start);
        let origin = first.chain(gaps.iter().map(|g| g.0)).min().unwrap_or(0);
        let last = marks.iter().map(|m| m.start + m.len);
        let end = last.chain(gaps.iter().map(|g| g.1)).max().unwrap_or(0);
        Self {
            origin,
            span: (end - origin).max(1),
            lanes,
            marks,
            by_lane,
            mark_of,
            arrows,
            dups,
            gaps,
        }
    }

    /// The x of the start of day `d` (fractional days allowed).
    fn x(&self, d: f64, z: f64) -> f64 {
        PAD_L + (d - self.origin as f64) * z
    }

    /// The day at `x`.
    fn day_at(&self, x: f64, z: f64) -> i64 {
        self.origin + ((x - PAD_L) / z).floor() as i64
    }

    /// The top of lane `l`.
    fn top(l: usize) -> f64 {
        AXIS_H + l as f64 * LANE_H
    }

    fn width(&self, z: f64) -> f64 {
        PAD_L + self.span as f64 * z + PAD_R
    }

    fn height(&self) -> f64 {
        AXIS_H + self.lanes.len() as f64 * LANE_H
    }

    /// The zooms allowed (pixels a day) in a view `w` pixels wide: from everything in view
    /// (or a day, if that is closer) to a day `MAX_PPD` wide.
    fn limits(&self, w: f64) -> (f64, f64) {
        let hi = MAX_PPD.min(MAX_W / self.span as f64);
        let fit = (w - PAD_L - PAD_R).max(50.0) / self.span as f64;
        (fit.min(hi), hi)
    }

    /// Mark `m`'s box: x0, y0, x1, y1.
    fn bbox(&self, m: u32, z: f64) -> (f64, f64, f64, f64) {
        let k = &self.marks[m as usize];
        let top = Self::top(k.lane);
        if k.bar {
            let (x0, x1) = (
                self.x(k.start as f64, z),
                self.x((k.start + k.len) as f64, z),
            );
            let grow = ((6.0 - (x1 - x0)) / 2.0).max(0.0);
            (x0 - grow, top + BAR_Y, x1 + grow, top + BAR_Y + BAR_H)
        } else {
            let cx = self.x(k.start as f64 + 0.5, z);
            (cx - R, top + DOT_Y - R, cx + R, top + DOT_Y + R)
        }
    }

    /// Mark `m`'s centre, where arrows and connectors meet it.
    fn centre(&self, m: u32, z: f64) -> (f64, f64) {
        let (x0, y0, x1, y1) = self.bbox(m, z);
        ((x0 + x1) / 2.0, (y0 + y1) / 2.0)
    }

    /// Where a line towards `x` meets mark `m`: a round mark's centre, or the point of a
    /// bar (a whole month or year) nearest that date, so that lines stay short.
    fn toward(&self, m: u32, x: f64, z: f64) -> (f64, f64) {
        let (x0, y0, x1, y1) = self.bbox(m, z);
        let x = if self.marks[m as usize].bar {
            x.clamp(x0, x1)
        } else {
            (x0 + x1) / 2.0
        };
        (x, (y0 + y1) / 2.0)
    }

    /// The mark at (x, y), if any (the closest, allowing a few pixels around each).
    fn hit(&self, x: f64, y: f64, z: f64) -> Option<u32> {
        let lane = ((y - AXIS_H) / LANE_H).floor();
        let list = self.by_lane.get(usize::try_from(lane as i64).ok()?)?;
        let slop = 4.0;
        let last_day = self.day_at(x + R + slop, z);
        let end = list.partition_point(|&m| self.marks[m as usize].start <= last_day);
        let first_day = self.day_at(x - R - slop, z) - LONGEST;
        list[..end]
            .iter()
            .rev()
            .take_while(|&&m| self.marks[m as usize].start >= first_day)
            .filter_map(|&m| {
                let (x0, y0, x1, y1) = self.bbox(m, z);
                let inside = x >= x0 - slop && x <= x1 + slop && y >= y0 - slop && y <= y1 + slop;
                let (cx, cy) = self.centre(m, z);
                inside.then(|| (m, (cx - x).hypot(cy - y)))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(m, _)| m)
    }

    /// The marks in the lane `step` lanes away from mark `m`'s (skipping empty lanes)
    /// closest in date to it.
    fn lane_step(&self, m: u32, step: isize) -> Option<u32> {
        let here = self.marks[m as usize];
        let mut lane = here.lane;
        loop {
            lane = lane.checked_add_signed(step)?;
            let list = self.by_lane.get(lane)?;
            let at = list.partition_point(|&k| self.marks[k as usize].start < here.start);
            let near = [at.checked_sub(1), Some(at)]
                .into_iter()
                .flatten()
                .filter_map(|i| list.get(i).copied())
                .min_by_key(|&k| (self.marks[k as usize].start - here.start).abs());
            if near.is_some() {
                return near;
            }
        }
    }
}

/// What the axis marks: its unit, the major ticks (labelled on the top row, and drawn
/// across the lanes) and the minor ones, as day numbers.
#[derive(Clone, PartialEq, Default)]
struct Ticks {
    unit: Unit,
    major: Vec<i64>,
    minor: Vec<i64>,
}

#[derive(Clone, Copy, PartialEq, Default)]
enum Unit {
    /// Every so many years.
    Years(i64),
    /// Years, with the months named.
    #[default]
    Months,
    /// Months, with the days numbered.
    Days,
}

impl Unit {
    fn of(z: f64) -> Self {
        if z >= DAY_PPD {
            Self::Days
        } else if z >= MONTH_PPD {
            Self::Months
        } else {
            // Labelled years at least 48 pixels apart.
            let step = [1, 2, 5, 10, 20, 50, 100]
                .into_iter()
                .find(|k| *k as f64 * 365.25 * z >= 48.0)
                .unwrap_or(200);
            Self::Years(step)
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Years(_) => "years",
            Self::Months => "months",
            Self::Days => "days",
        }
    }
}

/// The ticks for days `d0` to `d1` at `z` pixels a day.
fn ticks(z: f64, d0: i64, d1: i64) -> Ticks {
    let unit = Unit::of(z);
    // Far out, a tick a year is enough; otherwise one a month.
    let by_year = matches!(unit, Unit::Years(k) if k > 1 || z * 30.0 < 5.0);
    let (mut major, mut minor) = (Vec::new(), Vec::new());
    let (y, m, _) = civil_from_days(d0);
    let mut day = days_from_civil(y, if by_year { 1 } else { m }, 1);
    while day <= d1 {
        let (y, m, _) = civil_from_days(day);
        if day >= d0 {
            match unit {
                Unit::Years(k) if m == 1 && y.rem_euclid(k) == 0 => major.push(day),
                Unit::Years(_) => minor.push(day),
                Unit::Months => {
                    if m == 1 {
                        major.push(day);
                    }
                    minor.push(day);
                }
                Unit::Days => major.push(day),
            }
        }
        day = if by_year {
            days_from_civil(y + 1, 1, 1)
        } else {
            next_month(day)
        };
    }
    if unit == Unit::Days {
        minor.extend(d0..=d1);
    }
    Ticks { unit, major, minor }
}

/// The lanes, gaps, grid, duplicate connectors, arrows and marks of days `d0` to `d1`.
fn body(g: &Geo, z: f64, (d0, d1): (i64, i64), t: &Ticks) -> Vec<AnyView> {
    let (w, h) = (g.width(z), g.height());
    let mut out = Vec::with_capacity(3 * g.lanes.len() + 12);
    for (l, lane) in g.lanes.iter().enumerate() {
        let mut d = String::new();
        rect_d(&mut d, 0.0, Geo::top(l), w, Geo::top(l + 1));
        out.push(path("tl-lane", d, Some(lane.colour.clone())));
    }

    let mut shade = String::new();
    let mut labels = Vec::new();
    for &(s, e, days) in g.gaps.iter().filter(|g| g.0 <= d1 && g.1 >= d0) {
        let (x0, x1) = (g.x(s as f64, z), g.x(e as f64, z));
        rect_d(&mut shade, x0, AXIS_H, x1, h);
        if x1 - x0 >= 64.0 {
            let mut s = int(days);
            s.push_str(if days == 1 { " day" } else { " days" });
            labels.push(text("tl-halo tl-mid", (x0 + x1) / 2.0, AXIS_H + 15.0, s));
        }
    }
    out.push(path("tl-gap", shade, Some("url(#tl-gap)".into())));

    let mut grid = String::new();
    for &d in &t.major {
        let x = g.x(d as f64, z);
        pt(&mut grid, 'M', x, AXIS_H);
        pt(&mut grid, 'L', x, h);
    }
    for l in 1..g.lanes.len() {
        pt(&mut grid, 'M', 0.0, Geo::top(l));
        pt(&mut grid, 'L', w, Geo::top(l));
    }
    out.push(path("tl-grid", grid, None));
    out.extend(labels);

    // Whether something spanning days a to b (either order) touches the window.
    let seen = |a: i64, b: i64| a.min(b) <= d1 && a.max(b) >= d0;
    let start = |m: u32| g.marks[m as usize].start;

    let (mut sure, mut maybe) = (String::new(), String::new());
    for (confirmed, members) in &g.dups {
        let (lo, hi) = members.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &m| {
            (lo.min(start(m)), hi.max(start(m)))
        });
        if !seen(lo, hi) {
            continue;
        }
        let d = if *confirmed { &mut sure } else { &mut maybe };
        let x0 = g.centre(members[0], z).0;
        for (i, &m) in members.iter().enumerate() {
            let (x, y) = g.toward(m, x0, z);
            pt(d, if i == 0 { 'M' } else { 'L' }, x, y);
        }
    }
    out.push(path("tl-dup", sure, None));
    out.push(path("tl-dup tl-dup-maybe", maybe, None));

    let (mut lines, mut heads) = (String::new(), String::new());
    let (mut open, mut open_heads) = (String::new(), String::new());
    let mut notes: Vec<(f64, f64)> = Vec::new();
    for a in &g.arrows {
        let (x1, y1) = g.centre(a.from, z);
        let ((x1, y1), (x2, y2)) = match a.to {
            Some(to) if seen(start(a.from), start(to)) => {
                let end = g.toward(to, x1, z);
                (g.toward(a.from, end.0, z), end)
            }
            // Not confirmed by an entry: towards the receiving lane, at the same date.
            None if a.lane != g.marks[a.from as usize].lane
                && seen(start(a.from), start(a.from)) =>
            {
                ((x1, y1), (x1, Geo::top(a.lane) + LANE_H / 2.0))
            }
            _ => continue,
        };
        // From the first mark's edge to just short of the second's, the line stopping
        // inside the arrowhead.
        let len = (x2 - x1).hypot(y2 - y1).max(1.0);
        let (ux, uy) = ((x2 - x1) / len, (y2 - y1) / len);
        let (sx, sy) = (x1 + R * ux, y1 + R * uy);
        let (ex, ey) = (x2 - (R + 1.0) * ux, y2 - (R + 1.0) * uy);
        let (l, hd) = if a.confirmed {
            (&mut lines, &mut heads)
        } else {
            notes.push((ex, (sy + ey) / 2.0));
            (&mut open, &mut open_heads)
        };
        pt(l, 'M', sx, sy);
        pt(l, 'L', ex - 6.0 * ux, ey - 6.0 * uy);
        head(hd, sx, sy, ex, ey);
    }
    out.push(path("tl-share", lines, None));
    out.push(path("tl-head", heads, None));
    out.push(path("tl-share tl-open", open, None));
    out.push(path("tl-head tl-open-head", open_heads, None));

    let from = g.marks.partition_point(|m| m.start < d0 - LONGEST);
    let mut shapes = vec![(String::new(), String::new()); g.lanes.len()];
    for (i, m) in g.marks.iter().enumerate().skip(from) {
        if m.start > d1 {
            break;
        }
        if m.start + m.len < d0 {
            continue;
        }
        let (solid, hollow) = &mut shapes[m.lane];
        let d = if m.uncertain { hollow } else { solid };
        let (x0, y0, x1, y1) = g.bbox(i as u32, z);
        if m.bar {
            rect_d(d, x0, y0, x1, y1);
        } else {
            shape_d(d, Shape::of_lane(m.lane), x0 + R, y0 + R, R);
        }
    }
    for ((solid, hollow), lane) in shapes.into_iter().zip(&g.lanes) {
        out.push(path("tl-mark", solid, Some(lane.colour.clone())));
        out.push(path(
            "tl-mark tl-uncertain",
            hollow,
            Some(lane.colour.clone()),
        ));
    }

    // "not confirmed" beside the unconfirmed arrows, where there is room.
    notes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last = f64::MIN;
    for (x, y) in notes {
        if x - last >= 110.0 {
            last = x;
            out.push(text(
                "tl-halo tl-note",
                x + 5.0,
                y + 4.0,
                "not confirmed".into(),
            ));
        }
    }
    out
}

/// The axis: a white band with the ticks and their labels.
fn axis(g: &Geo, z: f64, t: &Ticks) -> Vec<AnyView> {
    let w = g.width(z);
    let mut out = Vec::with_capacity(t.major.len() + t.minor.len() + 2);
    let mut band = String::new();
    rect_d(&mut band, 0.0, 0.0, w, AXIS_H);
    out.push(path("tl-axis-bg", band, None));
    let mut marks = String::new();
    pt(&mut marks, 'M', 0.0, AXIS_H);
    pt(&mut marks, 'L', w, AXIS_H);
    for &d in &t.major {
        let x = g.x(d as f64, z);
        pt(&mut marks, 'M', x, 2.0);
        pt(&mut marks, 'L', x, AXIS_H);
        out.push(text("tl-major", x + 4.0, 17.0, period(t.unit, d)));
    }
    for &d in &t.minor {
        let x = g.x(d as f64, z);
        pt(&mut marks, 'M', x, AXIS_H - 6.0);
        pt(&mut marks, 'L', x, AXIS_H);
        let (_, m, day) = civil_from_days(d);
        match t.unit {
            Unit::Days => out.push(text("tl-mid", x + z / 2.0, 37.0, int(day))),
            Unit::Months => out.push(text(
                "tl-minor",
                x + 3.0,
                37.0,
                MONTHS[m as usize - 1].into(),
            )),
            Unit::Years(_) => {}
        }
    }
    out.push(path("tl-tick", marks, None));
    out
}

/// The period a major tick starts, as labelled: "May 2016" by days, else the year.
fn period(unit: Unit, d: i64) -> String {
    let (y, m, _) = civil_from_days(d);
    if unit == Unit::Days {
        let mut s = MONTHS[m as usize - 1].to_string();
        s.push(' ');
        s.push_str(&int(y));
        s
    } else {
        int(y)
    }
}

/// The swimlane timeline of the integrated chronology (`use_ctx().integrated`), redrawn
/// when it changes. Clicking an entry's mark, or Enter on the current entry, calls
/// `on_select` with the entry's id.
#[component]
pub fn Timeline(on_select: Callback<String>) -> impl IntoView {
    let ctx = use_ctx();
    let geo = Memo::new(move |_| {
        ctx.integrated
            .with(|d| d.as_ref().map(Geo::new).unwrap_or_default())
    });
    let scroller = NodeRef::<leptos::html::Div>::new();
    // The view: scroll position and width of the region, in pixels.
    let left = RwSignal::new(0.0_f64);
    let top = RwSignal::new(0.0_f64);
    let width = RwSignal::new(900.0_f64);
    // The zoom asked for, in pixels a day (0: fit everything); `zoom` is it within limits.
    let asked = RwSignal::new(0.0_f64);
    let current = RwSignal::new(None::<String>);
    let pointer = RwSignal::new(false);

    let limits = move || geo.with(|g| g.limits(width.get()));
    let zoom = Memo::new(move |_| {
        let (lo, hi) = limits();
        asked.get().clamp(lo, hi)
    });
    // The days drawn: the screen and one either side, moving a screen at a time.
    let window = Memo::new(move |_| {
        let (w, z) = (width.get().max(200.0), zoom.get());
        let screen = (left.get() / w).floor();
        geo.with(|g| {
            let d0 = g.day_at((screen - 1.0) * w, z) - 1;
            let d1 = g.day_at((screen + 2.0) * w, z) + 1;
            (d0.max(g.origin - 1), d1.min(g.origin + g.span + 1))
        })
    });
    let ticks = Memo::new(move |_| {
        let (d0, d1) = window.get();
        ticks(zoom.get(), d0, d1)
    });
    // The current entry's mark (gone if a reload removed the entry).
    let mark = Memo::new(move |_| {
        let entry = current.with(|c| {
            let id = c.as_ref()?;
            ctx.integrated.with(|d| d.as_ref()?.index.get(id).copied())
        })?;
        geo.with(|g| g.mark_of.get(entry).copied().filter(|&m| m != NONE))
    });

    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            for (signal, v) in [
                (left, el.scroll_left()),
                (top, el.scroll_top()),
                (width, el.client_width()),
            ] {
                if signal.get_untracked() != f64::from(v) {
                    signal.set(f64::from(v));
                }
            }
        }
    };
    Effect::new(move |_| {
        if scroller.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    // Scrolls to `x` (and `y`) once the drawing has its new size (after a zoom).
    let scroll_to = move |x: f64, y: Option<f64>| {
        let end = geo.with_untracked(|g| g.width(zoom.get_untracked())) - width.get_untracked();
        let x = x.clamp(0.0, end.max(0.0));
        left.set(x);
        scroll_when_drawn(scroller, x, y, 3, measure);
    };
    // Zooms to `z` pixels a day, keeping the pointer's x (Ctrl + wheel), else the current
    // entry if it is in view, else the middle of the view, where it is on screen.
    let zoom_to = move |z: f64, pointer: Option<f64>| {
        let old = zoom.get_untracked();
        let w = width.get_untracked();
        let (lo, hi) = geo.with_untracked(|g| g.limits(w));
        let z = z.clamp(lo, hi);
        if z == old {
            return;
        }
        let view = View {
            scroll_left: left.get_untracked(),
            width: w,
            labels: PAD_L,
        };
        let focused = mark
            .get_untracked()
            .map(|m| geo.with_untracked(|g| g.centre(m, old).0));
        let anchor = zoom_anchor(view, focused, pointer);
        asked.set(z);
        let end = geo.with_untracked(|g| g.width(z)) - w;
        scroll_to(scroll_after_zoom(view, anchor, PAD_L, old, z, end), None);
    };
    let zoom_in = move || zoom_to(zoom.get_untracked() * 2.0, None);
    let zoom_out = move || zoom_to(zoom.get_untracked() / 2.0, None);
    // Ctrl (or Cmd) + wheel, and a touchpad's pinch: zoom at the pointer.
    let on_wheel = move |ev: WheelEvent| {
        if !(ev.ctrl_key() || ev.meta_key()) {
            return;
        }
        ev.prevent_default();
        let Some(el) = scroller.get_untracked() else {
            return;
        };
        let rect = el.get_bounding_client_rect();
        let l = f64::from(el.scroll_left());
        let x = f64::from(ev.client_x()) - rect.left() - f64::from(el.client_left()) + l;
        // A wheel's notch (100 pixels, or 3 lines) halves or doubles; a pinch's small steps
        // zoom smoothly.
        let dy = match ev.delta_mode() {
            0 => ev.delta_y(),
            1 => ev.delta_y() * 33.0,
            _ => ev.delta_y() * 400.0,
        };
        let factor = (-dy / 100.0).clamp(-1.0, 1.0).exp2();
        zoom_to(zoom.get_untracked() * factor, Some(x.max(l + PAD_L)));
    };
    let fit = move || {
        asked.set(0.0);
        scroll_to(0.0, None);
    };
    // Makes mark `m` current and brings it into view.
    let go = move |m: u32| {
        let Some(id) = geo.with_untracked(|g| {
            let e = g.marks.get(m as usize)?.entry;
            ctx.integrated
                .with_untracked(|d| Some(d.as_ref()?.raw.entries.get(e)?.id.clone()))
        }) else {
            return;
        };
        current.set(Some(id));
        let (x, y) = geo.with_untracked(|g| g.centre(m, zoom.get_untracked()));
        let (l, w, t) = (
            left.get_untracked(),
            width.get_untracked(),
            top.get_untracked(),
        );
        let h = scroller
            .get_untracked()
            .map_or(400.0, |el| f64::from(el.client_height()));
        let x = (x < l + PAD_L + 16.0 || x > l + w - 16.0).then(|| x - (PAD_L + w) / 2.0);
        let y = (y - 24.0 < t + AXIS_H || y + 24.0 > t + h).then(|| y - h / 2.0);
        if x.is_some() || y.is_some() {
            scroll_to(x.unwrap_or(l), y);
        }
    };
    // Left or Right: the next entry in date order, or the first (last) one in view.
    let step = move |by: i64| {
        let g_len = geo.with_untracked(|g| g.marks.len());
        if g_len == 0 {
            return;
        }
        let next = match mark.get_untracked() {
            Some(m) => (i64::from(m) + by).clamp(0, g_len as i64 - 1) as u32,
            None => geo.with_untracked(|g| {
                let (l, w, z) = (
                    left.get_untracked(),
                    width.get_untracked(),
                    zoom.get_untracked(),
                );
                let i = if by > 0 {
                    let first = g.day_at(l + PAD_L, z);
                    g.marks.partition_point(|m| m.start < first)
                } else {
                    let last = g.day_at(l + w, z);
                    g.marks
                        .partition_point(|m| m.start <= last)
                        .saturating_sub(1)
                };
                i.min(g_len - 1) as u32
            }),
        };
        go(next);
    };
    let select = move |m: u32| {
        let id = geo.with_untracked(|g| {
            let e = g.marks.get(m as usize)?.entry;
            ctx.integrated
                .with_untracked(|d| Some(d.as_ref()?.raw.entries.get(e)?.id.clone()))
        });
        if let Some(id) = id {
            on_select.run(id);
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let (w, shift) = (width.get_untracked(), ev.shift_key());
        let pan = |dx: f64| scroll_to(left.get_untracked() + dx, None);
        match ev.key().as_str() {
            "+" | "=" => zoom_in(),
            "-" | "_" => zoom_out(),
            "0" => fit(),
            "ArrowRight" if shift => pan(w / 4.0),
            "ArrowLeft" if shift => pan(-w / 4.0),
            "PageDown" => pan(w * 0.9),
            "PageUp" => pan(-w * 0.9),
            "ArrowRight" => step(1),
            "ArrowLeft" => step(-1),
            "Home" => go(0),
            "End" => go(geo.with_untracked(|g| g.marks.len().saturating_sub(1)) as u32),
            k @ ("ArrowDown" | "ArrowUp") => match mark.get_untracked() {
                Some(m) => {
                    let by = if k == "ArrowDown" { 1 } else { -1 };
                    if let Some(n) = geo.with_untracked(|g| g.lane_step(m, by)) {
                        go(n);
                    }
                }
                None => step(1),
            },
            "Enter" | " " => match mark.get_untracked() {
                Some(m) => select(m),
                None => step(1),
            },
            _ => return,
        }
        ev.prevent_default();
    };
    // A click (the SVG's children let clicks through to it, so offsets are the SVG's).
    let at = move |ev: &MouseEvent| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        if x < left.get_untracked() + PAD_L || y < top.get_untracked() + AXIS_H {
            return None;
        }
        geo.with_untracked(|g| g.hit(x, y, zoom.get_untracked()))
    };
    let on_click = move |ev: MouseEvent| {
        if let Some(m) = at(&ev) {
            go(m);
            select(m);
        }
    };
    let on_move = move |ev: MouseEvent| {
        let hit = at(&ev).is_some();
        if pointer.get_untracked() != hit {
            pointer.set(hit);
        }
    };

    let draw = move || {
        let (z, w) = (zoom.get(), window.get());
        ticks.with(|t| geo.with(|g| body(g, z, w, t)))
    };
    let draw_axis = move || {
        let z = zoom.get();
        ticks.with(|t| geo.with(|g| axis(g, z, t)))
    };
    let ring = Memo::new(move |_| {
        let mut d = String::new();
        if let Some(m) = mark.get() {
            let (x0, y0, x1, y1) = geo.with(|g| g.bbox(m, zoom.get()));
            rect_d(&mut d, x0 - 5.0, y0 - 5.0, x1 + 5.0, y1 + 5.0);
        }
        d
    });
    let lane_labels = move || {
        geo.with(|g| {
            let mut column = String::new();
            rect_d(&mut column, 0.0, AXIS_H, PAD_L, g.height());
            let mut out = vec![path("tl-label-col", column, None)];
            for (l, lane) in g.lanes.iter().enumerate() {
                let y = Geo::top(l) + LANE_H / 2.0 + 5.0;
                out.push(text("tl-lane-label", 8.0, y, clip(&lane.prefix, 6)));
                let mut d = String::new();
                shape_d(&mut d, Shape::of_lane(l), PAD_L - 14.0, y - 5.0, R);
                out.push(path("tl-mark", d, Some(lane.colour.clone())));
            }
            out
        })
    };
    // The period at the left edge of the view, in the top left corner.
    let corner = move || {
        let z = zoom.get();
        let d = geo.with(|g| g.day_at(left.get() + PAD_L, z));
        period(Unit::of(z), d)
    };
    let live = move || {
        let Some(m) = mark.get() else {
            return "No entry chosen: press the Right arrow key for the first in view.".to_string();
        };
        let (k, n, entry) =
            geo.with(|g| (m as usize + 1, g.marks.len(), g.marks[m as usize].entry));
        ctx.integrated.with(|d| {
            let Some(d) = d.as_ref() else {
                return String::new();
            };
            let Some(e) = d.raw.entries.get(entry) else {
                return String::new();
            };
            let mut s = format!(
                "{}{}, ",
                e.start_date,
                if e.uncertain { " (uncertain)" } else { "" }
            );
            s.push_str(&format!("{} ({})", e.agency.prefix, e.agency.name));
            if let Some(t) = &e.event_type {
                s.push_str(&format!(", {t}"));
            }
            s.push_str(&format!(": {}", clip(&e.event, 200)));
            if let Some(g) = d.group.get(entry).copied().flatten() {
                s.push_str(&format!(" In probable duplicate group {}.", g + 1));
            }
            for with in d.unconfirmed.get(entry).into_iter().flatten() {
                s.push_str(&format!(" Sharing with {with} not confirmed."));
            }
            s.push_str(&format!(" Entry {k} of {n}; Enter for its details."));
            s
        })
    };
    let summary = move || {
        geo.with(|g| {
            format!(
                "Timeline of {} entries in {} agency lanes, with {} gaps",
                g.marks.len(),
                g.lanes.len(),
                g.gaps.len()
            )
        })
    };
    let disabled = |off: bool| off.then_some("true");
    view! {
        <h3 id="timeline-title">"Timeline"</h3>
        <Show
            when=move || geo.with(|g| !g.marks.is_empty())
            fallback=|| view! { <p>"There are no dated entries to draw yet."</p> }
        >
            <div class="tl-toolbar">
                <button
                    type="button"
                    class="button button-secondary button-small"
                    aria-disabled=move || disabled(zoom.get() >= limits().1)
                    on:click=move |_| zoom_in()
                >
                    "Zoom in"
                </button>
                <button
                    type="button"
                    class="button button-secondary button-small"
                    aria-disabled=move || disabled(zoom.get() <= limits().0)
                    on:click=move |_| zoom_out()
                >
                    "Zoom out"
                </button>
                <button type="button" class="button button-secondary button-small" on:click=move |_| fit()>
                    "Fit all"
                </button>
                <span class="tl-scale" role="status">
                    {move || format!("Scale: {}", Unit::of(zoom.get()).name())}
                </span>
            </div>
            <p class="hint tl-help" id="timeline-help">
                "Keys: + and - zoom, 0 fits everything, Left and Right arrows move between entries, "
                "Up and Down move between agencies, Enter opens the entry, Shift with an arrow or "
                "Page Up and Page Down pan. The table of entries on this page lists the same "
                "entries as text."
            </p>
            <div
                class="tl-scroll"
                tabindex="0"
                role="region"
                aria-label="Timeline of the integrated chronology"
                aria-describedby="timeline-help timeline-current"
                node_ref=scroller
                on:scroll=move |_| measure()
                on:keydown=on_key
                on:wheel=on_wheel
            >
                <svg
                    class="tl-svg"
                    class:tl-pointer=move || pointer.get()
                    role="img"
                    aria-label=summary
                    width=move || int(geo.with(|g| g.width(zoom.get())) as i64)
                    height=move || int(geo.with(|g| g.height()) as i64 + 1)
                    on:click=on_click
                    on:mousemove=on_move
                >
                    <defs>
                        <pattern id="tl-gap" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                            <path d="M0 0H8V8H0Z" fill="#f3f2f1" />
                            <path d="M0 0H4V8H0Z" fill="#dedede" />
                        </pattern>
                    </defs>
                    {draw}
                    <path class="tl-ring" d=move || ring.get() />
                    <path class="tl-ring-in" d=move || ring.get() />
                    <g transform=move || format!("translate({} 0)", left.get())>{lane_labels}</g>
                    <g transform=move || format!("translate(0 {})", top.get())>{draw_axis}</g>
                    <g transform=move || format!("translate({} {})", left.get(), top.get())>
                        <path class="tl-axis-bg" d="M0 0H84V44H0Z" />
                        <text class="tl-major" x="8" y="17">{corner}</text>
                        <text class="tl-minor" x="8" y="37">"Agency"</text>
                    </g>
                </svg>
            </div>
            <p class="tl-live" id="timeline-current" aria-live="polite" aria-atomic="true">{live}</p>
            <ul class="tl-legend">
                {legend()}
                {move || {
                    geo.with(|g| {
                        g.lanes
                            .iter()
                            .enumerate()
                            .map(|(i, l)| {
                                let shape = Shape::of_lane(i);
                                view! {
                                    <li class="tl-agency">
                                        {swatch_svg(shape, l.colour.clone())}
                                        <AgencyPrefix prefix=l.prefix.clone() colour=l.colour.clone() />
                                        {l.name.clone()}
                                        <span class="visually-hidden">
                                            {format!(", {} marks", shape.name())}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()
                    })
                }}
            </ul>
        </Show>
    }
}

/// Sets the scroll region's scroll offset to `x` (and `y`) once the drawing is wide enough
/// to scroll that far (after a zoom, it grows when the view next renders), trying for up to
/// `frames` animation frames, then calls `after`.
fn scroll_when_drawn(
    scroller: NodeRef<leptos::html::Div>,
    x: f64,
    y: Option<f64>,
    frames: u8,
    after: impl Fn() + Copy + 'static,
) {
    request_animation_frame(move || {
        let Some(el) = scroller.try_get_untracked().flatten() else {
            return;
        };
        let room = f64::from(el.scroll_width() - el.client_width());
        if room + 1.0 < x && frames > 1 {
            scroll_when_drawn(scroller, x, y, frames - 1, after);
            return;
        }
        el.set_scroll_left(x.round() as i32);
        if let Some(y) = y {
            el.set_scroll_top(y.max(0.0) as i32);
        }
        after();
    });
}

/// The key to the drawing's shapes.
fn legend() -> Vec<AnyView> {
    LEGEND
        .iter()
        .map(|&(c1, d1, c2, d2, label)| {
            let fill = match c1 {
                "tl-gap" => Some("url(#tl-gap)".to_string()),
                c if c.starts_with("tl-mark") => Some(GREY.to_string()),
                _ => None,
            };
            view! {
                <li>
                    <svg width="44" height="20" aria-hidden="true" focusable="false">
                        {path(c1, d1.to_string(), fill.clone())}
                        {path(c2, d2.to_string(), fill)}
                    </svg>
                    {label}
                </li>
            }
            .into_any()
        })
        .collect()
}

/// The key: the classes and paths of up to two shapes, and what they mean.
const LEGEND: [(&str, &str, &str, &str, &str); 7] = [
    (
        "tl-mark",
        "M16 10a6 6 0 1 0 12 0a6 6 0 1 0-12 0",
        "",
        "",
        "Entry (in its agency's shape and colour)",
    ),
    (
        "tl-mark",
        "M4 6H40V14H4Z",
        "",
        "",
        "Entry dated only to a month or year",
    ),
    (
        "tl-mark tl-uncertain",
        "M16 10a6 6 0 1 0 12 0a6 6 0 1 0-12 0",
        "",
        "",
        "Uncertain date",
    ),
    (
        "tl-share",
        "M4 10H31",
        "tl-head",
        "M40 10L31 5L31 15Z",
        "Information sharing confirmed",
    ),
    (
        "tl-share tl-open",
        "M4 10H31",
        "tl-head tl-open-head",
        "M40 10L31 5L31 15Z",
        "Information sharing not confirmed",
    ),
    (
        "tl-dup",
        "M10 3V17",
        "tl-dup tl-dup-maybe",
        "M30 3V17",
        "Duplicate entries: confirmed (solid), undecided (dotted)",
    ),
    (
        "tl-gap",
        "M4 2H40V18H4Z",
        "",
        "",
        "Gap in contact (days shown)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_day("2016-05-22"), Some(days_from_civil(2016, 5, 22)));
        assert_eq!(parse_day("2016-13-01"), None);
        for d in [-800_000, -1, 0, 59, 60, 11_016, 16_943, 20_000, 2_000_000] {
            let (y, m, day) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        let feb = days_from_civil(2024, 2, 1);
        assert_eq!(next_month(feb) - feb, 29);
        assert_eq!(
            next_month(days_from_civil(2015, 12, 9)),
            days_from_civil(2016, 1, 1)
        );
    }

    #[test]
    fn numbers_and_colours() {
        let mut s = String::new();
        num(&mut s, -12.6);
        num(&mut s, 0.2);
        num(&mut s, 1234.5);
        assert_eq!(s, "-13 0 1235 ");
        assert_eq!(colour("#1D70b8"), "#1D70b8");
        assert_eq!(colour("red\" onclick"), GREY);
        assert_eq!(clip("abcdef", 3), "abc…");
    }

    #[test]
    fn ticks_suit_the_zoom() {
        let (d0, d1) = (days_from_civil(2015, 11, 20), days_from_civil(2017, 2, 3));
        let t = ticks(30.0, d0, days_from_civil(2015, 12, 5));
        assert!(t.unit == Unit::Days && t.major == vec![days_from_civil(2015, 12, 1)]);
        assert_eq!(t.minor.len(), 16);
        let t = ticks(2.0, d0, d1);
        assert!(t.unit == Unit::Months);
        assert_eq!(
            t.major,
            vec![days_from_civil(2016, 1, 1), days_from_civil(2017, 1, 1)]
        );
        assert_eq!(t.minor.len(), 15);
        let t = ticks(
            0.05,
            days_from_civil(1990, 1, 1),
            days_from_civil(2020, 1, 1),
        );
        assert!(t.unit == Unit::Years(5));
        assert_eq!(t.major.len(), 7);
        assert_eq!(t.minor.len(), 24);
    }
}
