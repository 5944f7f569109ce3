//! Bytes to text: rejecting binary data before the YAML parser sees it.

use super::error::ParseError;

/// The UTF-8 text of an input, without a leading byte-order mark.
pub(crate) fn decode(bytes: &[u8]) -> Result<&str, ParseError> {
    let line_at = |offset: usize| bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ParseError::Binary {
            line: 1,
            detail: "UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8"
                .to_owned(),
        });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        let line = line_at(offset);
        return Err(ParseError::Binary {
            line,
            detail: format!("NUL byte at line {line}, byte offset {offset}"),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let offset = err.valid_up_to();
        let line = line_at(offset);
        ParseError::Binary {
            line,
            detail: format!("invalid UTF-8 at line {line}, byte offset {offset}"),
        }
    })?;
    Ok(text.strip_prefix('\u{FEFF}').unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_byte_is_binary_with_line() {
        let err = decode(b"a: 1\nb: \0\n").expect_err("binary");
        assert_eq!(err.line(), Some(2));
        assert!(
            err.to_string().starts_with("binary data, not YAML"),
            "{err}"
        );
    }

    #[test]
    fn invalid_utf8_is_binary() {
        let err = decode(b"a: \xC3\x28\n").expect_err("binary");
        assert!(err.to_string().contains("invalid UTF-8 at line 1"), "{err}");
    }

    #[test]
    fn bom_is_stripped() {
        assert_eq!(decode("\u{FEFF}a: 1".as_bytes()).ok(), Some("a: 1"));
    }
}
