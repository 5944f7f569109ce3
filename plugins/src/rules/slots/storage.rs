//! Storage: sizes (`20Gi`, `10 GB`), storage class (`storage class fast-ssd`), access mode
//! (`ReadWriteMany`, `rwx`, `shared`) and mount paths (`mounted at /data`).

use super::Storage;
use super::resources::memory_quantity;
use crate::rules::text::Words;
use crate::rules::vocab::is_name;

/// `mounted at /data`, `mount path /var/lib/x`, `at /data`; marks the words.
pub fn mount_path(w: &mut Words) -> Option<String> {
    for i in w.indices() {
        let low = w.low(i);
        if !matches!(low, "mounted" | "mount" | "mountpath" | "mounting") {
            continue;
        }
        for j in i + 1..(i + 4).min(w.len()) {
            if w.raw(j).starts_with('/') && w.raw(j).len() > 1 && !w.used(j) {
                let path = w.raw(j).to_owned();
                w.mark(i..j + 1);
                return Some(path);
            }
        }
    }
    None
}

/// Extracts storage; marks the words.
pub fn extract(w: &mut Words, mount_path: Option<String>) -> Storage {
    let mut s = Storage {
        mount_path,
        ..Storage::default()
    };
    for i in w.indices() {
        if w.used(i) {
            continue;
        }
        let low = w.low(i).to_owned();
        if s.size.is_none() {
            let joined = format!("{low}{}", w.low(i + 1));
            if let Some(q) = memory_quantity(&low).filter(|_| !low.ends_with('m')) {
                s.size = Some(q);
                w.mark(i..i + 1);
                continue;
            }
            if low.parse::<f64>().is_ok()
                && let Some(q) = memory_quantity(&joined).filter(|_| w.low(i + 1) != "m")
            {
                s.size = Some(q);
                w.mark(i..i + 2);
                continue;
            }
        }
        match low.as_str() {
            "storageclass" | "class" | "--storage-class" => {
                let j = if w.low(i + 1) == "of" { i + 2 } else { i + 1 };
                if is_name(w.low(j)) && !w.used(j) {
                    s.class = Some(w.low(j).to_owned());
                    w.mark(i..j + 1);
                }
            }
            "readwritemany" | "rwx" | "shared" => s.access_mode = Some("ReadWriteMany".into()),
            "readonlymany" | "rox" => s.access_mode = Some("ReadOnlyMany".into()),
            "readwriteoncepod" | "rwop" => s.access_mode = Some("ReadWriteOncePod".into()),
            "readwriteonce" | "rwo" => s.access_mode = Some("ReadWriteOnce".into()),
            _ => {}
        }
        if let Some(class) = low.strip_prefix("--storage-class=").filter(|c| is_name(c)) {
            s.class = Some(class.to_owned());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_classes_modes() {
        let s = extract(
            &mut Words::new("a pvc of 10 GB with storage class fast-ssd, rwx"),
            None,
        );
        assert_eq!(s.size.as_deref(), Some("10Gi"));
        assert_eq!(s.class.as_deref(), Some("fast-ssd"));
        assert_eq!(s.access_mode.as_deref(), Some("ReadWriteMany"));
        let mut w = Words::new("with 5Gi mounted at /var/lib/data");
        let m = mount_path(&mut w);
        assert_eq!(
            extract(&mut w, m).mount_path.as_deref(),
            Some("/var/lib/data")
        );
    }
}
