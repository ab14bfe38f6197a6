//! The chronology timeline's zoom and its agencies' shapes, as pure rules.
//!
//! The timeline draws day `d` at `x = origin_x + (d - origin) * zoom` in the drawing's own
//! coordinates, and shows the part from `scroll_left` to `scroll_left + view_width`.
//! Zooming changes `zoom`, so to keep what the person was looking at on screen, one point
//! (the anchor) keeps its screen position: [`zoom_anchor`] chooses it and
//! [`scroll_after_zoom`] gives the scroll offset that puts it back in place.

/// The scroll region as it is before a zoom, in the drawing's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// The drawing's x at the left edge of the region.
    pub scroll_left: f64,
    /// The region's width.
    pub width: f64,
    /// The part of the region's left that the lane labels cover (dates are not seen there).
    pub labels: f64,
}

impl View {
    /// Whether the drawing's `x` is in the part of the view that shows dates.
    pub fn shows(&self, x: f64) -> bool {
        x >= self.scroll_left + self.labels && x <= self.scroll_left + self.width
    }

    /// The middle of the part of the view that shows dates.
    pub fn centre(&self) -> f64 {
        self.scroll_left + (self.labels + self.width) / 2.0
    }
}

/// The drawing's x to keep fixed on screen while zooming: the pointer's when zooming with
/// the wheel (Ctrl + wheel, or a pinch) — it is where the person is looking; otherwise (the
/// buttons, the keys) the focused entry's when there is one in view, else the middle of the
/// view.
pub fn zoom_anchor(view: View, focused: Option<f64>, pointer: Option<f64>) -> f64 {
    if let Some(x) = pointer {
        return x;
    }
    focused
        .filter(|&x| view.shows(x))
        .unwrap_or_else(|| view.centre())
}

/// The scroll offset after zooming from `old_zoom` to `new_zoom` that keeps the drawing's
/// `anchor` (at `old_zoom`) at the same place on screen; `origin_x` is where the zoom does
/// not move things (the first day's x, after the labels). Clamped to the scrollable range
/// `0..=max_scroll` (the new drawing's width less the view's).
pub fn scroll_after_zoom(
    view: View,
    anchor: f64,
    origin_x: f64,
    old_zoom: f64,
    new_zoom: f64,
    max_scroll: f64,
) -> f64 {
    let on_screen = anchor - view.scroll_left;
    let days = if old_zoom > 0.0 {
        (anchor - origin_x) / old_zoom
    } else {
        0.0
    };
    let moved = origin_x + days * new_zoom;
    (moved - on_screen).clamp(0.0, max_scroll.max(0.0))
}

/// The shape of an agency's marks on the timeline, so that an agency is told apart by
/// more than its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
    TriangleDown,
    Hexagon,
}

impl Shape {
    /// In the order lanes take them.
    pub const ALL: [Shape; 6] = [
        Shape::Circle,
        Shape::Square,
        Shape::Triangle,
        Shape::Diamond,
        Shape::TriangleDown,
        Shape::Hexagon,
    ];

    /// The shape of the `lane`th agency in prefix order (after six, they come round again,
    /// with a different colour).
    pub fn of_lane(lane: usize) -> Self {
        Self::ALL[lane % Self::ALL.len()]
    }

