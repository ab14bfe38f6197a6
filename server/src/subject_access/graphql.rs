//! GraphQL surface of subject access: one mutation for the business office, answering with
//! the ZIP as the other downloads do ([`ExportFile`], base64).

use crate::chronology::graphql::ExportFile;
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, Object, ID};

#[derive(Default)]
pub struct SubjectAccessMutation;

#[Object]
impl SubjectAccessMutation {
    /// Everything the review holds about one person of its glossary (chosen by pseudonym:
    /// their real names and aliases are searched too), as a ZIP of CSV and JSON files with a
    /// README. `redactThirdParties`: every other person is replaced by their pseudonym and
    /// other likely names by `[redacted]`. Business office only; recorded in the audit log.
    /// `EXPORT_TOO_LARGE` when the review holds more than the server's bounds.
    async fn export_subject_access(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        pseudonym: String,
        #[graphql(default = false)] redact_third_parties: bool,
    ) -> async_graphql::Result<ExportFile> {
        let (state, rc) = parts(ctx)?;
        let started = std::time::Instant::now();
        let file = super::export(state, rc, &review_id, &pseudonym, redact_third_parties).await;
        state
            .metrics
            .observe_export("subject_access", file.is_ok(), started.elapsed());
        file.map(ExportFile::from).gql(rc)
    }
}
