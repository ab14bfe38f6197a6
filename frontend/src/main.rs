//! The browser app of the learning and improvement platform.

mod api;
mod app;
mod components;
mod live;
mod pages;
mod session;
mod unsaved;

fn main() {
    unsaved::install_panic_hook();
    unsaved::install_leave_guard();
    leptos::mount::mount_to_body(app::App);
}
