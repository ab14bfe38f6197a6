//! Learning summaries (the framework's Appendix 1): authoring each field collaboratively
//! with versions and comments, the move from draft to published with the chair's approval,
//! the publication gate, and the document and workshop slides made from it.

pub mod document;
pub mod export;
pub mod graphql;
pub mod markdown_html;
pub mod prefill;
pub mod service;
