//! The annual report through GraphQL: thin resolvers over the service.

use crate::chronology::graphql::ExportFile;
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, Object, SimpleObject};
use shared::annual_report::NarrativePart;

/// A narrative part of a year's report, as the business office wrote it (empty when not
/// written: the part is then left out of the document).
#[derive(SimpleObject, Clone)]
pub struct AnnualReportNarrative {
    pub part: NarrativePart,
    pub label: String,
    pub text: String,
}

fn listed(parts: Vec<(NarrativePart, String)>) -> Vec<AnnualReportNarrative> {
    parts
        .into_iter()
        .map(|(part, text)| AnnualReportNarrative {
            part,
            label: part.label().to_owned(),
            text,
        })
        .collect()
}

#[derive(Default)]
pub struct AnnualReportQuery;

#[Object]
impl AnnualReportQuery {
    /// The narrative parts of the report for the reporting year starting in April `year`
    /// (the office and the chair).
    async fn annual_report_narrative(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<Vec<AnnualReportNarrative>> {
        let (state, rc) = parts(ctx)?;
        super::narrative(state, rc, year).await.map(listed).gql(rc)
    }

    /// The learning and improvement section of the annual report for the reporting year
    /// starting in April `year`, as a Word document: reviews and their statutory clocks,
    /// themes of learning, single-agency audits, the Section 11 picture, agencies' QA impact
    /// reports, the performance dataset's hot spots, child death review counts (small counts
    /// suppressed), the action plan, training and its reach, and the office's narrative.
    async fn annual_report(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<ExportFile> {
        let (state, rc) = parts(ctx)?;
        super::download(state, rc, year)
            .await
            .map(Into::into)
            .gql(rc)
    }
}

#[derive(Default)]
pub struct AnnualReportMutation;

#[Object]
impl AnnualReportMutation {
    /// The business office writes one narrative part of a year's report (an empty text
    /// clears it); answers every part.
    async fn set_annual_report_narrative(
        &self,
        ctx: &Context<'_>,
        year: i32,
        part: NarrativePart,
        text: String,
    ) -> async_graphql::Result<Vec<AnnualReportNarrative>> {
        let (state, rc) = parts(ctx)?;
        super::set_narrative(state, rc, year, part, &text)
            .await
            .map(listed)
            .gql(rc)
    }
}
