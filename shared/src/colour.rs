//! Telling agencies' colours apart: the CIEDE2000 colour difference between two `#rrggbb`
//! colours, whether a new agency's colour is too close to another's, and a colour to
//! suggest instead.
//!
//! Colours are never the only signal (each agency also has its prefix and, on the
//! timeline, a shape), but lanes, badges and charts are easier to read when no two
//! agencies look alike. A difference (ΔE₀₀) below [`TOO_CLOSE`] is hard to tell apart side
//! by side; a suggestion is at least [`SUGGEST_APART`] from every other agency's colour and
//! keeps [`MIN_CONTRAST`] against white, as the marks and badges are drawn on white.

/// Below this CIEDE2000 difference two colours are too close.
pub const TOO_CLOSE: f64 = 10.0;
/// A suggested colour is at least this far from every other agency's colour.
pub const SUGGEST_APART: f64 = 15.0;
/// A suggested colour's contrast ratio against white, at least (WCAG non-text contrast).
pub const MIN_CONTRAST: f64 = 3.0;

/// CIE L*a*b* (D65).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lab {
    pub l: f64,
    pub a: f64,
    pub b: f64,
}

/// `#rrggbb` (either case) as its three channels; `None` for anything else.
pub fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let ch = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([ch(0)?, ch(2)?, ch(4)?])
}

/// Three channels as `#rrggbb` in lower case.
pub fn to_hex(rgb: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2])
}

