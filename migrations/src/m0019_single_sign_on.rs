//! OpenID Connect sign-in: the identity providers the business office configures (each
//! serving one or more agency email domains), and the sign-ins in progress (state, nonce and
//! PKCE verifier, kept server-side for ten minutes and used once).

use crate::helpers::fk;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SignInProvider {
    Table,
    Id,
    Name,
    IssuerUrl,
    ClientId,
    ClientSecret,
    EmailVerifiedRequired,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SignInProviderDomain {
    Table,
    Domain,
    ProviderId,
}

#[derive(DeriveIden)]
enum OidcLogin {
    Table,
    Id,
    ProviderId,
    BrowserHash,
    Nonce,
    PkceVerifier,
    ReturnTo,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SignInProvider::Table)
                    .col(
                        ColumnDef::new(SignInProvider::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SignInProvider::Name).string().not_null())
                    .col(
                        ColumnDef::new(SignInProvider::IssuerUrl)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(SignInProvider::ClientId).string().not_null())
                    .col(ColumnDef::new(SignInProvider::ClientSecret).string().null())
                    .col(
                        ColumnDef::new(SignInProvider::EmailVerifiedRequired)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(
                        ColumnDef::new(SignInProvider::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SignInProvider::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        // A domain is served by one provider at most: the primary key says so.
        manager
            .create_table(
                Table::create()
                    .table(SignInProviderDomain::Table)
                    .col(
                        ColumnDef::new(SignInProviderDomain::Domain)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(SignInProviderDomain::ProviderId)
                            .string()
                            .not_null(),
                    )
                    .foreign_key(&mut fk(
                        (
                            SignInProviderDomain::Table,
                            SignInProviderDomain::ProviderId,
                        ),
                        (SignInProvider::Table, SignInProvider::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sign_in_provider_domain_provider")
                    .table(SignInProviderDomain::Table)
                    .col(SignInProviderDomain::ProviderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OidcLogin::Table)
                    .col(
                        ColumnDef::new(OidcLogin::Id)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(OidcLogin::ProviderId).string().not_null())
                    .col(ColumnDef::new(OidcLogin::BrowserHash).string().not_null())
                    .col(ColumnDef::new(OidcLogin::Nonce).string().not_null())
                    .col(ColumnDef::new(OidcLogin::PkceVerifier).string().not_null())
                    .col(ColumnDef::new(OidcLogin::ReturnTo).string().not_null())
                    .col(
                        ColumnDef::new(OidcLogin::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(OidcLogin::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(&mut fk(
                        (OidcLogin::Table, OidcLogin::ProviderId),
                        (SignInProvider::Table, SignInProvider::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("oidc_login_expires")
                    .table(OidcLogin::Table)
                    .col(OidcLogin::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OidcLogin::Table.into_iden(),
            SignInProviderDomain::Table.into_iden(),
            SignInProvider::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
