//! Fields most objects leave unset, kept out of line.
//!
//! A column's collation, identity, generated expression, statistics target, storage, compression
//! and options are set on few columns; inline they would be most of every column's room (seven
//! empty fields of 24 bytes each). [`Rare`] keeps them behind one pointer that stays empty until
//! one of them is set, and reads as the whole group either way (`column.more.more.identity`).

use std::fmt;
use std::ops::{Deref, DerefMut};

/// A group of fields with a shared all-unset value to read when none is set.
pub trait Unset: Default + PartialEq + 'static {
    /// The group with every field unset.
    const UNSET: &'static Self;
}

/// `T`, boxed only once a field of it is set. Equal, printed and serialized as the `T` it reads as.
#[derive(Clone, Default)]
pub struct Rare<T: Unset>(Option<Box<T>>);

impl<T: Unset> Deref for Rare<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.0.as_deref().unwrap_or(T::UNSET)
    }
}

impl<T: Unset> DerefMut for Rare<T> {
    /// Writing makes the room (a field set back to unset keeps it; equality reads through).
    fn deref_mut(&mut self) -> &mut T {
        self.0.get_or_insert_with(Box::default)
    }
}

impl<T: Unset> Rare<T> {
    /// The group to change in place when it has room already (a field is set), else `None`: a
    /// pass over every object that changes only the set ones makes no room for the others.
    pub fn set_mut(&mut self) -> Option<&mut T> {
        self.0.as_deref_mut()
    }
}

impl<T: Unset> From<T> for Rare<T> {
    fn from(value: T) -> Rare<T> {
        Rare((value != *T::UNSET).then(|| Box::new(value)))
    }
}

impl<T: Unset> PartialEq for Rare<T> {
    fn eq(&self, other: &Rare<T>) -> bool {
        **self == **other
    }
}

impl<T: Unset + Eq> Eq for Rare<T> {}

impl<T: Unset + fmt::Debug> fmt::Debug for Rare<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    struct Few {
        a: Option<String>,
    }

    impl Unset for Few {
        const UNSET: &'static Few = &Few { a: None };
    }

    #[test]
    fn empty_until_written_and_equal_by_what_it_reads_as() {
        let mut rare: Rare<Few> = Rare::default();
        assert!(rare.0.is_none());
        assert_eq!(rare.a, None);
        rare.a = Some("x".into());
        assert_eq!(rare.a.as_deref(), Some("x"));
        rare.a = None;
        assert_eq!(rare, Rare::default(), "a room left empty reads as unset");
        assert!(Rare::from(Few::default()).0.is_none(), "an unset group takes no room");
        let mut empty: Rare<Few> = Rare::default();
        assert!(empty.set_mut().is_none() && empty.0.is_none(), "looking for set fields makes no room");
        assert!(std::mem::size_of::<Rare<Few>>() == std::mem::size_of::<usize>());
    }
}
