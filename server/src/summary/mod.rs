//! Learning summaries (the framework's Appendix 1): authoring each field collaboratively
//! with versions and comments, the move from draft to published with the chair's approval,
//! the publication gate, the final report, the document and workshop slides made from it,
//! and the public pages that show it once published.

pub mod document;
pub mod export;
pub mod graphql;
pub mod markdown_html;
pub mod prefill;
pub mod public;
pub mod report;
pub mod service;
