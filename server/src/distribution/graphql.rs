//! Distribution lists and sending published learning summaries through GraphQL: thin
//! resolvers over the service.

use super::{ListView, SendOutcome};
use crate::entities::summary_sending;
use crate::graphql::{parts, IntoGql};
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use shared::distribution::{recipients_text, ListDraft};

/// One person a distribution list reaches.
#[derive(SimpleObject, Clone)]
pub struct ListRecipient {
    /// May be empty: the list named only the address.
    pub name: String,
    pub email: String,
}

/// A distribution list the business office keeps.
#[derive(SimpleObject, Clone)]
pub struct DistributionList {
    pub id: ID,
    pub name: String,
    /// Who the list reaches, in the office's words.
    pub description: String,
    pub recipients: Vec<ListRecipient>,
    /// The recipients one per line, as the form takes them.
    pub recipients_text: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl From<ListView> for DistributionList {
    fn from(v: ListView) -> Self {
        Self {
            id: ID(v.list.id),
            name: v.list.name,
            description: v.list.description,
            recipients_text: recipients_text(&v.recipients),
            recipients: v
                .recipients
                .into_iter()
                .map(|r| ListRecipient {
                    name: r.name,
                    email: r.email,
                })
                .collect(),
            version: v.list.version,
            updated_at: v.list.updated_at,
        }
    }
}

/// A distribution list as the office writes it.
#[derive(InputObject)]
pub struct DistributionListInput {
    pub name: String,
    #[graphql(default)]
    pub description: String,
    /// One recipient per line: `Name <address>`, `address`, or `address, Name`.
    pub recipients: String,
}

impl From<DistributionListInput> for ListDraft {
    fn from(i: DistributionListInput) -> Self {
        Self {
            name: i.name,
            description: i.description,
            recipients: i.recipients,
        }
    }
}

/// What sending a summary to a list did.
#[derive(SimpleObject)]
pub struct SummarySendResult {
    /// Recipients recorded now; each is emailed by the next reminder run when email is
    /// configured.
    pub recorded: i32,
    /// Recipients the summary had already been sent to, through this list or another.
    pub already_sent: i32,
}

impl From<SendOutcome> for SummarySendResult {
    fn from(o: SendOutcome) -> Self {
        Self {
            recorded: i32::try_from(o.recorded).unwrap_or(i32::MAX),
            already_sent: i32::try_from(o.already_sent).unwrap_or(i32::MAX),
        }
    }
}

/// A published learning summary sent to one recipient.
#[derive(SimpleObject)]
pub struct SummarySending {
    pub id: ID,
    pub name: String,
    pub email: String,
    /// The list it went through, by its name then.
    pub list_name: String,
    pub recorded_at: DateTime<Utc>,
    /// When its email went; null until the reminder job sends it (or while email is not
    /// configured).
    pub emailed_at: Option<DateTime<Utc>>,
}

impl From<summary_sending::Model> for SummarySending {
    fn from(s: summary_sending::Model) -> Self {
        Self {
            id: ID(s.id),
            name: s.name,
            email: s.email,
            list_name: s.list_name,
            recorded_at: s.recorded_at,
            emailed_at: s.emailed_at,
        }
    }
}

#[derive(Default)]
pub struct DistributionQuery;

#[Object]
impl DistributionQuery {
    /// The business office's distribution lists, by name.
    async fn distribution_lists(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<DistributionList>> {
        let (state, rc) = parts(ctx)?;
        super::lists(state, rc)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }

    /// Who a learning summary was sent to (the business office).
    async fn learning_summary_sendings(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
    ) -> async_graphql::Result<Vec<SummarySending>> {
        let (state, rc) = parts(ctx)?;
        super::sendings(state, rc, &summary_id)
            .await
            .map(|v| v.into_iter().map(Into::into).collect())
            .gql(rc)
    }
}

#[derive(Default)]
pub struct DistributionMutation;

#[Object]
impl DistributionMutation {
    /// The business office makes a distribution list.
    async fn create_distribution_list(
        &self,
        ctx: &Context<'_>,
        input: DistributionListInput,
    ) -> async_graphql::Result<DistributionList> {
        let (state, rc) = parts(ctx)?;
        super::create_list(state, rc, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office changes a list still at `version`.
    async fn update_distribution_list(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
        input: DistributionListInput,
    ) -> async_graphql::Result<DistributionList> {
        let (state, rc) = parts(ctx)?;
        super::update_list(state, rc, &id, version, input.into())
            .await
            .map(Into::into)
            .gql(rc)
    }

    /// The business office deletes a list still at `version`; what was sent through it
    /// stays recorded.
    async fn delete_distribution_list(
        &self,
        ctx: &Context<'_>,
        id: ID,
        version: i32,
    ) -> async_graphql::Result<bool> {
        let (state, rc) = parts(ctx)?;
        super::delete_list(state, rc, &id, version)
            .await
            .map(|()| true)
            .gql(rc)
    }

    /// The business office sends a published learning summary, still on the public pages,
    /// to every recipient of a list it was not already sent to.
    async fn send_learning_summary(
        &self,
        ctx: &Context<'_>,
        summary_id: ID,
        list_id: ID,
    ) -> async_graphql::Result<SummarySendResult> {
        let (state, rc) = parts(ctx)?;
        super::send_summary(state, rc, &summary_id, &list_id)
            .await
            .map(Into::into)
            .gql(rc)
    }
}
