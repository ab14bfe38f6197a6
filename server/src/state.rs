//! Shared server state handed to every request.

use crate::config::Config;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
}

impl AppState {
    /// Today's date, for clocks and date validation.
    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now().date_naive()
    }
}
