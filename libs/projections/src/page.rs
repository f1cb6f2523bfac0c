//! Pages of a list, Sparkfly style: pages count from 1, `per_page` defaults to 50.

use serde::Serialize;

/// Rows per page when the client names none.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// Most rows per page a client may ask for.
pub const MAX_PER_PAGE: u32 = 100;

/// Which page of a list to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// The page, from 1.
    pub page: u32,
    /// Rows per page, 1 to [`MAX_PER_PAGE`].
    pub per_page: u32,
}

impl PageRequest {
    /// The request as asked, with a missing or 0 page read as 1, a missing or 0 `per_page` as
    /// [`DEFAULT_PER_PAGE`], and `per_page` capped at [`MAX_PER_PAGE`].
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self {
            page: page.filter(|page| *page > 0).unwrap_or(1),
            per_page: per_page
                .filter(|per_page| *per_page > 0)
                .unwrap_or(DEFAULT_PER_PAGE)
                .min(MAX_PER_PAGE),
        }
    }

    pub(crate) fn offset(self) -> i64 {
        (i64::from(self.page) - 1).max(0) * i64::from(self.per_page)
    }

    pub(crate) fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of a list, with the totals Sparkfly answers with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Page<T> {
    /// This page, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows in the whole list.
    pub total_entries: u64,
    /// Pages in the whole list.
    pub total_pages: u64,
    /// The rows of this page.
    pub items: Vec<T>,
}

impl<T> Page<T> {
    /// The page `request` asks for of `rows`, the whole list held in memory (small lists read
    /// from live state rather than from a table).
    pub fn of_all(request: PageRequest, rows: Vec<T>) -> Self {
        let total = u64::try_from(rows.len()).unwrap_or(u64::MAX);
        let skip = usize::try_from(request.offset()).unwrap_or(usize::MAX);
        let take = usize::try_from(request.limit()).unwrap_or(usize::MAX);
        let items = rows.into_iter().skip(skip).take(take).collect();
        Self::new(request, total, items)
    }

    pub(crate) fn new(request: PageRequest, total_entries: u64, items: Vec<T>) -> Self {
        Self {
            page: request.page,
            per_page: request.per_page,
            total_entries,
            total_pages: total_entries.div_ceil(u64::from(request.per_page.max(1))),
            items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_caps() {
        assert_eq!(
            PageRequest::new(None, None),
            PageRequest {
                page: 1,
                per_page: 50
            }
        );
        assert_eq!(PageRequest::new(Some(0), Some(1000)).per_page, MAX_PER_PAGE);
        assert_eq!(PageRequest::new(Some(3), Some(20)).offset(), 40);
        assert_eq!(
            Page::<u8>::new(PageRequest::default(), 120, vec![]).total_pages,
            3
        );
        assert_eq!(
            Page::<u8>::new(PageRequest::default(), 0, vec![]).total_pages,
            0
        );
    }

    #[test]
    fn a_list_in_memory_is_paged_like_a_table() {
        let page = Page::of_all(PageRequest::new(Some(2), Some(2)), vec![1, 2, 3, 4, 5]);
        assert_eq!((page.total_entries, page.total_pages), (5, 3));
        assert_eq!(page.items, [3, 4]);
        let past = Page::of_all(PageRequest::new(Some(9), Some(2)), vec![1, 2, 3]);
        assert!(past.items.is_empty());
    }
}
