//! Browser tests: the real app mounted in headless Chromium (wasm-bindgen-test).
//!
//! Run by `cargo xtask test` as `cargo test -p schemadrift-web --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn text_of(root: &web_sys::Element, test_id: &str) -> String {
    root.query_selector(&format!("[data-testid='{test_id}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={test_id}"))
        .text_content()
        .unwrap_or_default()
}

fn click(root: &web_sys::Element, test_id: &str) {
    root.query_selector(&format!("[data-testid='{test_id}']"))
        .unwrap()
        .unwrap()
        .dyn_into::<web_sys::HtmlElement>()
        .unwrap()
        .click();
}

/// Lets Leptos run its effects before the DOM is read.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                Duration::from_millis(20).as_millis() as i32,
            )
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits (up to 10 s) until the element's text satisfies `done`: the analysis answers in later tasks.
async fn until(root: &web_sys::Element, test_id: &str, done: impl Fn(&str) -> bool) -> String {
    for _ in 0..500 {
        if let Some(element) = root.query_selector(&format!("[data-testid='{test_id}']")).unwrap() {
            let text = element.text_content().unwrap_or_default();
            if done(&text) {
                return text;
            }
        }
        settle().await;
    }
    panic!("data-testid={test_id} never showed what was expected");
}

#[wasm_bindgen_test]
async fn first_visit_shows_the_demo_and_swap_exchanges_the_sides() {
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), schemadrift_web::App);
    let root = &container;
    until(root, "headline", |t| t.starts_with("To reach fieldbook_staging.sql")).await;

    assert_eq!(text_of(root, "from-file-name"), "fieldbook_production.sql");
    assert_eq!(text_of(root, "to-file-name"), "fieldbook_staging.sql");
    assert!(text_of(root, "from-pg-dump-version").starts_with("15."));
    assert!(text_of(root, "to-statements").parse::<usize>().unwrap() > 50);
    assert!(text_of(root, "dump-summaries").contains("pg_dump version"));

    click(root, "swap");
    settle().await;
    assert_eq!(text_of(root, "from-file-name"), "fieldbook_staging.sql");
    assert_eq!(text_of(root, "to-file-name"), "fieldbook_production.sql");

    until(root, "headline", |t| t.starts_with("To reach fieldbook_production.sql")).await;

    click(root, "load-demo");
    until(root, "from-file-name", |t| t == "fieldbook_production.sql").await;
    drop(handle);
}

#[wasm_bindgen_test]
async fn pasted_sql_replaces_one_side_only() {
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone().unchecked_into(), schemadrift_web::App);
    until(&container, "to-file-name", |t| t == "fieldbook_staging.sql").await;

    let textarea: web_sys::HtmlTextAreaElement =
        container.query_selector("[data-testid='to-paste']").unwrap().unwrap().unchecked_into();
    textarea.set_value("CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\n");
    container
        .query_selector("[data-testid='to-paste-apply']")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    until(&container, "to-file-name", |t| t == "pasted text").await;

    let to_name = container.query_selector("[data-testid='to-file-name']").unwrap().unwrap();
    assert_eq!(to_name.text_content().unwrap(), "pasted text");
    let statements = container.query_selector("[data-testid='to-statements']").unwrap().unwrap();
    assert_eq!(statements.text_content().unwrap(), "2");
    let from_name = container.query_selector("[data-testid='from-file-name']").unwrap().unwrap();
    assert_eq!(from_name.text_content().unwrap(), "fieldbook_production.sql");
    drop(handle);
}

/// The page's panic hook shows this banner (src/main.rs); the message, which may quote a dump, is
/// text, and a second panic does not add a second banner.
#[wasm_bindgen_test]
fn a_bug_in_the_page_shows_one_plain_banner_with_the_message_as_text() {
    schemadrift_web::components::crash::show("panicked at <img src=x onerror=alert(1)>");
    schemadrift_web::components::crash::show("a second panic");
    let banner = document().get_element_by_id("crash").expect("the banner");
    let next = banner.next_element_sibling().map(|e| e.id()).unwrap_or_default();
    assert_ne!(next, "crash", "a second banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let text = banner.text_content().unwrap();
    assert!(text.contains("schemadrift hit a bug"), "{text}");
    assert!(text.contains("panicked at <img src=x onerror=alert(1)>"), "{text}");
    assert!(!text.contains("a second panic"), "the first banner stays as it was: {text}");
    assert!(text.contains("Your files never left this computer"), "{text}");
    assert!(banner.query_selector("img").unwrap().is_none(), "the message made an element");
    assert!(banner.query_selector("button").unwrap().is_some(), "a Reload button");
    banner.remove();
}
