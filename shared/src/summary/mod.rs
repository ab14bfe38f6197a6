//! Learning summaries (the framework's Appendix 1): the template's fields, the path from
//! draft to published and who moves a summary along it, and the publication gate that
//! refuses to publish while a name or other identifier remains in the text.

pub mod diff;
pub mod identifiers;
pub mod state;
pub mod template;

pub use identifiers::{check_publication, find_identifiers, gate, IdentifierHit, IdentifierKind};
pub use state::{
    authors, available, editable, step, transition, SummaryState, SummaryStep, TransitionError,
    MAX_REASON,
};
pub use template::{check_field, SummaryField, MAX_LONG, MAX_SHORT};
