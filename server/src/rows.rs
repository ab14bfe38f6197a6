//! Lists of objects whose fields are already in hand, resolved field after field.
//!
//! async-graphql resolves every field of every object as its own boxed future, polled in a
//! set with the object's other fields, so that fields reading the database wait together.
//! A page of 50 actions has about 800 fields and none of them waits for anything: the boxes,
//! the set's task per field and the copying of the futures were a quarter of the server's
//! time on the master plan's page. [`Rows`] is a list that, when the selection asks only for
//! such fields, resolves them in order within one future; any other selection (fragments,
//! directives, a field named twice, a field that reads the database) goes the general way.
//! Either way each field is resolved by the object's own `resolve_field`, so the values,
//! errors and their paths are the same; the schema sees a plain list. The schema has no
//! extensions (authorization is at the roots, `auth::policy`); one with a per-field hook
//! would not see the fields resolved here.

use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection};
use async_graphql::registry::Registry;
use async_graphql::{
    ContainerType, ContextSelectionSet, OutputType, Positioned, ServerResult, Value,
};
use std::borrow::Cow;

/// An object type whose fields are in hand except those named here.
pub trait InHand: ContainerType {
    /// Its fields that read the database (or wait on anything else).
    const FETCHED: &'static [&'static str];

    /// The fetched fields of the object its field `field` holds (`ownerAgency`: the
    /// agency's), checked one level down; a field deeper than that is under one of these.
    fn held_fetches(_field: &str) -> &'static [&'static str] {
        &[]
    }
}

/// One `T` in the schema, resolved as described in the module (for an object held by one
/// in a list, like an action's owner agency).
#[derive(Clone)]
pub struct Row<T>(pub T);

impl<T: InHand + Send + Sync> OutputType for Row<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn qualified_type_name() -> String {
        T::qualified_type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        if in_hand::<T>(ctx) {
            Ok(fields_in_order(ctx, &self.0).await)
        } else {
            OutputType::resolve(&self.0, ctx, field).await
        }
    }
}

/// A list of `T` in the schema (`[T!]!`), resolved as described in the module.
pub struct Rows<T>(pub Vec<T>);

impl<T: InHand + Send + Sync> OutputType for Rows<T> {
    fn type_name() -> Cow<'static, str> {
        <Vec<T> as OutputType>::type_name()
    }

    fn qualified_type_name() -> String {
        <Vec<T> as OutputType>::qualified_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <Vec<T> as OutputType>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        if !in_hand::<T>(ctx) {
            return OutputType::resolve(&self.0, ctx, field).await;
        }
        let mut list = Vec::with_capacity(self.0.len());
        for (index, item) in self.0.iter().enumerate() {
            let ctx_item = ctx.with_index(index);
            list.push(fields_in_order(&ctx_item, item).await);
        }
        Ok(Value::List(list))
    }
}

/// Whether every selection is a plain field, named once, that `T` has in hand, and so is
/// every selection of the objects it holds.
fn in_hand<T: InHand>(ctx: &ContextSelectionSet<'_>) -> bool {
    let items = &ctx.item.node.items;
    items.iter().enumerate().all(|(i, selection)| {
        let Selection::Field(field) = &selection.node else {
            return false;
        };
        let name = field.node.name.node.as_str();
        let key = &field.node.response_key().node;
        field.node.directives.is_empty()
            && !T::FETCHED.contains(&name)
            && !items[..i].iter().any(|earlier| {
                matches!(&earlier.node, Selection::Field(f) if &f.node.response_key().node == key)
            })
            && field.node.selection_set.node.items.iter().all(|inner| {
                let Selection::Field(inner) = &inner.node else {
                    return false;
                };
                !T::held_fetches(name).contains(&inner.node.name.node.as_str())
            })
    })
}

/// One object's fields, one after another: what async-graphql's container does, without a
/// future for each. A field's error is recorded and the field left out, as there.
async fn fields_in_order<T: ContainerType>(ctx: &ContextSelectionSet<'_>, root: &T) -> Value {
    let mut values = IndexMap::with_capacity(ctx.item.node.items.len());
    for selection in &ctx.item.node.items {
        let Selection::Field(field) = &selection.node else {
            continue;
        };
        let key = field.node.response_key().node.clone();
        if field.node.name.node == "__typename" {
            values.insert(
                key,
                Value::String(root.introspection_type_name().into_owned()),
            );
            continue;
        }
        let ctx_field = ctx.with_field(field);
        match root.resolve_field(&ctx_field).await {
            Ok(value) => {
                values.insert(key, value.unwrap_or_default());
            }
            Err(error) => ctx.add_error(error),
        }
    }
    if values.is_empty() {
        Value::Null
    } else {
        Value::Object(values)
    }
}
