//! The point-of-sale API under `/v1.0/pos` (to be written).

use actix_web::web;

pub(super) fn configure(_cfg: &mut web::ServiceConfig) {}
