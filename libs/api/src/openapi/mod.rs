//! The routes and the API's OpenAPI document, declared once: every route is added to a
//! [`Routes`] with its [`Op`] (method, path, roles, query, headers, body and answers, their
//! shapes taken from the Rust types with schemars), and the same declarations both mount the
//! actix resources and render `GET /openapi.json`, so a route cannot be served without being
//! documented.
//!
//! - [`Op`]: what one operation takes and answers.
//! - [`Routes`]: the declarations, mounted with [`Routes::mount`] or rendered with
//!   [`Routes::document`] (see `document`).

mod document;

use actix_web::http::Method;
use actix_web::{web, FromRequest, Handler, Responder};
use domain::account::Role;
use schemars::{JsonSchema, Schema, SchemaGenerator};

/// Makes the schema of a type with a generator.
type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// A header an operation reads.
#[derive(Clone, Debug)]
struct HeaderParam {
    name: &'static str,
    required: bool,
    description: &'static str,
}

/// One answer of an operation.
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    description: &'static str,
    body: Option<SchemaFn>,
    media: &'static str,
    refusal: bool,
}

/// What one operation takes and answers.
#[derive(Clone, Debug)]
pub struct Op {
    method: Method,
    path: String,
    id: &'static str,
    summary: &'static str,
    roles: Option<&'static [Role]>,
    query: Option<SchemaFn>,
    path_params: Vec<(&'static str, SchemaFn)>,
    headers: Vec<HeaderParam>,
    body: Option<SchemaFn>,
    answers: Vec<Answer>,
}

impl Op {
    fn new(method: Method, path: &str, id: &'static str, summary: &'static str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            id,
            summary,
            roles: Some(&[]),
            query: None,
            path_params: Vec::new(),
            headers: Vec::new(),
            body: None,
            answers: Vec::new(),
        }
    }

    /// `GET path`, named `id` (the operationId), described by `summary`.
    pub fn get(path: &str, id: &'static str, summary: &'static str) -> Self {
        Self::new(Method::GET, path, id, summary)
    }

    /// `POST path`.
    pub fn post(path: &str, id: &'static str, summary: &'static str) -> Self {
        Self::new(Method::POST, path, id, summary)
    }

    /// `PUT path`.
    pub fn put(path: &str, id: &'static str, summary: &'static str) -> Self {
        Self::new(Method::PUT, path, id, summary)
    }

    /// `DELETE path`.
    pub fn delete(path: &str, id: &'static str, summary: &'static str) -> Self {
        Self::new(Method::DELETE, path, id, summary)
    }

    /// The same operation at another method (for the routes Sparkfly serves under two).
    pub fn also(&self, method: Method, id: &'static str) -> Self {
        Self {
            method,
            id,
            ..self.clone()
        }
    }

    /// The roles that may call it besides admin (an empty list: admins only).
    pub fn roles(mut self, roles: &'static [Role]) -> Self {
        self.roles = Some(roles);
        self
    }

    /// Served without a token.
    pub fn public(mut self) -> Self {
        self.roles = None;
        self
    }

    /// Reads its query string as `T`.
    pub fn query<T: JsonSchema>(mut self) -> Self {
        self.query = Some(schema_of::<T>);
        self
    }

    /// The path segment `{name}` is a `T` (by default a path segment is an id).
    pub fn path_param<T: JsonSchema>(mut self, name: &'static str) -> Self {
        self.path_params.push((name, schema_of::<T>));
        self
    }

    /// Reads the header `name`.
    pub fn header(mut self, name: &'static str, required: bool, description: &'static str) -> Self {
        self.headers.push(HeaderParam {
            name,
            required,
            description,
        });
        self
    }

    /// Takes an optional `Idempotency-Key`: a repeat answers the first outcome.
    pub fn idempotent(self) -> Self {
        self.header(
            "Idempotency-Key",
            false,
            "A key for the write: a repeat within 24 hours answers the first outcome and \
             records nothing; the same key with another request is refused (409).",
        )
    }

    /// Takes a JSON (or form-urlencoded) body read as `T`.
    pub fn body<T: JsonSchema>(mut self) -> Self {
        self.body = Some(schema_of::<T>);
        self
    }

    /// Answers `status` with a body shaped as `T`.
    pub fn answers<T: JsonSchema>(mut self, status: u16, description: &'static str) -> Self {
        self.answers.push(Answer {
            status,
            description,
            body: Some(schema_of::<T>),
            media: "application/json",
            refusal: false,
        });
        self
    }

    /// Answers `status` with text of the `media` type.
    pub fn text(mut self, status: u16, description: &'static str, media: &'static str) -> Self {
        self.answers.push(Answer {
            status,
            description,
            body: Some(schema_of::<String>),
            media,
            refusal: false,
        });
        self
    }

    /// Refuses with `status` and the error body (beside the refusals every guarded operation
    /// has).
    pub fn refuses(mut self, status: u16, description: &'static str) -> Self {
        self.answers.push(Answer {
            status,
            description,
            body: None,
            media: "application/json",
            refusal: true,
        });
        self
    }

    /// Answers `status` with no body.
    pub fn empty(mut self, status: u16, description: &'static str) -> Self {
        self.answers.push(Answer {
            status,
            description,
            body: None,
            media: "application/json",
            refusal: false,
        });
        self
    }
}

/// A path and the routes served at it.
struct Resource {
    path: String,
    routes: Vec<actix_web::Route>,
}

/// The declared operations, and the actix routes that serve them.
#[derive(Default)]
pub struct Routes {
    prefix: &'static str,
    resources: Vec<Resource>,
    operations: Vec<Op>,
}

impl Routes {
    /// Declarations whose paths are under `prefix` (e.g. `/v1.0`).
    pub fn with_prefix(&mut self, prefix: &'static str, declare: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.prefix, prefix);
        declare(self);
        self.prefix = outer;
    }

    /// Serves `op` with `handler`.
    pub fn add<F, Args>(&mut self, mut op: Op, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        op.path = format!("{}{}", self.prefix, op.path);
        let route = web::method(op.method.clone()).to(handler);
        match self
            .resources
            .iter_mut()
            .find(|resource| resource.path == op.path)
        {
            Some(resource) => resource.routes.push(route),
            None => self.resources.push(Resource {
                path: op.path.clone(),
                routes: vec![route],
            }),
        }
        self.operations.push(op);
        self
    }

    /// Mounts every resource in declaration order; a path asked with a method it does not
    /// serve answers `method_not_allowed`.
    pub fn mount<F, Args>(self, cfg: &mut web::ServiceConfig, method_not_allowed: F)
    where
        F: Handler<Args> + Clone,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        for resource in self.resources {
            let mut service = web::resource(resource.path);
            for route in resource.routes {
                service = service.route(route);
            }
            cfg.service(service.default_service(web::to(method_not_allowed.clone())));
        }
    }

    /// The OpenAPI 3.1 document of every declared operation.
    pub fn document(&self) -> serde_json::Value {
        document::render(&self.operations)
    }

    /// The declared operations' methods and paths, in declaration order.
    pub fn operations(&self) -> impl Iterator<Item = (&Method, &str)> {
        self.operations
            .iter()
            .map(|op| (&op.method, op.path.as_str()))
    }
}
