//! People and their roles (the business office).

mod form;
mod list;

pub use list::role_label;

pub use form::{EditUser, NewUser};
pub use list::UserList;
