//! Entry point of the browser app: mounts it, after installing what a bug in the page shows.

fn main() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        schemadrift_web::components::crash::show(&info.to_string());
    }));
    leptos::mount::mount_to_body(schemadrift_web::App);
}
