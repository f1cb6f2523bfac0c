//! [`serve`]: the HTTP server over an [`AppState`], with the middleware every request passes
//! through (outermost first: observe, then the `.json` suffix, then forwarding to the partition's owner), and the landing pages.

use crate::cluster::forward_misrouted;
use crate::http::{observe, strip_json_suffix};
use crate::landing::Landing;
use crate::routes::configure;
use crate::state::AppState;
use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::sync::Arc;

/// The server answering on `listener` with `workers` worker threads; run it by awaiting it
/// (or spawning it), stop it through its handle.
pub fn serve(listener: TcpListener, state: AppState, workers: usize) -> std::io::Result<Server> {
    let landing = Arc::new(Landing::new(state.landing()));
    let base = state.landing().base_path.clone();
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(from_fn(forward_misrouted))
            .wrap(from_fn(strip_json_suffix))
            .wrap(from_fn(observe))
            .app_data(web::Data::from(Arc::clone(&landing)))
            .configure(|cfg| configure(cfg, &base))
    })
    .workers(workers.max(1))
    .listen(listener)?
    .run();
    Ok(server)
}