/// An sRGB channel (0–255) as linear light (0–1).
fn linear(c: u8) -> f64 {
    let c = f64::from(c) / 255.0;
    if c <= 0.040_45 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// WCAG relative luminance of an sRGB colour.
pub fn luminance(rgb: [u8; 3]) -> f64 {
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// WCAG contrast ratio of an sRGB colour against white (1 to 21).
pub fn contrast_on_white(rgb: [u8; 3]) -> f64 {
    1.05 / (luminance(rgb) + 0.05)
}

/// An sRGB colour in CIE L*a*b*, D65 white.
pub fn lab(rgb: [u8; 3]) -> Lab {
    let (r, g, b) = (linear(rgb[0]), linear(rgb[1]), linear(rgb[2]));
    let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / 0.950_47;
    let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b;
    let z = (0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b) / 1.088_83;
    let f = |t: f64| {
        if t > 216.0 / 24_389.0 {
            t.cbrt()
        } else {
            (24_389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    Lab {
        l: 116.0 * fy - 16.0,
        a: 500.0 * (fx - fy),
        b: 200.0 * (fy - fz),
    }
}

/// The CIEDE2000 colour difference ΔE₀₀ between two L*a*b* colours (kL = kC = kH = 1),
/// as in Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula:
/// implementation notes, supplementary test data, and mathematical observations".
pub fn ciede2000(p: Lab, q: Lab) -> f64 {
    use std::f64::consts::PI;
    let deg = |r: f64| r * 180.0 / PI;
    let rad = |d: f64| d * PI / 180.0;
    let pow7 = |v: f64| v.powi(7);

    let c1 = p.a.hypot(p.b);
    let c2 = q.a.hypot(q.b);
    let c_bar = (c1 + c2) / 2.0;
    let g = 0.5 * (1.0 - (pow7(c_bar) / (pow7(c_bar) + pow7(25.0))).sqrt());
    let (a1, a2) = ((1.0 + g) * p.a, (1.0 + g) * q.a);
    let (c1, c2) = (a1.hypot(p.b), a2.hypot(q.b));
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            deg(b.atan2(a)).rem_euclid(360.0)
        }
    };
    let (h1, h2) = (hue(p.b, a1), hue(q.b, a2));

    let dl = q.l - p.l;
    let dc = c2 - c1;
    let dh = if c1 * c2 == 0.0 {
        0.0
    } else if (h2 - h1).abs() <= 180.0 {
        h2 - h1
    } else if h2 - h1 > 180.0 {
        h2 - h1 - 360.0
    } else {
        h2 - h1 + 360.0
    };
    let dh_big = 2.0 * (c1 * c2).sqrt() * (rad(dh) / 2.0).sin();

    let l_bar = (p.l + q.l) / 2.0;
    let c_bar = (c1 + c2) / 2.0;
    let h_bar = if c1 * c2 == 0.0 {
        h1 + h2
    } else if (h1 - h2).abs() <= 180.0 {
        (h1 + h2) / 2.0
    } else if h1 + h2 < 360.0 {
        (h1 + h2 + 360.0) / 2.0
    } else {
        (h1 + h2 - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * rad(h_bar - 30.0).cos()
        + 0.24 * rad(2.0 * h_bar).cos()
        + 0.32 * rad(3.0 * h_bar + 6.0).cos()
        - 0.20 * rad(4.0 * h_bar - 63.0).cos();
    let d_theta = 30.0 * (-((h_bar - 275.0) / 25.0).powi(2)).exp();
    let r_c = 2.0 * (pow7(c_bar) / (pow7(c_bar) + pow7(25.0))).sqrt();
    let l50 = (l_bar - 50.0).powi(2);
    let s_l = 1.0 + 0.015 * l50 / (20.0 + l50).sqrt();
    let s_c = 1.0 + 0.045 * c_bar;
    let s_h = 1.0 + 0.015 * c_bar * t;
    let r_t = -(rad(2.0 * d_theta)).sin() * r_c;

    let (l, c, h) = (dl / s_l, dc / s_c, dh_big / s_h);
    (l * l + c * c + h * h + r_t * c * h).sqrt()
}

/// The CIEDE2000 difference of two sRGB colours.
pub fn difference(p: [u8; 3], q: [u8; 3]) -> f64 {
    ciede2000(lab(p), lab(q))
}

/// Whether two colours are too close to tell apart side by side (ΔE₀₀ < [`TOO_CLOSE`]).
pub fn too_close(p: [u8; 3], q: [u8; 3]) -> bool {
    difference(p, q) < TOO_CLOSE
}

/// A colour to use instead of `wanted`: at least [`SUGGEST_APART`] from every colour of
/// `others`, with at least [`MIN_CONTRAST`] against white, and, among those, the nearest
/// to `wanted` (so the suggestion keeps what was meant: a blue stays bluish). The
/// candidates are the sRGB colours whose channels are multiples of 17 (`#000000`,
/// `#110000`, … `#ffffff`); ties go to the first. `None` if none fits.
pub fn suggest_alternative(wanted: [u8; 3], others: &[[u8; 3]]) -> Option<[u8; 3]> {
    let wanted_lab = lab(wanted);
    let others: Vec<Lab> = others.iter().map(|&c| lab(c)).collect();
    let mut best: Option<([u8; 3], f64)> = None;
    for r in 0..16u8 {
        for g in 0..16u8 {
            for b in 0..16u8 {
                let rgb = [r * 17, g * 17, b * 17];
                if contrast_on_white(rgb) < MIN_CONTRAST {
                    continue;
                }
                let here = lab(rgb);
                let distance = ciede2000(wanted_lab, here);
                if best.is_some_and(|(_, d)| d <= distance) {
                    continue;
                }
                if others.iter().all(|&o| ciede2000(o, here) >= SUGGEST_APART) {
                    best = Some((rgb, distance));
                }
            }
        }
    }
    best.map(|(rgb, _)| rgb)
}

/// What a colour check finds: the others too close to `wanted` (in their order) and, when
/// there are any, a colour to suggest instead. Others whose colour is not `#rrggbb` are
/// left out.
pub fn check<T>(
    wanted: [u8; 3],
    others: &[T],
    colour_of: impl Fn(&T) -> &str,
) -> (Vec<&T>, Option<[u8; 3]>) {
    let known: Vec<(&T, [u8; 3])> = others
        .iter()
        .filter_map(|o| Some((o, parse_hex(colour_of(o))?)))
        .collect();
    let close: Vec<&T> = known
        .iter()
        .filter(|(_, c)| too_close(wanted, *c))
        .map(|(o, _)| *o)
        .collect();
    let suggestion = if close.is_empty() {
        None
    } else {
        let colours: Vec<[u8; 3]> = known.iter().map(|(_, c)| *c).collect();
        suggest_alternative(wanted, &colours)
    };
    (close, suggestion)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 34 pairs of Sharma, Wu and Dalal (2005), table 1: L*a*b* of each and ΔE₀₀ to
    /// four decimal places.
    const SHARMA: [([f64; 3], [f64; 3], f64); 34] = [
        ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
        ([50.0, 3.1571, -77.2803], [50.0, 0.0, -82.7485], 2.8615),
        ([50.0, 2.8361, -74.0200], [50.0, 0.0, -82.7485], 3.4412),
        ([50.0, -1.3802, -84.2814], [50.0, 0.0, -82.7485], 1.0000),
        ([50.0, -1.1848, -84.8006], [50.0, 0.0, -82.7485], 1.0000),
        ([50.0, -0.9009, -85.5211], [50.0, 0.0, -82.7485], 1.0000),
        ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
        ([50.0, -1.0, 2.0], [50.0, 0.0, 0.0], 2.3669),
        ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0009], 7.1792),
        ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0010], 7.1792),
        ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0011], 7.2195),
        ([50.0, 2.4900, -0.0010], [50.0, -2.4900, 0.0012], 7.2195),
        ([50.0, -0.0010, 2.4900], [50.0, 0.0009, -2.4900], 4.8045),
        ([50.0, -0.0010, 2.4900], [50.0, 0.0010, -2.4900], 4.8045),
        ([50.0, -0.0010, 2.4900], [50.0, 0.0011, -2.4900], 4.7461),
        ([50.0, 2.5, 0.0], [50.0, 0.0, -2.5], 4.3065),
        ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
        ([50.0, 2.5, 0.0], [61.0, -5.0, 29.0], 22.8977),
        ([50.0, 2.5, 0.0], [56.0, -27.0, -3.0], 31.9030),
        ([50.0, 2.5, 0.0], [58.0, 24.0, 15.0], 19.4535),
        ([50.0, 2.5, 0.0], [50.0, 3.1736, 0.5854], 1.0000),
        ([50.0, 2.5, 0.0], [50.0, 3.2972, 0.0], 1.0000),
        ([50.0, 2.5, 0.0], [50.0, 1.8634, 0.5757], 1.0000),
        ([50.0, 2.5, 0.0], [50.0, 3.2592, 0.3350], 1.0000),
        (
            [60.2574, -34.0099, 36.2677],
            [60.4626, -34.1751, 39.4387],
            1.2644,
        ),
        (
            [63.0109, -31.0961, -5.8663],
            [62.8187, -29.7946, -4.0864],
            1.2630,
        ),
        (
            [61.2901, 3.7196, -5.3901],
            [61.4292, 2.2480, -4.9620],
            1.8731,
        ),
        (
            [35.0831, -44.1164, 3.7933],
            [35.0232, -40.0716, 1.5901],
            1.8645,
        ),
        (
            [22.7233, 20.0904, -46.6940],
            [23.0331, 14.9730, -42.5619],
            2.0373,
        ),
        (
            [36.4612, 47.8580, 18.3852],
            [36.2715, 50.5065, 21.2231],
            1.4146,
        ),
        (
            [90.8027, -2.0831, 1.4410],
            [91.1528, -1.6435, 0.0447],
            1.4441,
        ),
        (
            [90.9257, -0.5406, -0.9208],
            [88.6381, -0.8985, -0.7239],
            1.5381,
        ),
        (
            [6.7747, -0.2908, -2.4247],
            [5.8714, -0.0985, -2.2286],
            0.6377,
        ),
        (
            [2.0776, 0.0795, -1.1350],
            [0.9033, -0.0636, -0.5514],
            0.9082,
        ),
    ];

    fn lab_of(v: [f64; 3]) -> Lab {
        Lab {
            l: v[0],
            a: v[1],
            b: v[2],
        }
    }

    #[test]
    fn ciede2000_matches_sharmas_reference_pairs() {
        for (i, (p, q, want)) in SHARMA.iter().enumerate() {
            let got = ciede2000(lab_of(*p), lab_of(*q));
            assert!(
                (got - want).abs() < 5e-5,
                "pair {}: {got:.4} not {want:.4}",
                i + 1
            );
            // Symmetric.
            let back = ciede2000(lab_of(*q), lab_of(*p));
            assert!((got - back).abs() < 1e-9, "pair {}", i + 1);
        }
    }

    #[test]
    fn hex_and_lab() {
        assert_eq!(parse_hex("#1D70b8"), Some([0x1d, 0x70, 0xb8]));
        for bad in ["1d70b8", "#1d70b", "#1d70bg", "red", "#1d70b8a", ""] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
        assert_eq!(to_hex([0x1d, 0x70, 0xb8]), "#1d70b8");
        let white = lab([255, 255, 255]);
        assert!((white.l - 100.0).abs() < 1e-3 && white.a.abs() < 1e-3 && white.b.abs() < 1e-3);
        let black = lab([0, 0, 0]);
        assert!(black.l.abs() < 1e-9);
        // sRGB red is L 53.24, a 80.09, b 67.20.
        let red = lab([255, 0, 0]);
        assert!((red.l - 53.24).abs() < 0.01, "{red:?}");
        assert!((red.a - 80.09).abs() < 0.01, "{red:?}");
        assert!((red.b - 67.20).abs() < 0.01, "{red:?}");
        assert!((contrast_on_white([0, 0, 0]) - 21.0).abs() < 1e-9);
        assert!((contrast_on_white([255, 255, 255]) - 1.0).abs() < 1e-9);
        // GOV.UK blue on white is 5.17:1.
        assert!((contrast_on_white([0x1d, 0x70, 0xb8]) - 5.17).abs() < 0.01);
    }

    #[test]
    fn near_colours_are_too_close_and_distinct_ones_are_not() {
        let blue = [0x1d, 0x70, 0xb8];
        assert!(too_close(blue, blue));
        assert!(too_close(blue, [0x1e, 0x72, 0xba]));
        assert!(too_close(blue, [0x2b, 0x7c, 0xc4]));
        assert!(!too_close(blue, [0xd4, 0x35, 0x1c]), "blue and red");
        assert!(!too_close(blue, [0x00, 0x70, 0x3c]), "blue and green");
        assert!(!too_close([0, 0, 0], [255, 255, 255]));
    }

    #[test]
    fn a_suggestion_is_far_from_every_other_colour_and_readable_on_white() {
        let others = [
            [0x1d, 0x70, 0xb8],
            [0xd4, 0x35, 0x1c],
            [0x00, 0x70, 0x3c],
            [0x4c, 0x2c, 0x92],
            [0xf4, 0x77, 0xa9],
            [0x50, 0x5a, 0x5f],
        ];
        let wanted = [0x1e, 0x72, 0xba];
        let got = suggest_alternative(wanted, &others).expect("a colour fits");
        for o in others {
            assert!(
                difference(got, o) >= SUGGEST_APART,
                "{} vs {}",
                to_hex(got),
                to_hex(o)
            );
        }
        assert!(contrast_on_white(got) >= MIN_CONTRAST, "{}", to_hex(got));
        // The same answer each time, and one that a candidate nearer to the wish would not
        // beat.
        assert_eq!(suggest_alternative(wanted, &others), Some(got));
        // With nothing else, the nearest readable candidate: a readable wish is kept.
        assert_eq!(
            suggest_alternative([0x11, 0x22, 0x33], &[]),
            Some([0x11, 0x22, 0x33])
        );
        // A wish too pale for white gets a darker colour.
        let pale = suggest_alternative([0xff, 0xee, 0xee], &[]).expect("a colour");
        assert!(contrast_on_white(pale) >= MIN_CONTRAST);
    }

    #[test]
    fn a_check_names_the_close_ones_and_suggests_only_then() {
        let others = [
            ("POL", "#1d70b8"),
            ("CSC", "#d4351c"),
            ("OLD", "not a colour"),
        ];
        let (close, suggestion) = check([0x1e, 0x72, 0xba], &others, |o| o.1);
        assert_eq!(close, vec![&("POL", "#1d70b8")]);
        let s = suggestion.expect("a suggestion");
        assert!(difference(s, [0x1d, 0x70, 0xb8]) >= SUGGEST_APART);
        assert!(difference(s, [0xd4, 0x35, 0x1c]) >= SUGGEST_APART);
        let (close, suggestion) = check([0x00, 0x70, 0x3c], &others, |o| o.1);
        assert!(close.is_empty() && suggestion.is_none());
    }

    #[test]
    fn no_suggestion_when_nothing_fits() {
        // Every readable candidate is within 15 of one of these (a dense grid of them).
        let mut others = Vec::new();
        for r in (0..=255u16).step_by(34) {
            for g in (0..=255u16).step_by(34) {
                for b in (0..=255u16).step_by(34) {
                    others.push([r as u8, g as u8, b as u8]);
                }
            }
        }
        assert_eq!(suggest_alternative([0x1d, 0x70, 0xb8], &others), None);
    }
}
