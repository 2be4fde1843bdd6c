//! A file's bytes as text: UTF-8 unless told otherwise (`--encoding`), with
//! the decoding done by encoding_rs. A file that is not UTF-8 is refused at
//! the line and column of its first bad byte, with the option that reads it.

use super::ImportError;

/// What `--encoding` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// ISO 8859-1: each byte is the code point of the same number.
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
    #[value(name = "windows-1252", alias = "cp1252")]
    Windows1252,
    /// Little-endian unless the file starts with a big-endian byte-order mark.
    #[value(name = "utf-16", alias = "utf16")]
    Utf16,
}

/// The file's text; `name` says which file in an error.
pub fn decode(
    name: &str,
    bytes: Vec<u8>,
    encoding: Option<TextEncoding>,
) -> Result<String, ImportError> {
    let decoded = |enc: &'static encoding_rs::Encoding| {
        // A byte-order mark, where there is one, says the encoding.
        let (text, _, _) = enc.decode(&bytes);
        text.into_owned()
    };
    match encoding {
        Some(TextEncoding::Latin1) => Ok(encoding_rs::mem::decode_latin1(&bytes).into_owned()),
        Some(TextEncoding::Windows1252) => Ok(decoded(encoding_rs::WINDOWS_1252)),
        Some(TextEncoding::Utf16) => Ok(decoded(encoding_rs::UTF_16LE)),
        Some(TextEncoding::Utf8) | None => String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let line_start = bytes[..at]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            // The valid text before the bad byte on its line, in characters.
            let column = std::str::from_utf8(&bytes[line_start..at])
                .map_or(at - line_start, |s| s.chars().count())
                + 1;
            ImportError::BadRecord {
                file: name.to_string(),
                line: bytes[..at].iter().filter(|b| **b == b'\n').count() + 1,
                reason: format!(
                    "column {column}: byte 0x{:02X} is not UTF-8 text; if the file is in another encoding, give --encoding latin1, windows-1252 or utf-16",
                    bytes[at]
                ),
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn each_encoding_reads_its_bytes() {
        let latin = b"caf\xe9,\xa0\x80".to_vec();
        assert_eq!(
            decode("f", latin.clone(), Some(TextEncoding::Latin1)).unwrap(),
            "caf\u{e9},\u{a0}\u{80}"
        );
        assert_eq!(
            decode("f", latin, Some(TextEncoding::Windows1252)).unwrap(),
            "caf\u{e9},\u{a0}€"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE, b'a', 0, 0xE9, 0].to_vec();
        assert_eq!(
            decode("f", utf16, Some(TextEncoding::Utf16)).unwrap(),
            "a\u{e9}"
        );
        let err = decode("f.csv", b"a,b\nx\xa0y".to_vec(), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("f.csv: line 2: column 2: byte 0xA0"),
            "{err}"
        );
    }
}
