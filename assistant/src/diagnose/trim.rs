//! What the collector keeps of an object: never a Secret value, never a ConfigMap value
//! beyond a short prefix, never `managedFields` or kubectl's last-applied copy (which holds a
//! whole earlier manifest, Secret data included). Applied to each page as soon as it is
//! decoded, so a page is the most that is ever held in full.

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// kubectl's client-side-apply copy of the whole manifest.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Characters of a ConfigMap value kept (analyzers need keys, not contents).
const CONFIG_VALUE_CHARS: usize = 0;

/// Characters of an event message kept.
const EVENT_MESSAGE_CHARS: usize = 1024;

/// Drops the server's bookkeeping that no analyzer reads and that can be large.
pub fn metadata(meta: &mut ObjectMeta) {
    meta.managed_fields = None;
    if let Some(annotations) = &mut meta.annotations {
        annotations.remove(LAST_APPLIED);
    }
}

/// A Secret with its key names only: every value emptied.
pub fn secret(s: &mut Secret) {
    metadata(&mut s.metadata);
    for value in s.data.iter_mut().flat_map(|d| d.values_mut()) {
        *value = ByteString(Vec::new());
    }
    for value in s.string_data.iter_mut().flat_map(|d| d.values_mut()) {
        value.clear();
    }
}

/// A ConfigMap with its key names and at most a short prefix of each value.
pub fn config_map(c: &mut ConfigMap) {
    metadata(&mut c.metadata);
    for value in c.data.iter_mut().flat_map(|d| d.values_mut()) {
        truncate(value, CONFIG_VALUE_CHARS);
    }
    for value in c.binary_data.iter_mut().flat_map(|d| d.values_mut()) {
        *value = ByteString(Vec::new());
    }
}

/// An event with a bounded message.
pub fn event(e: &mut Event) {
    metadata(&mut e.metadata);
    if let Some(message) = &mut e.message {
        truncate(message, EVENT_MESSAGE_CHARS);
    }
}

/// Cuts `text` to at most `chars` characters.
fn truncate(text: &mut String, chars: usize) {
    if let Some((at, _)) = text.char_indices().nth(chars) {
        text.truncate(at);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn secrets_keep_key_names_only() {
        let mut s = Secret {
            metadata: ObjectMeta {
                annotations: Some(BTreeMap::from([
                    (
                        LAST_APPLIED.to_owned(),
                        r#"{"data":{"password":"aHVudGVyMg=="}}"#.into(),
                    ),
                    ("team".to_owned(), "shop".into()),
                ])),
                ..ObjectMeta::default()
            },
            data: Some(BTreeMap::from([(
                "password".to_owned(),
                ByteString(b"hunter2".to_vec()),
            )])),
            string_data: Some(BTreeMap::from([("token".to_owned(), "abc".into())])),
            ..Secret::default()
        };
        secret(&mut s);
        let text = serde_json::to_string(&s).unwrap();
        assert!(
            !text.contains("hunter2") && !text.contains("aHVudGVyMg") && !text.contains("abc"),
            "{text}"
        );
        assert!(
            text.contains("password") && text.contains("token") && text.contains("team"),
            "{text}"
        );
    }

    #[test]
    fn config_values_and_long_messages_are_cut() {
        let mut c = ConfigMap {
            data: Some(BTreeMap::from([(
                "app.yaml".to_owned(),
                "x".repeat(10_000),
            )])),
            ..ConfigMap::default()
        };
        config_map(&mut c);
        assert_eq!(c.data.unwrap()["app.yaml"].len(), CONFIG_VALUE_CHARS);
        let mut e = Event {
            message: Some("é".repeat(5000)),
            ..Event::default()
        };
        event(&mut e);
        assert_eq!(e.message.unwrap().chars().count(), EVENT_MESSAGE_CHARS);
    }
}
