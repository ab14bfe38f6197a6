use super::import::{may_import, ImportValues};
use super::{assurance_class, format_value, variation_class};
use crate::api::{self, code_of, Indicators};
use crate::components::{set_title, DataTable, OfficeButtonLink};
use crate::pages::states;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn PerformanceList() -> impl IntoView {
    set_title("Performance dataset");
    let data = LocalResource::new(|| api::call::<Indicators>(api::indicators::Variables));
    let session = use_session();
    view! {
        <h1 tabindex="-1">"Performance dataset"</h1>
        <p>
            "Each indicator's latest value, the variation its statistical process control (XmR) chart shows, and whether its target will be met. Hot spots, a concerning special cause or a target reliably missed, come first."
        </p>
        <OfficeButtonLink href="/performance/new" label="New indicator" />
        {move || {
            states(
                data.get(),
                |d| {
                    if d.indicators.is_empty() {
                        return view! {
                            <h2>"No indicators yet"</h2>
                            <p>"The business office adds the partnership's indicators; the office and agency leads then record their values month by month or quarter by quarter."</p>
                        }
                            .into_any();
                    }
                    let hot = d.indicators.iter().filter(|i| i.chart.hot_spot).count();
                    view! {
                        <p class="hot-spot-count">
                            {match hot {
                                0 => "No hot spots.".to_string(),
                                1 => "1 hot spot.".to_string(),
                                n => format!("{n} hot spots."),
                            }}
                        </p>
                        <DataTable caption="Indicators, hot spots first" columns=&["Indicator", "Latest value", "Variation", "Assurance", "Owner"] focusable=true>
                            {d
                                .indicators
                                .into_iter()
                                .map(|i| {
                                    let latest = i
                                        .latest
                                        .as_ref()
                                        .map(|l| format!("{} ({})", format_value(l.value, &i.unit), l.period_label))
                                        .unwrap_or_else(|| "No values yet".into());
                                    let variation = code_of(&i.chart.variation);
                                    let assurance = code_of(&i.chart.assurance);
                                    view! {
                                        <tr class:hot-spot=i.chart.hot_spot>
                                            <th scope="row">
                                                <a href=format!("/performance/{}", i.id)>{i.name}</a>
                                                {i.chart.hot_spot.then(|| view! { <br /><strong class="tag tag-overdue">"Hot spot"</strong> })}
                                            </th>
                                            <td>{latest}</td>
                                            <td><strong class=variation_class(&variation)>{i.chart.variation_label}</strong></td>
                                            <td><strong class=assurance_class(&assurance)>{i.chart.assurance_label}</strong></td>
                                            <td>{i.agency_name.unwrap_or_else(|| "Partnership-wide".into())}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </DataTable>
                    }
                        .into_any()
                },
            )
        }}
        <Show when=move || may_import(session)>
            <ImportValues on_imported=move || data.refetch() />
        </Show>
    }
}
