//! Line charts drawn as pictures for the documents: an indicator's values over time with
//! its mean, process limits and target (the statistical process control chart of the
//! performance dataset), each point coloured as the NHS "Making Data Count" icons are:
//! orange for a concerning special cause, blue for an improving one, grey otherwise. The
//! picture carries no words; its caption and alternative text say what it shows.

use super::png::encode_rgb;

/// The picture's size in pixels (shown 16 cm wide).
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 240;

/// How one point is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Common,
    Concern,
    Improvement,
}

/// What a chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChart {
    pub values: Vec<f64>,
    /// One per value (a missing one is common).
    pub marks: Vec<Mark>,
    pub mean: Option<f64>,
    pub upper: Option<f64>,
    pub lower: Option<f64>,
    pub target: Option<f64>,
}

type Rgb = [u8; 3];
const WHITE: Rgb = [255, 255, 255];
const AXIS: Rgb = [89, 89, 89];
const LINE: Rgb = [118, 118, 118];
const MEAN: Rgb = [64, 64, 64];
const LIMIT: Rgb = [150, 150, 150];
const TARGET: Rgb = [204, 0, 0];
const CONCERN: Rgb = [237, 139, 0];
const IMPROVEMENT: Rgb = [0, 114, 198];
const COMMON: Rgb = [140, 140, 140];

struct Canvas {
    pixels: Vec<u8>,
}

impl Canvas {
    fn new() -> Self {
        Canvas {
            pixels: WHITE.repeat((WIDTH * HEIGHT) as usize),
        }
    }

    fn set(&mut self, x: i64, y: i64, c: Rgb) {
        if x < 0 || y < 0 || x >= i64::from(WIDTH) || y >= i64::from(HEIGHT) {
            return;
        }
        let i = (y as usize * WIDTH as usize + x as usize) * 3;
        self.pixels[i..i + 3].copy_from_slice(&c);
    }

