//! The merged integrated chronology of each review, kept between reads.
//!
//! Merging a review's chronology is the costly part of reading it (reading every submitted
//! entry, then the record linkage); every viewer of a review reads the same result until
//! something it is made from changes. So each instance keeps the last merge of each review,
//! named by a *stamp*: a hash of what the merge is made from, read from the database on
//! every read (cheap: a few small rows and one aggregate). A change made through any
//! instance changes the stamp, so a stale merge is never served and nothing needs to be
//! told to forget it; there is no time-based expiry to tune.
//!
//! - One merge at a time per review and version (single flight): readers that arrive while
//!   it is being built wait for it instead of each building their own.
//! - Bounded: at most [`BUDGET`] merged entries are kept in all; the least recently read
//!   reviews are dropped first.
//! - The merge before the last is kept too (counted in the budget), never served, only so a
//!   page showing it can be sent what changed since ([`MergeCache::at_version`]).

use crate::metrics::Metrics;
use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How many merged entries (over every kept review) an instance keeps. A merged entry with
/// its copies in groups and sharing flags is about 1–2 KB, so this is some 100–200 MB at
/// most, for the largest partnerships' busiest days.
pub const BUDGET: usize = 100_000;

/// What a cached value says of its own size, in entries, for the [`BUDGET`].
pub trait Weight {
    fn weight(&self) -> usize;
}

/// A review's slot: the last merge built and the one before it, with their stamps.
struct Slot<T> {
    value: Option<(u64, Arc<T>)>,
    previous: Option<(u64, Arc<T>)>,
}

impl<T: Weight> Slot<T> {
    fn size(&self) -> usize {
        [&self.value, &self.previous]
            .into_iter()
            .flatten()
            .map(|(_, v)| v.weight())
            .sum()
    }
}

/// The version a page is told it shows: `key`'s merge under `stamp`, opaque. It names the
/// key too, since the cases of one audit share their review's stamp.
pub fn version(key: &Key, stamp: u64) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (key, stamp).hash(&mut h);
    format!("{:016x}", h.finish())
}

/// Which merge: the review, the audit case (a multi-agency case audit merges each case of
/// its sample on its own; `None` in a case review), and whether it is the anonymised one.
pub type Key = (String, Option<String>, bool);

struct Kept<T> {
    slot: Arc<tokio::sync::Mutex<Slot<T>>>,
    /// The read clock's value at the last read.
    read_at: u64,
    /// The entries of its value (0 while none).
    size: usize,
}

/// The cache (one per instance, in `AppState`).
pub struct MergeCache<T> {
    slots: Mutex<HashMap<Key, Kept<T>>>,
    clock: AtomicU64,
    budget: usize,
    metrics: Arc<Metrics>,
}

impl<T: Weight> MergeCache<T> {
    pub fn new(metrics: Arc<Metrics>) -> Self {
        Self::with_budget(metrics, BUDGET)
    }

