//! The statutory regimes of the framework and England's bank holidays, as data: a review
//! carries its regime, and a partnership can add regimes and holidays without code changes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regime {
    Table,
    Id,
    Code,
    Name,
    Description,
    DueSoonDays,
}
#[derive(DeriveIden)]
enum MilestoneRule {
    Table,
    Id,
    RegimeId,
    Position,
    Code,
    Label,
    Anchor,
    Amount,
    Unit,
    MetBy,
    Condition,
}
#[derive(DeriveIden)]
enum BankHoliday {
    Table,
    Day,
    Name,
}

type Rule = (
    &'static str,
    &'static str,
    &'static str,
    i32,
    &'static str,
    &'static str,
    &'static str,
);

/// (id, code, name, description, due-soon days, rules: code, label, anchor, amount, unit, met by, condition)
type RegimeRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    &'static [Rule],
);

const REGIMES: &[RegimeRow] = &[
    (
        "wt2015",
        "WT2015",
        "Working Together 2015",
        "Calendar-time clocks of Working Together to Safeguard Children 2015, as in the framework: decision within 1 month of notification; the national panel told within 14 days of the decision; a serious case review completed within 6 months of the decision to initiate.",
        7,
        &[
            ("decision", "Decision on whether to initiate a review", "NOTIFIED", 1, "calendar_months", "DECIDED", "ALWAYS"),
            ("panel_notification", "National panel told of the decision", "DECIDED", 14, "calendar_days", "PANEL_NOTIFIED", "ALWAYS"),
            ("completion", "Serious case review completed", "DECIDED", 6, "calendar_months", "COMPLETED", "IF_INITIATED"),
        ],
    ),
    (
        "wt2018",
        "WT2018",
        "Working Together 2018/2023",
        "Working-day clocks of Working Together 2018 and 2023 (England bank holidays): serious incident notification within 5 working days; rapid review within 15 working days of notification; a local child safeguarding practice review completed and published within 6 months of the decision to hold one.",
        3,
        &[
            ("notification", "Serious incident notification", "AWARE", 5, "working_days", "NOTIFIED", "ALWAYS"),
            ("rapid_review", "Rapid review and decision", "NOTIFIED", 15, "working_days", "DECIDED", "ALWAYS"),
            ("publication", "Practice review completed and published", "DECIDED", 6, "calendar_months", "PUBLISHED", "IF_INITIATED"),
        ],
    ),
];

