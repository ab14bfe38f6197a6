//! The live connection's contract between the server and the browser: the close codes the
//! server ends a connection with and what the browser does about each.

/// The caller is signed out (sign-out, deactivation, a new password, expiry, an ended
/// token): the browser does not reconnect.
pub const CLOSE_SIGNED_OUT: u16 = 4401;
/// The caller's access changed (roles): the browser reconnects at once, as they are now.
pub const CLOSE_ACCESS_CHANGED: u16 = 4001;
