//! Reviews: the list, one review, creating and editing, the threshold decision.

mod decision;
mod detail;
mod form;
mod list;

pub use decision::DecisionPage;
pub use detail::ReviewPage;
pub use form::{EditReview, NewReview};
pub use list::ReviewList;