    /// A line two pixels thick; `dash` draws `dash` pixels, then leaves as many out.
    fn line(&mut self, (x0, y0): (i64, i64), (x1, y1): (i64, i64), c: Rgb, dash: u32) {
        let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
        let (sx, sy) = (if x0 < x1 { 1 } else { -1 }, if y0 < y1 { 1 } else { -1 });
        let (mut x, mut y, mut err, mut step) = (x0, y0, dx + dy, 0u32);
        loop {
            if dash == 0 || (step / dash).is_multiple_of(2) {
                self.set(x, y, c);
                self.set(x, y + 1, c);
            }
            step += 1;
            if x == x1 && y == y1 {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn disc(&mut self, (cx, cy): (i64, i64), r: i64, c: Rgb) {
        for y in -r..=r {
            for x in -r..=r {
                if x * x + y * y <= r * r {
                    self.set(cx + x, cy + y, c);
                }
            }
        }
    }
}

const LEFT: i64 = 12;
const RIGHT: i64 = WIDTH as i64 - 12;
const TOP: i64 = 12;
const BOTTOM: i64 = HEIGHT as i64 - 14;

/// The chart as a PNG picture of [`WIDTH`] × [`HEIGHT`] pixels.
pub fn render(chart: &LineChart) -> Vec<u8> {
    let mut canvas = Canvas::new();
    let finite = |v: &f64| v.is_finite();
    let levels: Vec<f64> = chart
        .values
        .iter()
        .chain(chart.mean.iter())
        .chain(chart.upper.iter())
        .chain(chart.lower.iter())
        .chain(chart.target.iter())
        .copied()
        .filter(finite)
        .collect();
    let (mut low, mut high) = levels
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    if !low.is_finite() {
        (low, high) = (0.0, 1.0);
    }
    if (high - low).abs() < f64::EPSILON {
        (low, high) = (low - 1.0, high + 1.0);
    }
    let pad = (high - low) * 0.08;
    let (low, high) = (low - pad, high + pad);
    let y_of = |v: f64| -> i64 {
        let share = (v - low) / (high - low);
        BOTTOM - ((BOTTOM - TOP) as f64 * share).round() as i64
    };
    let n = chart.values.len();
    let x_of = |i: usize| -> i64 {
        if n <= 1 {
            (LEFT + RIGHT) / 2
        } else {
            LEFT + ((RIGHT - LEFT) as f64 * i as f64 / (n - 1) as f64).round() as i64
        }
    };
    // The axes.
    canvas.line((LEFT - 6, BOTTOM + 6), (RIGHT + 6, BOTTOM + 6), AXIS, 0);
    canvas.line((LEFT - 6, TOP - 6), (LEFT - 6, BOTTOM + 6), AXIS, 0);
    // Limits dashed, the mean solid, the target in long red dashes.
    for (level, colour, dash) in [
        (chart.upper, LIMIT, 6),
        (chart.lower, LIMIT, 6),
        (chart.mean, MEAN, 0),
        (chart.target, TARGET, 12),
    ] {
        if let Some(v) = level.filter(finite) {
            canvas.line((LEFT, y_of(v)), (RIGHT, y_of(v)), colour, dash);
        }
    }
    let points: Vec<(i64, i64)> = chart
        .values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .map(|(i, v)| (x_of(i), y_of(*v)))
        .collect();
    for pair in points.windows(2) {
        canvas.line(pair[0], pair[1], LINE, 0);
    }
    for (i, p) in points.iter().enumerate() {
        let colour = match chart.marks.get(i).copied().unwrap_or(Mark::Common) {
            Mark::Concern => CONCERN,
            Mark::Improvement => IMPROVEMENT,
            Mark::Common => COMMON,
        };
        canvas.disc(*p, 4, colour);
    }
    encode_rgb(WIDTH, HEIGHT, &canvas.pixels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(png: &[u8], x: u32, y: u32) -> [u8; 3] {
        use std::io::Read;
        let start = png.windows(4).position(|w| w == b"IDAT").expect("IDAT");
        let len = u32::from_be_bytes([
            png[start - 4],
            png[start - 3],
            png[start - 2],
            png[start - 1],
        ]);
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&png[start + 4..start + 4 + len as usize])
            .read_to_end(&mut raw)
            .expect("zlib");
        let i = (y * (WIDTH * 3 + 1) + 1 + x * 3) as usize;
        [raw[i], raw[i + 1], raw[i + 2]]
    }

    #[test]
    fn points_are_coloured_by_their_variation_and_the_lines_drawn() {
        let chart = LineChart {
            values: vec![10.0, 12.0, 30.0],
            marks: vec![Mark::Common, Mark::Improvement, Mark::Concern],
            mean: Some(11.0),
            upper: Some(20.0),
            lower: Some(2.0),
            target: Some(15.0),
        };
        let png = render(&chart);
        // The picture's scale: the lowest and highest level, padded by 8 % of the range.
        let (low, high) = (2.0 - 28.0 * 0.08, 30.0 + 28.0 * 0.08);
        let y = |v: f64| {
            (BOTTOM - ((BOTTOM - TOP) as f64 * (v - low) / (high - low)).round() as i64) as u32
        };
        // The last point, the highest, on the right: orange; the middle one blue.
        assert_eq!(pixel(&png, RIGHT as u32, y(30.0)), CONCERN);
        assert_eq!(
            pixel(&png, ((LEFT + RIGHT) / 2) as u32, y(12.0)),
            IMPROVEMENT
        );
        assert_eq!(pixel(&png, LEFT as u32, y(10.0)), COMMON);
        // The target line crosses the picture in red dashes (the first dash at the left).
        assert_eq!(pixel(&png, (LEFT + 2) as u32, y(15.0)), TARGET);
        // Away from everything the picture is white.
        assert_eq!(pixel(&png, ((LEFT + RIGHT) / 2) as u32, y(25.0)), WHITE);
    }

    #[test]
    fn empty_flat_and_odd_charts_still_draw() {
        for values in [
            vec![],
            vec![5.0],
            vec![5.0, 5.0],
            vec![f64::NAN, 1.0, f64::INFINITY],
        ] {
            let png = render(&LineChart {
                values,
                marks: vec![],
                mean: None,
                upper: None,
                lower: None,
                target: None,
            });
            assert_eq!(&png[..4], b"\x89PNG");
        }
    }
}
