//! An object's definition, opened from its change: the statements that make it on each side (as the
//! migration planner writes them, secrets redacted), side by side with the lines on one side only
//! marked. Escape or *Close* closes it and gives focus back to what opened it.

use crate::client::Analysis;
use crate::protocol::Request;
use crate::state::ViewState;
use leptos::prelude::*;

pub fn definition_view(
    change: String,
    names: [String; 2],
    analysis: Analysis,
    view: RwSignal<ViewState>,
) -> impl IntoView {
    analysis.send(Request::Definition { change: change.clone() }, None);
    let close = move || {
        view.update(|v| v.definition = None);
        super::focus::give_back();
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            ev.stop_propagation();
            close();
        }
    };
    super::focus::take("definition-view");
    let (kind, object) =
        change.split_once(' ').map_or((String::new(), change.clone()), |(k, o)| (k.to_string(), o.to_string()));
    view! {
        <section class="comparison definition-view" data-testid="definition-view" aria-labelledby="definition-heading" tabindex="-1" on:keydown=on_key>
            <h2 id="definition-heading">
                {format!("Definition of {} ", kind.replace('_', " "))}<code>{object}</code>" "
                <button type="button" data-testid="close-definition" on:click=move |_| close()>"Close"</button>
            </h2>
            <p class="muted">"The statements that make it on each side, as the migration would write them."</p>
            {move || match analysis.definition.get().filter(|d| d.change == change) {
                None => view! { <p class="muted" data-testid="definition-loading">"Reading the definition…"</p> }.into_any(),
                Some(definition) => {
                    let [from, to] = definition.sides.clone();
                    let caption = |name: &String, text: &Option<String>| match text {
                        Some(_) => name.clone(),
                        None => format!("{name}: not there"),
                    };
                    let captions = [caption(&names[0], &from), caption(&names[1], &to)];
                    // On both sides and different: also word by word (what changed inside a body).
                    let words = match (&from, &to) {
                        (Some(a), Some(b)) if a != b => Some(view! {
                            <h3>"Word by word"</h3>
                            <p class="definition-words">{super::changes::word_diff_view(a, b, "definition-words")}</p>
                        }),
                        _ => None,
                    };
                    view! {
                        {super::side_by_side::side_by_side(
                            "[data-testid=\"definition-view\"]",
                            &from.clone().unwrap_or_default(),
                            &to.clone().unwrap_or_default(),
                            &captions[0],
                            &captions[1],
                        )}
                        {words}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}
