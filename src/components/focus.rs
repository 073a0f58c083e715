//! Focus for views that open over the list (the per-table view, an object's definition): an opened
//! view takes focus, and closing it gives focus back to what opened it. Views can open from each
//! other (a definition from the table view), so what opened them is a stack.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// How many openers are remembered (views opened from views).
const DEPTH: usize = 4;

thread_local! {
    /// What had focus when each open view opened, the latest last.
    static OPENED_FROM: std::cell::RefCell<Vec<web_sys::HtmlElement>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The view with `data-testid=test_id` takes focus once it is in the page, remembering what had
/// focus (unless focus is already inside it: a view drawn again keeps what opened it).
pub fn take(test_id: &'static str) {
    let selector = format!("[data-testid=\"{test_id}\"]");
    let active = document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(active) = active {
        let inside = active.closest(&selector).ok().flatten().is_some();
        if !inside {
            OPENED_FROM.with(|o| {
                let mut openers = o.borrow_mut();
                openers.push(active);
                let extra = openers.len().saturating_sub(DEPTH);
                openers.drain(..extra);
            });
        }
    }
    request_animation_frame(move || {
        if let Some(view) = document().query_selector(&selector).ok().flatten() {
            if let Some(view) = view.dyn_ref::<web_sys::HtmlElement>() {
                let _ = view.focus();
            }
        }
    });
}

/// Gives focus back to what had it when the last view opened (if it is still in the page).
pub fn give_back() {
    if let Some(element) = OPENED_FROM.with(|o| o.borrow_mut().pop()) {
        request_animation_frame(move || {
            if element.is_connected() {
                let _ = element.focus();
            }
        });
    }
}
