//! Offers: `/v1.0/offers` (to be written).

use actix_web::web;

pub(super) fn configure(_cfg: &mut web::ServiceConfig) {}
