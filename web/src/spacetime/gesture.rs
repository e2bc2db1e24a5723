//! What the pointers on the space-time diagram mean: one pointer (a mouse, a pen, a finger)
//! dragging sideways scrolls the window; two fingers moving apart or together zoom it, as a
//! phone's maps do. Pure arithmetic over pointer positions, tested natively.

/// Pixels a single pointer must move sideways before the window scrolls (a tap is not a drag).
pub const DRAG_THRESHOLD_PX: f64 = 8.0;

/// How far two fingers' distance must grow (or shrink by its inverse) for one zoom level: each
/// level halves the span, and a quarter more distance is a deliberate spread, not a tremble.
pub const PINCH_RATIO: f64 = 1.25;

/// What a pointer's move asks of the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GestureStep {
    /// Scroll by this many pixels (positive: the pointer moved right, so earlier events show).
    Drag(f64),
    /// One zoom level closer.
    ZoomIn,
    /// One zoom level further out.
    ZoomOut,
}

/// The pointers down on the diagram, by pointer id, and where each gesture started.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gesture {
    /// Each pointer's id and its position (x, y) in CSS pixels, oldest first; at most two count.
    pointers: Vec<(i32, f64, f64)>,
    /// A single pointer's x where the drag last scrolled.
    drag_from_x: Option<f64>,
    /// The two fingers' distance when the pinch last zoomed.
    pinch_from_px: Option<f64>,
}

impl Gesture {
    /// A pointer touched down at (x, y).
    pub fn down(&mut self, id: i32, x: f64, y: f64) {
        self.pointers.retain(|p| p.0 != id);
        if self.pointers.len() >= 2 {
            return;
        }
        self.pointers.push((id, x, y));
        self.restart();
    }

    /// A pointer lifted, left the diagram or was cancelled.
    pub fn up(&mut self, id: i32) {
        self.pointers.retain(|p| p.0 != id);
        self.restart();
    }

    /// A pointer moved to (x, y): what the diagram should do, if anything yet.
    pub fn moved(&mut self, id: i32, x: f64, y: f64) -> Option<GestureStep> {
        let p = self.pointers.iter_mut().find(|p| p.0 == id)?;
        (p.1, p.2) = (x, y);
        match (self.drag_from_x, self.pinch_from_px) {
            (Some(from), _) => {
                let dx = x - from;
                if dx.abs() < DRAG_THRESHOLD_PX {
                    return None;
                }
                self.drag_from_x = Some(x);
                Some(GestureStep::Drag(dx))
            }
            (None, Some(from)) => {
                let now = self.spread_px()?;
                if now >= from * PINCH_RATIO {
                    self.pinch_from_px = Some(now);
                    Some(GestureStep::ZoomIn)
                } else if now * PINCH_RATIO <= from {
                    self.pinch_from_px = Some(now);
                    Some(GestureStep::ZoomOut)
                } else {
                    None
                }
            }
            // Two fingers that came down on one spot start the pinch once they part.
            (None, None) => {
                self.pinch_from_px = self.spread_px().filter(|d| *d > 0.0);
                None
            }
        }
    }

    /// True while two fingers are down (the page must not take the gesture for its own zoom).
    pub fn pinching(&self) -> bool {
        self.pinch_from_px.is_some()
    }

    /// Starts afresh from where the pointers are now: one drags, two pinch.
    fn restart(&mut self) {
        self.drag_from_x = match self.pointers.as_slice() {
            [one] => Some(one.1),
            _ => None,
        };
        self.pinch_from_px = self.spread_px().filter(|d| *d > 0.0);
    }

    /// The distance between two pointers, if two are down.
    fn spread_px(&self) -> Option<f64> {
        match self.pointers.as_slice() {
            [a, b] => Some(((a.1 - b.1).powi(2) + (a.2 - b.2).powi(2)).sqrt()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pointer_drags_once_it_has_moved_past_the_threshold() {
        let mut g = Gesture::default();
        g.down(1, 100.0, 50.0);
        assert_eq!(g.moved(1, 105.0, 50.0), None);
        assert_eq!(g.moved(1, 130.0, 60.0), Some(GestureStep::Drag(30.0)));
        // The next drag counts from where the last one scrolled.
        assert_eq!(g.moved(1, 120.0, 60.0), Some(GestureStep::Drag(-10.0)));
    }

    #[test]
    fn two_fingers_spreading_zoom_in_and_closing_zoom_out() {
        let mut g = Gesture::default();
        g.down(1, 100.0, 50.0);
        g.down(2, 200.0, 50.0);
        assert!(g.pinching());
        assert_eq!(
            g.moved(2, 220.0, 50.0),
            None,
            "a fifth more is not yet a zoom"
        );
        assert_eq!(g.moved(2, 230.0, 50.0), Some(GestureStep::ZoomIn));
        // Each further level needs another quarter on the distance at the last zoom (130 px).
        assert_eq!(g.moved(2, 262.0, 50.0), None);
        assert_eq!(g.moved(2, 263.0, 50.0), Some(GestureStep::ZoomIn));
        assert_eq!(g.moved(1, 180.0, 50.0), Some(GestureStep::ZoomOut));
    }

    #[test]
    fn a_pinch_never_scrolls_and_lifting_a_finger_goes_back_to_dragging() {
        let mut g = Gesture::default();
        g.down(1, 100.0, 50.0);
        g.down(2, 200.0, 50.0);
        // Both fingers move right together, a few pixels per event as a screen reports them:
        // the spread hardly changes, so nothing happens.
        for i in 1..=20 {
            let x = 100.0 + f64::from(i) * 5.0;
            assert_eq!(g.moved(1, x, 50.0), None);
            assert_eq!(g.moved(2, x + 100.0, 50.0), None);
        }
        g.up(1);
        assert!(!g.pinching());
        assert_eq!(g.moved(2, 330.0, 50.0), Some(GestureStep::Drag(30.0)));
    }

    #[test]
    fn a_third_finger_and_unknown_pointers_are_ignored() {
        let mut g = Gesture::default();
        g.down(1, 0.0, 0.0);
        g.down(2, 100.0, 0.0);
        g.down(3, 500.0, 0.0);
        assert_eq!(g.moved(3, 900.0, 0.0), None);
        assert_eq!(g.moved(7, 900.0, 0.0), None);
        g.up(7);
        assert!(g.pinching());
    }

    #[test]
    fn two_fingers_on_one_spot_start_the_pinch_once_they_part() {
        let mut g = Gesture::default();
        g.down(1, 10.0, 10.0);
        g.down(2, 10.0, 10.0);
        assert!(!g.pinching());
        assert_eq!(g.moved(2, 50.0, 10.0), None);
        assert!(g.pinching());
        assert_eq!(g.moved(2, 100.0, 10.0), Some(GestureStep::ZoomIn));
    }
}