    pub fn with_budget(metrics: Arc<Metrics>, budget: usize) -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
            clock: AtomicU64::new(0),
            budget,
            metrics,
        }
    }

    fn slot(&self, key: &Key) -> Arc<tokio::sync::Mutex<Slot<T>>> {
        let now = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let kept = slots.entry(key.clone()).or_insert_with(|| Kept {
            slot: Arc::new(tokio::sync::Mutex::new(Slot {
                value: None,
                previous: None,
            })),
            read_at: now,
            size: 0,
        });
        kept.read_at = now;
        kept.slot.clone()
    }

    /// The value kept for `key` under `stamp`, else the one `build` makes (kept for the next
    /// read). A failed build keeps nothing and fails this read only.
    pub async fn get_or_build<E, F, Fut>(&self, key: Key, stamp: u64, build: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let slot = self.slot(&key);
        let mut guard = slot.lock().await;
        if let Some((kept, value)) = &guard.value {
            if *kept == stamp {
                self.metrics.merge_reused();
                return Ok(value.clone());
            }
        }
        // Put aside before building, so a failed build serves nothing stale later either.
        if let Some(last) = guard.value.take() {
            guard.previous = Some(last);
        }
        let value = Arc::new(build().await?);
        self.metrics.merge_built();
        guard.value = Some((stamp, value.clone()));
        let size = guard.size();
        drop(guard);
        self.settle(&key, size);
        Ok(value)
    }

    /// The merge of `key` that [`version`] named, while this instance keeps it (the last or
    /// the one before); never built.
    pub async fn at_version(&self, key: &Key, wanted: &str) -> Option<Arc<T>> {
        let slot = {
            let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.get(key)?.slot.clone()
        };
        let guard = slot.lock().await;
        let matches = |kept: &Option<(u64, Arc<T>)>| match kept {
            Some((stamp, value)) if version(key, *stamp) == wanted => Some(value.clone()),
            _ => None,
        };
        matches(&guard.value).or_else(|| matches(&guard.previous))
    }

    /// Records the new size of `key`'s value, then drops the least recently read others
    /// while the whole is over the budget.
    fn settle(&self, key: &Key, size: usize) {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(kept) = slots.get_mut(key) {
            kept.size = size;
        }
        let mut total: usize = slots.values().map(|k| k.size).sum();
        while total > self.budget {
            let oldest = slots
                .iter()
                .filter(|(k, _)| *k != key)
                .min_by_key(|(_, kept)| kept.read_at)
                .map(|(k, _)| k.clone());
            let Some(oldest) = oldest else { break };
            if let Some(gone) = slots.remove(&oldest) {
                total -= gone.size;
            }
        }
    }

    /// The keys kept now (for tests).
    pub fn kept(&self) -> Vec<Key> {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let mut keys: Vec<Key> = slots
            .iter()
            .filter(|(_, k)| k.size > 0)
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    struct Value(usize);
    impl Weight for Value {
        fn weight(&self) -> usize {
            self.0
        }
    }

    fn key(review: &str) -> Key {
        (review.to_owned(), None, false)
    }

    #[tokio::test]
    async fn kept_while_the_stamp_holds_and_rebuilt_when_it_changes() {
        let cache = MergeCache::new(Arc::new(Metrics::new()));
        let builds = AtomicUsize::new(0);
        let build = |n| {
            builds.fetch_add(1, Ordering::SeqCst);
            async move { Ok::<_, ()>(Value(n)) }
        };
        let a = cache.get_or_build(key("r"), 1, || build(3)).await.unwrap();
        let b = cache.get_or_build(key("r"), 1, || build(4)).await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        let c = cache.get_or_build(key("r"), 2, || build(5)).await.unwrap();
        assert_eq!(c.0, 5);
        assert_eq!(builds.load(Ordering::SeqCst), 2);
        // The anonymised view is its own slot.
        let d = cache
            .get_or_build(("r".into(), None, true), 2, || build(6))
            .await
            .unwrap();
        assert_eq!(d.0, 6);
        // So is each case of an audit, and it leaves the review's own merge kept.
        let e = cache
            .get_or_build(("r".into(), Some("case 1".into()), false), 2, || build(7))
            .await
            .unwrap();
        assert_eq!(e.0, 7);
        let f = cache.get_or_build(key("r"), 2, || build(8)).await.unwrap();
        assert!(Arc::ptr_eq(&c, &f));
    }

    #[tokio::test]
    async fn the_merge_before_the_last_is_found_by_its_version_only() {
        let cache = MergeCache::new(Arc::new(Metrics::new()));
        let one = cache
            .get_or_build(key("r"), 1, || async { Ok::<_, ()>(Value(1)) })
            .await
            .unwrap();
        let two = cache
            .get_or_build(key("r"), 2, || async { Ok::<_, ()>(Value(2)) })
            .await
            .unwrap();
        let at = |stamp| version(&key("r"), stamp);
        assert!(Arc::ptr_eq(
            &cache.at_version(&key("r"), &at(1)).await.unwrap(),
            &one
        ));
        assert!(Arc::ptr_eq(
            &cache.at_version(&key("r"), &at(2)).await.unwrap(),
            &two
        ));
        // Another case of the same review, with the same stamp, is another version.
        let case = ("r".to_owned(), Some("case 1".to_owned()), false);
        assert_ne!(version(&case, 1), at(1));
        assert!(cache.at_version(&case, &at(1)).await.is_none());
        // Two merges later, the first is no longer kept; the previous is never served.
        cache
            .get_or_build(key("r"), 3, || async { Ok::<_, ()>(Value(3)) })
            .await
            .unwrap();
        assert!(cache.at_version(&key("r"), &at(1)).await.is_none());
        assert!(cache.at_version(&key("r"), &at(2)).await.is_some());
        let served = cache
            .get_or_build(key("r"), 2, || async { Ok::<_, ()>(Value(9)) })
            .await
            .unwrap();
        assert_eq!(served.0, 9);
        // Both count in the budget.
        assert_eq!(cache.kept(), vec![key("r")]);
    }

    #[tokio::test]
    async fn a_failed_build_keeps_nothing() {
        let cache: MergeCache<Value> = MergeCache::new(Arc::new(Metrics::new()));
        cache
            .get_or_build(key("r"), 1, || async { Ok::<_, ()>(Value(1)) })
            .await
            .unwrap();
        let failed = cache
            .get_or_build(key("r"), 2, || async { Err::<Value, _>("down") })
            .await;
        assert!(failed.is_err());
        // Neither the old value (stamp 1 is stale now) nor anything else is served.
        let again = cache
            .get_or_build(key("r"), 1, || async { Ok::<_, ()>(Value(9)) })
            .await
            .unwrap();
        assert_eq!(again.0, 9);
    }

    #[tokio::test]
    async fn the_least_recently_read_go_first_beyond_the_budget() {
        let cache = MergeCache::with_budget(Arc::new(Metrics::new()), 10);
        let put = |r: &'static str, n: usize| {
            let cache = &cache;
            async move {
                cache
                    .get_or_build(key(r), 1, || async move { Ok::<_, ()>(Value(n)) })
                    .await
                    .unwrap()
            }
        };
        put("a", 4).await;
        put("b", 4).await;
        put("a", 0).await; // read again: b is now the least recently read
        put("c", 4).await;
        assert_eq!(cache.kept(), vec![key("a"), key("c")]);
        // One value bigger than the whole budget is still kept (alone) for its readers.
        put("d", 20).await;
        assert_eq!(cache.kept(), vec![key("d")]);
    }

    #[tokio::test]
    async fn readers_arriving_together_share_one_build() {
        let cache = Arc::new(MergeCache::new(Arc::new(Metrics::new())));
        let builds = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (cache, builds) = (cache.clone(), builds.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_build(key("r"), 7, || async move {
                        builds.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<_, ()>(Value(1))
                    })
                    .await
                    .unwrap()
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }
}
