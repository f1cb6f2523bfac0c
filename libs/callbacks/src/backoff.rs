//! [`Backoff`]: the wait before each retry: exponential, capped, with jitter (half the delay
//! fixed, half drawn), so retries of many deliveries to one partner spread out.

use std::time::Duration;

/// The retry schedule of a delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failed attempt (before jitter).
    pub initial: Duration,
    /// Each further failure multiplies the delay by this.
    pub multiplier: u32,
    /// The longest delay (before jitter).
    pub max: Duration,
}

impl Default for Backoff {
    /// 200 ms, doubling, at most 10 s: 0.2, 0.4, 0.8 ... 10, 10 s (each between half and all
    /// of that), about a dozen attempts in a 60 s window.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(200),
            multiplier: 2,
            max: Duration::from_secs(10),
        }
    }
}

impl Backoff {
    /// The delay before attempt `failed + 1`, after `failed` (at least 1) failed attempts,
    /// with `jitter` in `[0, 1)`: between half and all of `initial * multiplier^(failed - 1)`
    /// capped at `max`.
    pub fn delay(&self, failed: u32, jitter: f64) -> Duration {
        let mut delay = self.initial;
        for _ in 1..failed.max(1) {
            delay = delay.saturating_mul(self.multiplier.max(1));
            if delay >= self.max {
                break;
            }
        }
        let delay = delay.min(self.max);
        let half = delay / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_jitter_spans_the_upper_half() {
        let backoff = Backoff::default();
        let ms = |failed, jitter| backoff.delay(failed, jitter).as_millis();
        assert_eq!(
            [
                ms(1, 1.0),
                ms(2, 1.0),
                ms(3, 1.0),
                ms(6, 1.0),
                ms(7, 1.0),
                ms(60, 1.0)
            ],
            [200, 400, 800, 6_400, 10_000, 10_000]
        );
        assert_eq!([ms(1, 0.0), ms(7, 0.0), ms(3, 0.5)], [100, 5_000, 600]);
        assert_eq!(ms(0, 1.0), 200);
        assert_eq!(ms(u32::MAX, 2.0), 10_000);
    }
}
