//! Partner agencies: list, details, editing, and their quality-assurance mechanisms.

mod detail;
mod form;
mod list;
mod qa;
mod tokens;

pub use detail::AgencyPage;
pub use form::{EditAgency, NewAgency};
pub use list::AgencyList;
pub use qa::QaMechanismsPage;