/// England and Wales bank holidays 2015-2030, as published (with the one-off days of 2020,
/// 2022 and 2023).
const BANK_HOLIDAYS: &[(&str, &str)] = &[
    ("2015-01-01", "New Year's Day"),
    ("2015-04-03", "Good Friday"),
    ("2015-04-06", "Easter Monday"),
    ("2015-05-04", "Early May bank holiday"),
    ("2015-05-25", "Spring bank holiday"),
    ("2015-08-31", "Summer bank holiday"),
    ("2015-12-25", "Christmas Day"),
    ("2015-12-28", "Boxing Day (substitute day)"),
    ("2016-01-01", "New Year's Day"),
    ("2016-03-25", "Good Friday"),
    ("2016-03-28", "Easter Monday"),
    ("2016-05-02", "Early May bank holiday"),
    ("2016-05-30", "Spring bank holiday"),
    ("2016-08-29", "Summer bank holiday"),
    ("2016-12-26", "Boxing Day"),
    ("2016-12-27", "Christmas Day (substitute day)"),
    ("2017-01-02", "New Year's Day (substitute day)"),
    ("2017-04-14", "Good Friday"),
    ("2017-04-17", "Easter Monday"),
    ("2017-05-01", "Early May bank holiday"),
    ("2017-05-29", "Spring bank holiday"),
    ("2017-08-28", "Summer bank holiday"),
    ("2017-12-25", "Christmas Day"),
    ("2017-12-26", "Boxing Day"),
    ("2018-01-01", "New Year's Day"),
    ("2018-03-30", "Good Friday"),
    ("2018-04-02", "Easter Monday"),
    ("2018-05-07", "Early May bank holiday"),
    ("2018-05-28", "Spring bank holiday"),
    ("2018-08-27", "Summer bank holiday"),
    ("2018-12-25", "Christmas Day"),
    ("2018-12-26", "Boxing Day"),
    ("2019-01-01", "New Year's Day"),
    ("2019-04-19", "Good Friday"),
    ("2019-04-22", "Easter Monday"),
    ("2019-05-06", "Early May bank holiday"),
    ("2019-05-27", "Spring bank holiday"),
    ("2019-08-26", "Summer bank holiday"),
    ("2019-12-25", "Christmas Day"),
    ("2019-12-26", "Boxing Day"),
    ("2020-01-01", "New Year's Day"),
    ("2020-04-10", "Good Friday"),
    ("2020-04-13", "Easter Monday"),
    ("2020-05-08", "Early May bank holiday (VE day)"),
    ("2020-05-25", "Spring bank holiday"),
    ("2020-08-31", "Summer bank holiday"),
    ("2020-12-25", "Christmas Day"),
    ("2020-12-28", "Boxing Day (substitute day)"),
    ("2021-01-01", "New Year's Day"),
    ("2021-04-02", "Good Friday"),
    ("2021-04-05", "Easter Monday"),
    ("2021-05-03", "Early May bank holiday"),
    ("2021-05-31", "Spring bank holiday"),
    ("2021-08-30", "Summer bank holiday"),
    ("2021-12-27", "Christmas Day (substitute day)"),
    ("2021-12-28", "Boxing Day (substitute day)"),
    ("2022-01-03", "New Year's Day (substitute day)"),
    ("2022-04-15", "Good Friday"),
    ("2022-04-18", "Easter Monday"),
    ("2022-05-02", "Early May bank holiday"),
    ("2022-06-02", "Spring bank holiday"),
    ("2022-06-03", "Platinum Jubilee bank holiday"),
    ("2022-08-29", "Summer bank holiday"),
    (
        "2022-09-19",
        "Bank Holiday for the State Funeral of Queen Elizabeth II",
    ),
    ("2022-12-26", "Boxing Day"),
    ("2022-12-27", "Christmas Day (substitute day)"),
    ("2023-01-02", "New Year's Day (substitute day)"),
    ("2023-04-07", "Good Friday"),
    ("2023-04-10", "Easter Monday"),
    ("2023-05-01", "Early May bank holiday"),
    (
        "2023-05-08",
        "Bank holiday for the coronation of King Charles III",
    ),
    ("2023-05-29", "Spring bank holiday"),
    ("2023-08-28", "Summer bank holiday"),
    ("2023-12-25", "Christmas Day"),
    ("2023-12-26", "Boxing Day"),
    ("2024-01-01", "New Year's Day"),
    ("2024-03-29", "Good Friday"),
    ("2024-04-01", "Easter Monday"),
    ("2024-05-06", "Early May bank holiday"),
    ("2024-05-27", "Spring bank holiday"),
    ("2024-08-26", "Summer bank holiday"),
    ("2024-12-25", "Christmas Day"),
    ("2024-12-26", "Boxing Day"),
    ("2025-01-01", "New Year's Day"),
    ("2025-04-18", "Good Friday"),
    ("2025-04-21", "Easter Monday"),
    ("2025-05-05", "Early May bank holiday"),
    ("2025-05-26", "Spring bank holiday"),
    ("2025-08-25", "Summer bank holiday"),
    ("2025-12-25", "Christmas Day"),
    ("2025-12-26", "Boxing Day"),
    ("2026-01-01", "New Year's Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year's Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
    ("2027-05-03", "Early May bank holiday"),
    ("2027-05-31", "Spring bank holiday"),
    ("2027-08-30", "Summer bank holiday"),
    ("2027-12-27", "Christmas Day (substitute day)"),
    ("2027-12-28", "Boxing Day (substitute day)"),
    ("2028-01-03", "New Year's Day (substitute day)"),
    ("2028-04-14", "Good Friday"),
    ("2028-04-17", "Easter Monday"),
    ("2028-05-01", "Early May bank holiday"),
    ("2028-05-29", "Spring bank holiday"),
    ("2028-08-28", "Summer bank holiday"),
    ("2028-12-25", "Christmas Day"),
    ("2028-12-26", "Boxing Day"),
    ("2029-01-01", "New Year's Day"),
    ("2029-03-30", "Good Friday"),
    ("2029-04-02", "Easter Monday"),
    ("2029-05-07", "Early May bank holiday"),
    ("2029-05-28", "Spring bank holiday"),
    ("2029-08-27", "Summer bank holiday"),
    ("2029-12-25", "Christmas Day"),
    ("2029-12-26", "Boxing Day"),
    ("2030-01-01", "New Year's Day"),
    ("2030-04-19", "Good Friday"),
    ("2030-04-22", "Easter Monday"),
    ("2030-05-06", "Early May bank holiday"),
    ("2030-05-27", "Spring bank holiday"),
    ("2030-08-26", "Summer bank holiday"),
    ("2030-12-25", "Christmas Day"),
    ("2030-12-26", "Boxing Day"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (id, code, name, description, due_soon_days, rules) in REGIMES {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(Regime::Table)
                        .columns([
                            Regime::Id,
                            Regime::Code,
                            Regime::Name,
                            Regime::Description,
                            Regime::DueSoonDays,
                        ])
                        .values_panic([
                            (*id).into(),
                            (*code).into(),
                            (*name).into(),
                            (*description).into(),
                            (*due_soon_days).into(),
                        ])
                        .to_owned(),
                )
                .await?;
            for (position, (rule_code, label, anchor, amount, unit, met_by, condition)) in
                rules.iter().enumerate()
            {
                let position = <i32 as TryFrom<usize>>::try_from(position)
                    .map_err(|e| DbErr::Migration(e.to_string()))?;
                manager
                    .exec_stmt(
                        Query::insert()
                            .into_table(MilestoneRule::Table)
                            .columns([
                                MilestoneRule::Id,
                                MilestoneRule::RegimeId,
                                MilestoneRule::Position,
                                MilestoneRule::Code,
                                MilestoneRule::Label,
                                MilestoneRule::Anchor,
                                MilestoneRule::Amount,
                                MilestoneRule::Unit,
                                MilestoneRule::MetBy,
                                MilestoneRule::Condition,
                            ])
                            .values_panic([
                                format!("{id}-{rule_code}").into(),
                                (*id).into(),
                                position.into(),
                                (*rule_code).into(),
                                (*label).into(),
                                (*anchor).into(),
                                (*amount).into(),
                                (*unit).into(),
                                (*met_by).into(),
                                (*condition).into(),
                            ])
                            .to_owned(),
                    )
                    .await?;
            }
        }
        let mut insert = Query::insert()
            .into_table(BankHoliday::Table)
            .columns([BankHoliday::Day, BankHoliday::Name])
            .to_owned();
        for (day, name) in BANK_HOLIDAYS {
            let day = sea_orm_migration::sea_orm::prelude::Date::parse_from_str(day, "%Y-%m-%d")
                .map_err(|e| DbErr::Migration(format!("bank holiday {day}: {e}")))?;
            insert.values_panic([day.into(), (*name).into()]);
        }
        manager.exec_stmt(insert).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .exec_stmt(Query::delete().from_table(BankHoliday::Table).to_owned())
            .await?;
        manager
            .exec_stmt(Query::delete().from_table(MilestoneRule::Table).to_owned())
            .await?;
        manager
            .exec_stmt(Query::delete().from_table(Regime::Table).to_owned())
            .await?;
        Ok(())
    }
}
