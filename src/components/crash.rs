//! What the page shows when it hits a bug itself (the worker's bugs are recovered from in
//! `client.rs`): built with plain DOM calls, because the reactive system may be what broke.
//! The message is set as text, never as HTML.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Shows, once, at the top of the page: what happened, that nothing left the computer, and a way
/// to start again.
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if document.get_element_by_id("crash").is_some() {
        return;
    }
    let Some(body) = document.body() else { return };
    let element = |tag: &str, text: &str| {
        let element = document.create_element(tag).ok()?;
        element.set_text_content(Some(text));
        Some(element)
    };
    let Some(banner) = element("div", "") else { return };
    banner.set_id("crash");
    banner.set_class_name("status error crash");
    let _ = banner.set_attribute("role", "alert");
    let _ = banner.set_attribute("data-testid", "crash");
    let parts = [
        element("strong", "schemadrift hit a bug and stopped working on this page."),
        element("p", message),
        element(
            "p",
            "Your files never left this computer. Reload the page to start again: a link with ?from= and ?to= loads its dumps again; dropped files have to be dropped again. Please report the bug with the message above.",
        ),
    ];
    for part in parts.into_iter().flatten() {
        let _ = banner.append_child(&part);
    }
    if let Some(button) = element("button", "Reload the page") {
        let _ = button.set_attribute("type", "button");
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.location().reload();
            }
        });
        if let Some(button) = button.dyn_ref::<web_sys::HtmlElement>() {
            button.set_onclick(Some(reload.as_ref().unchecked_ref()));
        }
        reload.forget();
        let _ = banner.append_child(&button);
    }
    let _ = body.insert_before(&banner, body.first_child().as_ref());
}
