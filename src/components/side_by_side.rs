//! Two texts side by side (both sides' DDL of a table, an object's definition on each side), the
//! lines on one side only marked, with previous/next difference.

use leptos::prelude::*;

/// Two texts side by side, the lines on one side only marked (removed, added), with buttons that go
/// to the previous and next difference within `scope` (a selector of the view holding them).
pub fn side_by_side(scope: &'static str, from: &str, to: &str, from_file: &str, to_file: &str) -> impl IntoView {
    let (removed, added) = schemadrift_engine::diff::unmatched_lines(from, to);
    let differences = removed.iter().chain(&added).filter(|m| **m).count();
    let lines = |text: &str, marks: Vec<bool>, class: &'static str| {
        text.lines()
            .zip(marks)
            .map(|(line, marked)| {
                view! { <span class=if marked { format!("line {class}") } else { "line".to_string() }>{format!("{line}\n")}</span> }
            })
            .collect_view()
    };
    let current = RwSignal::new(None::<usize>);
    let go = move |step: isize| {
        let selector = format!("{scope} .ddl-pair .line.del, {scope} .ddl-pair .line.ins");
        let Ok(marked) = document().query_selector_all(&selector) else { return };
        let n = marked.length() as isize;
        if n == 0 {
            return;
        }
        let next = match current.get_untracked() {
            None if step > 0 => 0,
            None => n - 1,
            Some(i) => (i as isize + step).rem_euclid(n),
        };
        for i in 0..marked.length() {
            if let Some(element) =
                marked.item(i).and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(e).ok())
            {
                let _ = element.class_list().toggle_with_force("current", i as isize == next);
                if i as isize == next {
                    let options = web_sys::ScrollIntoViewOptions::new();
                    options.set_block(web_sys::ScrollLogicalPosition::Center);
                    element.scroll_into_view_with_scroll_into_view_options(&options);
                }
            }
        }
        current.set(Some(next as usize));
    };
    view! {
        <div class="ddl-nav" data-testid="ddl-nav">
            <span class="muted" data-testid="ddl-differences">
                {match differences { 0 => "The definitions are the same.".to_string(), 1 => "1 line differs.".to_string(), n => format!("{n} lines differ.") }}
            </span>
            " "
            <button type="button" data-testid="ddl-previous" disabled=differences == 0 on:click=move |_| go(-1)>"↑ Previous difference"</button>
            " "
            <button type="button" data-testid="ddl-next" disabled=differences == 0 on:click=move |_| go(1)>"↓ Next difference"</button>
        </div>
        <div class="ddl-pair">
            <figure>
                <figcaption>{from_file.to_string()}</figcaption>
                <pre data-testid="ddl-from"><code>{lines(from, removed, "del")}</code></pre>
            </figure>
            <figure>
                <figcaption>{to_file.to_string()}</figcaption>
                <pre data-testid="ddl-to"><code>{lines(to, added, "ins")}</code></pre>
            </figure>
        </div>
    }
}
