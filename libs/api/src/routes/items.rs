//! Items and item sets (to be written).

use actix_web::web;

pub(super) fn configure(_cfg: &mut web::ServiceConfig) {}
