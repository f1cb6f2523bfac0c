//! The Kubernetes manifests under `k8s/`: every file parses as YAML, every document is a
//! well-formed object, every container runs one of the `promo` binary's services with resource
//! requests, a readiness probe on `/health` and only settings the binaries read, and every
//! Service selects pods some Deployment runs; the Secret's placeholder token secret is refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;

/// The binary every container runs (this package's one `[[bin]]`).
const BINARY: &str = "promo";
/// The services (its subcommands) a container may run.
const SERVICES: &[&str] = &[
    "serve",
    "command-service",
    "projector",
    "dispatcher",
    "rebuild",
];
/// The environment variables the binaries read.
const SETTINGS: &[&str] = &[
    "PROMO_BIND",
    "PROMO_DATA_DIR",
    "PROMO_PARTITIONS",
    "PROMO_WORKERS",
    "PROMO_TOKEN_SECRET",
    "PROMO_EVENT_LOG",
    "PROMO_READ_DB",
    "PROMO_SNAPSHOTS",
    "PROMO_KEY_STORE",
    "PROMO_CONFIG",
    "PROMO_CALLBACKS",
    "PROMO_SERVER_BIND",
    "PROMO_CALLBACK_DEADLINE_MS",
    "PROMO_CALLBACK_TIMEOUT_MS",
    "PROMO_CALLBACK_PER_HOST",
    "PROMO_CALLBACK_CONCURRENCY",
    "PROMO_CALLBACK_PER_ACCOUNT",
    "PROMO_CALLBACK_ALLOW",
    "PROMO_ADVERTISE_URL",
    "PROMO_CLUSTER_DB",
    "PROMO_INSTANCE_ID",
    "PROMO_LEASE_SECONDS",
    "RUST_LOG",
];

fn documents() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../k8s");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no manifests in {}", dir.display());
    let mut documents = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for document in serde_yaml_ng::Deserializer::from_str(&text) {
            let value = Value::deserialize(document)
                .unwrap_or_else(|error| panic!("{name} does not parse: {error}"));
            documents.push((name.clone(), value));
        }
    }
    documents
}

fn pod_specs(documents: &[(String, Value)]) -> Vec<(String, &Value)> {
    documents
        .iter()
        .filter(|(_, doc)| matches!(doc["kind"].as_str(), Some("Deployment" | "Job")))
        .map(|(file, doc)| (file.clone(), &doc["spec"]["template"]))
        .collect()
}

#[test]
fn every_document_is_a_named_kubernetes_object() {
    let documents = documents();
    for (file, doc) in &documents {
        for field in ["apiVersion", "kind"] {
            assert!(doc[field].is_string(), "{file}: no {field}");
        }
        assert!(
            doc["metadata"]["name"].is_string(),
            "{file}: no metadata.name"
        );
    }
    let kinds: Vec<&str> = documents
        .iter()
        .filter_map(|(_, doc)| doc["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"Deployment") && kinds.contains(&"Service"));
}

#[test]
fn containers_run_our_binaries_with_requests_probes_and_known_settings() {
    let documents = documents();
    let pods = pod_specs(&documents);
    assert!(pods.len() >= 3, "expected the services and the rebuild job");
    for (file, pod) in pods {
        for container in pod["spec"]["containers"].as_array().unwrap() {
            let command = &container["command"];
            assert_eq!(command[0].as_str(), Some(BINARY), "{file}: runs {command}");
            let service = command[1].as_str().unwrap_or_default();
            assert!(SERVICES.contains(&service), "{file}: runs {command}");
            let requests = &container["resources"]["requests"];
            assert!(
                requests["cpu"].is_string() && requests["memory"].is_string(),
                "{file}"
            );
            assert!(
                container["resources"]["limits"]["memory"].is_string(),
                "{file}"
            );
            for variable in container["env"].as_array().into_iter().flatten() {
                let name = variable["name"].as_str().unwrap();
                // A field of the pod (its address, its name), read only to be put in a setting.
                let from_pod = variable["valueFrom"]["fieldRef"].is_object();
                assert!(
                    SETTINGS.contains(&name) || (from_pod && !name.starts_with("PROMO_")),
                    "{file}: unknown setting {name}"
                );
            }
            let serving = pod["spec"]["restartPolicy"].as_str() != Some("Never");
            if serving {
                let probe = &container["readinessProbe"]["httpGet"];
                assert_eq!(probe["path"], "/health", "{file}: readiness on /health");
            }
        }
    }
    for (file, doc) in &documents {
        let data = doc["data"]
            .as_object()
            .or_else(|| doc["stringData"].as_object());
        if let Some(data) = data {
            for name in data.keys() {
                assert!(
                    SETTINGS.contains(&name.as_str()),
                    "{file}: unknown setting {name}"
                );
            }
        }
    }
}

#[test]
fn every_service_selects_a_deployments_pods() {
    let documents = documents();
    let labels: Vec<&Value> = documents
        .iter()
        .filter(|(_, doc)| doc["kind"] == "Deployment")
        .map(|(_, doc)| &doc["spec"]["template"]["metadata"]["labels"])
        .collect();
    for (file, doc) in documents.iter().filter(|(_, doc)| doc["kind"] == "Service") {
        let selector = doc["spec"]["selector"].as_object().unwrap();
        assert!(
            labels.iter().any(|pod| selector
                .iter()
                .all(|(key, value)| &pod[key.as_str()] == value)),
            "{file}: service {} selects no pods",
            doc["metadata"]["name"]
        );
    }
}

#[test]
fn the_manifests_placeholder_token_secret_refuses_to_start() {
    let documents = documents();
    let placeholder = documents
        .iter()
        .find_map(|(_, doc)| doc["stringData"]["PROMO_TOKEN_SECRET"].as_str())
        .expect("the Secret holds PROMO_TOKEN_SECRET");
    let refused = server::Settings::from_vars(|name| {
        (name == "PROMO_TOKEN_SECRET").then(|| placeholder.to_owned())
    });
    let Err(error) = refused else {
        panic!("the placeholder {placeholder:?} was accepted as a token secret");
    };
    let message = format!("{error:#}");
    assert!(message.contains("placeholder"), "{message}");
}
