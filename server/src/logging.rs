//! The log subscriber `learning-platform` installs: text or JSON lines on stderr, each
//! carrying the fields of the spans it was logged in (a GraphQL operation's `graphql` span
//! gives every line its correlation id, the one returned in the operation's errors).

use crate::config::LogFormat;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// The subscriber for `format`, writing to `writer`.
pub fn subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        // The current span's fields and the list of spans it is in, on every line.
        LogFormat::Json => Box::new(
            builder
                .json()
                .with_current_span(true)
                .with_span_list(true)
                .finish(),
        ),
        LogFormat::Text => Box::new(builder.finish()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut out) = self.0.lock() {
                out.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(format: LogFormat) -> String {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = subscriber(format, EnvFilter::new("info"), move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            let span = crate::app::operation_span("corr-5f1c", "SaveEntry", "user-1");
            let entered = span.enter();
            // A line logged deep in a service, which names no correlation id itself.
            tracing::warn!(review = "r1", "something to look at");
            // A line outside any operation.
            drop(entered);
            tracing::info!("between requests");
        });
        let out = capture.0.lock().map(|b| b.clone()).unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn lines_in_an_operation_carry_its_correlation_id() {
        for format in [LogFormat::Text, LogFormat::Json] {
            let out = logged(format);
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), 2, "{out}");
            assert!(lines[0].contains("something to look at"), "{out}");
            assert!(lines[0].contains("corr-5f1c"), "{format:?}: {out}");
            assert!(lines[0].contains("SaveEntry"), "{format:?}: {out}");
            assert!(!lines[1].contains("corr-5f1c"), "{out}");
        }
        let json = logged(LogFormat::Json);
        let first: serde_json::Value =
            serde_json::from_str(json.lines().next().unwrap_or_default()).unwrap_or_default();
        assert_eq!(first["span"]["correlation_id"], "corr-5f1c", "{json}");
    }
}
