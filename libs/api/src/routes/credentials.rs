//! Credentials: `/v1.0/credentials` (to be written).

use actix_web::web;

pub(super) fn configure(_cfg: &mut web::ServiceConfig) {}
