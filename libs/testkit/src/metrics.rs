//! [`metric`]: one sample read out of metrics in the Prometheus text format (what `/metrics`
//! answers), for tests that check a counter moved.

/// The value of the sample of metric `name` whose labels include every one of `labels`, in
/// the Prometheus text `text`; `None` when there is none.
pub fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .find(|(series, _)| {
            let Some(rest) = series.strip_prefix(name) else {
                return false;
            };
            let wanted =
                |(label, value): &(&str, &str)| rest.contains(&format!("{label}=\"{value}\""));
            (rest.is_empty() || rest.starts_with('{')) && labels.iter().all(wanted)
        })
        .and_then(|(_, value)| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_is_found_by_name_and_labels() {
        let text = "# HELP x_total X\n# TYPE x_total counter\n\
                    x_total{kind=\"error\",partition=\"0\"} 3\n\
                    x_total{kind=\"panic\",partition=\"0\"} 1\n\
                    x_total_more 9\ny 2.5\n";
        assert_eq!(metric(text, "x_total", &[("kind", "panic")]), Some(1.0));
        assert_eq!(
            metric(text, "x_total", &[("partition", "0"), ("kind", "error")]),
            Some(3.0)
        );
        assert_eq!(metric(text, "x_total", &[("partition", "1")]), None);
        assert_eq!(metric(text, "y", &[]), Some(2.5));
        assert_eq!(metric(text, "x", &[]), None);
    }
}
