//! [`Query`]: the query string read as a typed value, after its keys and values pass the one
//! rule of [`super::limits`] (no control characters), so a `?identifier=%00` is a 400 and
//! never reaches a read database.

use super::form;
use super::limits::check_text;
use super::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::{ready, Ready};
use serde::de::DeserializeOwned;

/// A deserialized query string.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// `query` as a `T`, when every key and value is clean text.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    for (key, value) in form::pairs(query.as_bytes())? {
        check_text("Query parameter names", &key)?;
        check_text(&key, &value)?;
    }
    serde_urlencoded::from_str(query).map_err(ApiError::invalid_input)
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse_query(request.query_string()).map(Query))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Search {
        identifier: Option<String>,
        page: Option<u32>,
    }

    #[test]
    fn clean_queries_read_as_their_type() {
        let search: Result<Search, _> = parse_query("identifier=a%20b&page=2");
        assert!(matches!(
            search,
            Ok(Search { identifier: Some(id), page: Some(2) }) if id == "a b"
        ));
    }

    #[test]
    fn control_characters_and_bad_values_are_refused() {
        assert!(parse_query::<Search>("identifier=a%00b").is_err());
        assert!(parse_query::<Search>("identifier%01=x").is_err());
        let long = "9".repeat(10_000);
        let refused = parse_query::<Search>(&format!("page={long}"));
        assert!(matches!(refused, Err(ApiError::BadRequest(text)) if text.len() < 300));
    }
}
