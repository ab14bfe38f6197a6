//! The browser app of the learning and improvement platform.

mod api;
mod app;
mod components;
mod live;
mod pages;
mod session;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
