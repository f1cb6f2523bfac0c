//! The HTTP ceiling of this box for a request and an answer of given sizes: a bare actix-web
//! server (the product's HTTP stack, with none of its middleware, token check, engine or JSON)
//! that reads every request's body and answers it with the bytes of a file.
//!
//! ```text
//! http_ceiling <bind address> <answer file> <workers>
//! ```
//!
//! `loadgen --mode evaluate --ceiling` starts it beside the product with a dry run's answer
//! and sends it the dry run's own request, so evaluate is compared both with `GET /health` and
//! with the cost of moving its own bytes over HTTP on the same cores.

use actix_web::http::header::ContentType;
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context as _;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Reads the body (as a handler of the product does) and answers the fixed bytes.
async fn answer(body: web::Bytes, fixed: web::Data<web::Bytes>) -> HttpResponse {
    std::hint::black_box(body);
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(fixed.get_ref().clone())
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(bind), Some(file), Some(workers)) = (args.next(), args.next(), args.next()) else {
        anyhow::bail!("usage: http_ceiling <bind address> <answer file> <workers>");
    };
    let workers: usize = workers.parse().context("workers is a number")?;
    let fixed = web::Data::new(web::Bytes::from(std::fs::read(&file)?));
    HttpServer::new(move || {
        App::new()
            .app_data(fixed.clone())
            .app_data(web::PayloadConfig::new(256 * 1024))
            .default_service(web::to(answer))
    })
    .workers(workers.max(1))
    .bind(bind)?
    .run()
    .await?;
    Ok(())
}