    /// The shape's name, as the legend reads it.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Circle => "circle",
            Shape::Square => "square",
            Shape::Triangle => "triangle",
            Shape::Diamond => "diamond",
            Shape::TriangleDown => "downward triangle",
            Shape::Hexagon => "hexagon",
        }
    }

    /// The corners of the shape centred on (cx, cy) and fitting a circle of radius `r`;
    /// empty for the circle (drawn as arcs).
    pub fn corners(self, cx: f64, cy: f64, r: f64) -> Vec<(f64, f64)> {
        let s = r * 0.85;
        match self {
            Shape::Circle => Vec::new(),
            Shape::Square => vec![
                (cx - s, cy - s),
                (cx + s, cy - s),
                (cx + s, cy + s),
                (cx - s, cy + s),
            ],
            Shape::Triangle => vec![(cx, cy - r), (cx + r, cy + s), (cx - r, cy + s)],
            Shape::TriangleDown => vec![(cx, cy + r), (cx - r, cy - s), (cx + r, cy - s)],
            Shape::Diamond => vec![(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)],
            Shape::Hexagon => {
                let h = r * 0.5;
                vec![
                    (cx - h, cy - s),
                    (cx + h, cy - s),
                    (cx + r, cy),
                    (cx + h, cy + s),
                    (cx - h, cy + s),
                    (cx - r, cy),
                ]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: View = View {
        scroll_left: 1000.0,
        width: 800.0,
        labels: 84.0,
    };

    #[test]
    fn the_anchor_is_the_pointer_then_the_focused_entry_in_view_then_the_centre() {
        assert_eq!(zoom_anchor(VIEW, Some(1500.0), Some(1200.0)), 1200.0);
        assert_eq!(zoom_anchor(VIEW, Some(1500.0), None), 1500.0);
        // Out of view (behind the labels, or beyond either edge): the centre.
        let centre = 1000.0 + (84.0 + 800.0) / 2.0;
        assert_eq!(zoom_anchor(VIEW, Some(1050.0), None), centre);
        assert_eq!(zoom_anchor(VIEW, Some(1900.0), None), centre);
        assert_eq!(zoom_anchor(VIEW, Some(10.0), None), centre);
        assert_eq!(zoom_anchor(VIEW, None, None), centre);
        // The edges of what shows dates count as in view.
        assert_eq!(zoom_anchor(VIEW, Some(1084.0), None), 1084.0);
        assert_eq!(zoom_anchor(VIEW, Some(1800.0), None), 1800.0);
    }

    #[test]
    fn the_anchor_keeps_its_place_on_screen() {
        let origin_x = 84.0;
        for (anchor, old, new) in [
            (1500.0, 2.0, 4.0),
            (1500.0, 4.0, 2.0),
            (1442.0, 1.0, 96.0),
            (1084.0, 3.0, 1.5),
            (1800.0, 0.5, 0.75),
        ] {
            let scroll = scroll_after_zoom(VIEW, anchor, origin_x, old, new, 1e9);
            // The anchor's day, drawn at the new zoom, is where it was on screen.
            let day = (anchor - origin_x) / old;
            let x = origin_x + day * new;
            assert!(
                ((x - scroll) - (anchor - VIEW.scroll_left)).abs() < 1e-9,
                "{anchor} {old}→{new}: scroll {scroll}"
            );
        }
        // Zooming in twice at the middle doubles the middle's distance from the origin.
        let centre = VIEW.centre();
        let s = scroll_after_zoom(VIEW, centre, origin_x, 1.0, 2.0, 1e9);
        assert_eq!(s, origin_x + (centre - origin_x) * 2.0 - (centre - 1000.0));
    }

    #[test]
    fn the_scroll_stays_within_the_drawing() {
        // Zooming out near the start cannot scroll before it…
        let near_start = View {
            scroll_left: 100.0,
            ..VIEW
        };
        assert_eq!(
            scroll_after_zoom(near_start, 300.0, 84.0, 2.0, 0.5, 5000.0),
            0.0
        );
        // …nor, zooming in near the end, beyond it.
        assert_eq!(
            scroll_after_zoom(VIEW, 1700.0, 84.0, 2.0, 8.0, 3000.0),
            3000.0
        );
        // A drawing narrower than the view does not scroll.
        assert_eq!(scroll_after_zoom(VIEW, 1500.0, 84.0, 2.0, 4.0, -10.0), 0.0);
        // A zero zoom (nothing drawn yet) anchors at the origin.
        assert_eq!(scroll_after_zoom(VIEW, 1500.0, 84.0, 0.0, 4.0, 1e9), 0.0);
    }

    #[test]
    fn lanes_take_the_shapes_in_turn() {
        let first: Vec<Shape> = (0..7).map(Shape::of_lane).collect();
        assert_eq!(
            first,
            vec![
                Shape::Circle,
                Shape::Square,
                Shape::Triangle,
                Shape::Diamond,
                Shape::TriangleDown,
                Shape::Hexagon,
                Shape::Circle
            ]
        );
        let names: std::collections::HashSet<&str> = Shape::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            names.len(),
            Shape::ALL.len(),
            "every shape has its own name"
        );
        for s in Shape::ALL {
            for (x, y) in s.corners(10.0, 20.0, 6.0) {
                assert!(
                    (4.0..=16.0).contains(&x) && (14.0..=26.0).contains(&y),
                    "{s:?}"
                );
            }
        }
    }
}
