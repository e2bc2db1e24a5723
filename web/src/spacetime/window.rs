//! Which stretch of time the space-time diagram draws: the learner zooms (each level halves the
//! span) and scrolls it, or lets it follow the newest event. Pure arithmetic, tested natively.

/// The deepest zoom: 2^16 times the whole run (a 10 s run shows about 150 µs).
pub const MAX_ZOOM: u32 = 16;

/// How the learner has set the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Zoom level: the window spans the run's time divided by `2^zoom`.
    pub zoom: u32,
    /// Where the window ends, in µs of simulated time; `None` follows the newest event.
    pub end_us: Option<u64>,
}

/// A time window, in µs of simulated time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// The window's first instant.
    pub start_us: u64,
    /// The window's last instant (after `start_us`).
    pub end_us: u64,
}

impl View {
    /// The window over a run whose events lie in `first_us..=last_us`: the span the zoom gives
    /// (at least 1 µs), ending at the chosen time, kept inside the run.
    pub fn window(&self, first_us: u64, last_us: u64) -> Window {
        let last_us = last_us.max(first_us + 1);
        let span = ((last_us - first_us) >> self.zoom.min(MAX_ZOOM)).max(1);
        let end = self
            .end_us
            .unwrap_or(last_us)
            .clamp(first_us + span, last_us);
        Window {
            start_us: end - span,
            end_us: end,
        }
    }

    /// One level closer (half the span), keeping the window's end where it is.
    pub fn zoomed_in(&self, current: Window) -> View {
        View {
            zoom: (self.zoom + 1).min(MAX_ZOOM),
            end_us: self.end_us.map(|_| current.end_us),
        }
    }

    /// One level further out (twice the span); at level 0 the whole run shows.
    pub fn zoomed_out(&self) -> View {
        View {
            zoom: self.zoom.saturating_sub(1),
            end_us: if self.zoom <= 1 { None } else { self.end_us },
        }
    }

    /// Scrolled by `delta_us` (negative: earlier); scrolling to the run's end follows it again.
    pub fn scrolled(&self, current: Window, delta_us: i64, last_us: u64) -> View {
        let end = (current.end_us as i64 + delta_us).max(0) as u64;
        View {
            zoom: self.zoom,
            end_us: (end < last_us).then_some(end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_zero_shows_the_whole_run_and_follows_it() {
        let v = View::default();
        assert_eq!(
            v.window(100, 1_100),
            Window {
                start_us: 100,
                end_us: 1_100
            }
        );
    }

    #[test]
    fn each_zoom_level_halves_the_span_and_keeps_the_end() {
        let v = View {
            zoom: 2,
            end_us: None,
        };
        let w = v.window(0, 1_000);
        assert_eq!((w.start_us, w.end_us), (750, 1_000));
        let w3 = v.zoomed_in(w).window(0, 1_000);
        assert_eq!((w3.start_us, w3.end_us), (875, 1_000));
    }

    #[test]
    fn scrolling_stays_inside_the_run_and_back_at_the_end_follows_again() {
        let v = View {
            zoom: 1,
            end_us: None,
        };
        let w = v.window(0, 1_000);
        let earlier = v.scrolled(w, -10_000, 1_000);
        assert_eq!(earlier.window(0, 1_000).start_us, 0, "clamped at the start");
        let back = earlier.scrolled(earlier.window(0, 1_000), 10_000, 1_000);
        assert_eq!(back.end_us, None, "at the end it follows the run");
    }

    #[test]
    fn the_span_is_never_empty_and_zoom_is_bounded() {
        let v = View {
            zoom: 40,
            end_us: None,
        };
        let w = v.window(5, 5);
        assert!(w.end_us > w.start_us);
        assert_eq!(v.zoomed_in(w).zoom, MAX_ZOOM);
    }

    #[test]
    fn zooming_out_to_the_whole_run_follows_it_again() {
        let v = View {
            zoom: 1,
            end_us: Some(400),
        };
        assert_eq!(v.zoomed_out(), View::default());
    }
}
