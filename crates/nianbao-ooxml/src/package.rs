//! The zip of a package: opened and read within limits (zip bombs), and
//! written again with some parts changed.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Write};

use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::{PackageError, PackageErrorKind};

/// How much of a package is read before it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Entries in the zip.
    pub entries: usize,
    /// Bytes one part may inflate to.
    pub entry_bytes: u64,
    /// Bytes all parts read from one [`Package`] may inflate to, together.
    pub total_bytes: u64,
    /// Declared size over compressed size: deflate reaches ~1000:1 only on
    /// degenerate data, XML compresses ~10:1.
    pub ratio: u64,
    /// Parts declared at most this large are not refused for their ratio.
    pub ratio_from_bytes: u64,
}

impl Limits {
    fn suspicious_ratio(&self, size: u64, compressed: u64) -> bool {
        size > self.ratio_from_bytes && size / compressed.max(1) > self.ratio
    }
}

/// A package opened for reading, with what it may still inflate.
pub struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    format: &'static str,
    limits: Limits,
    budget: u64,
}

impl<'a> Package<'a> {
    /// Opens the zip of `bytes`; `format` (「DOCX」) names the file in messages.
    pub fn open(
        bytes: &'a [u8],
        format: &'static str,
        limits: Limits,
    ) -> Result<Package<'a>, PackageError> {
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| PackageError::damaged(format!("{format} 文件已损坏，无法解压：{e}")))?;
        if zip.len() > limits.entries {
            return Err(PackageError::too_large(format!(
                "{format} 中的文件过多（{} 个），拒绝读取",
                zip.len()
            )));
        }
        Ok(Package {
            zip,
            format,
            limits,
            budget: limits.total_bytes,
        })
    }

    /// The names of the entries, in zip order.
    pub fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.to_string())
            .collect()
    }

    /// Refuses a package whose entries declare more than the limits allow,
    /// one or all together, before a reader without limits of its own
    /// (calamine) inflates them: the zip crate stops inflating an entry at
    /// its declared size.
    pub fn check_declared_sizes(&mut self) -> Result<(), PackageError> {
        let format = self.format;
        let mut total = 0u64;
        for i in 0..self.zip.len() {
            let entry = self
                .zip
                .by_index_raw(i)
                .map_err(|e| PackageError::damaged(format!("{format} 文件已损坏：{e}")))?;
            let size = entry.size();
            total = total.saturating_add(size);
            if size > self.limits.entry_bytes
                || total > self.limits.total_bytes
                || self.limits.suspicious_ratio(size, entry.compressed_size())
            {
                return Err(PackageError::too_large(format!(
                    "{format} 中的 {} 解压后过大或压缩比异常（疑似压缩炸弹），拒绝读取",
                    entry.name().unwrap_or_default()
                )));
            }
        }
        Ok(())
    }

    /// One part as text, `None` when there is no such entry. Refused when
    /// it is encrypted, declares a size over the limits (or the bytes left
    /// of the package's total) or a suspicious ratio, inflates past them
    /// whatever it declares, or is not UTF-8.
    pub fn read_text(&mut self, name: &str) -> Result<Option<String>, PackageError> {
        self.read_text_within(name, u64::MAX)
    }

    /// [`Package::read_text`] with a smaller limit for this part.
    pub fn read_text_within(
        &mut self,
        name: &str,
        max_bytes: u64,
    ) -> Result<Option<String>, PackageError> {
        let format = self.format;
        let limit = self.limits.entry_bytes.min(self.budget).min(max_bytes);
        let limits = self.limits;
        let mut file = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => {
                return Err(PackageError::damaged(format!(
                    "{format} 文件已损坏（{name}）：{e}"
                )));
            }
        };
        if file.encrypted() {
            return Err(PackageError::new(
                PackageErrorKind::Encrypted,
                format!("{format} 内容已加密，无法读取"),
            ));
        }
        let declared = file.size();
        if declared > limit || limits.suspicious_ratio(declared, file.compressed_size()) {
            return Err(PackageError::too_large(format!(
                "{format} 中的 {name} 解压后过大或压缩比异常（疑似压缩炸弹），拒绝读取"
            )));
        }
        // The declared size can lie: the cap on what is actually inflated is the defence.
        let mut data = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        (&mut file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| {
                // The zip crate stops an entry that inflates past its declared size.
                if e.to_string().contains("larger than its declared") {
                    PackageError::too_large(format!(
                        "{format} 中的 {name} 解压后超过声明的大小（疑似压缩炸弹），拒绝读取"
                    ))
                } else {
                    PackageError::damaged(format!("{format} 文件已损坏，{name} 无法解压：{e}"))
                }
            })?;
        let len = data.len() as u64;
        if len > limit {
            return Err(PackageError::too_large(format!(
                "{format} 中的 {name} 解压后超过 {} MiB（疑似压缩炸弹），拒绝读取",
                limit / 1024 / 1024
            )));
        }
        self.budget = self.budget.saturating_sub(len);
        String::from_utf8(data).map(Some).map_err(|_| {
            PackageError::damaged(format!("{format} 中的 {name} 不是 UTF-8 编码的 XML"))
        })
    }

    /// The package again: the entries named in `replaced` rewritten with its
    /// text (deflated, their time stamps kept), the names it has that the zip
    /// has not appended (in name order), and every other entry copied as it
    /// was, compressed bytes and all.
    pub fn rewrite<K, V>(&mut self, replaced: &BTreeMap<K, V>) -> Result<Vec<u8>, PackageError>
    where
        K: Borrow<str> + Ord,
        V: AsRef<str>,
    {
        let format = self.format;
        let failed = |e: &dyn std::fmt::Display| {
            PackageError::new(
                PackageErrorKind::Write,
                format!("无法写出批注后的 {format}：{e}"),
            )
        };
        let zip_failed = |e: ZipError| failed(&e);
        let io_failed = |e: std::io::Error| failed(&e);
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        let mut written: BTreeSet<&str> = BTreeSet::new();
        for i in 0..self.zip.len() {
            let file = self.zip.by_index_raw(i).map_err(zip_failed)?;
            let name = file.name().map_err(zip_failed)?.to_string();
            match replaced.get_key_value(name.as_str()) {
                Some((key, text)) => {
                    let options = SimpleFileOptions::default()
                        .compression_method(CompressionMethod::Deflated)
                        .last_modified_time(file.last_modified().unwrap_or_default());
                    drop(file);
                    out.start_file(name.as_str(), options).map_err(zip_failed)?;
                    out.write_all(text.as_ref().as_bytes()).map_err(io_failed)?;
                    written.insert(key.borrow());
                }
                None => out.raw_copy_file(file).map_err(zip_failed)?,
            }
        }
        for (name, text) in replaced
            .iter()
            .filter(|(k, _)| !written.contains((*k).borrow()))
        {
            let options =
                SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            out.start_file(name.borrow(), options).map_err(zip_failed)?;
            out.write_all(text.as_ref().as_bytes()).map_err(io_failed)?;
        }
        Ok(out.finish().map_err(zip_failed)?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        entries: 100,
        entry_bytes: 1 << 20,
        total_bytes: 3 << 19,
        ratio: 200,
        ratio_from_bytes: 0,
    };

    /// A zip of `(name, bytes, method)` entries, all stamped 2024-03-05 06:07:08.
    fn zip_of(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
        let stamp = zip::DateTime::from_date_and_time(2024, 3, 5, 6, 7, 8).unwrap();
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes, method) in entries {
            let options = SimpleFileOptions::default()
                .compression_method(*method)
                .last_modified_time(stamp);
            w.start_file(*name, options).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    /// Each entry's name, method, time stamp, CRC and compressed bytes.
    fn raw_entries(bytes: &[u8]) -> Vec<(String, CompressionMethod, String, u32, Vec<u8>)> {
        let mut zip = ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..zip.len())
            .map(|i| {
                let mut f = zip.by_index_raw(i).unwrap();
                let meta = (
                    f.name().unwrap().to_string(),
                    f.compression(),
                    format!("{:?}", f.last_modified()),
                    f.crc32(),
                );
                let mut raw = Vec::new();
                f.read_to_end(&mut raw).unwrap();
                (meta.0, meta.1, meta.2, meta.3, raw)
            })
            .collect()
    }

    fn sample() -> Vec<u8> {
        zip_of(&[
            (
                "[Content_Types].xml",
                b"<Types></Types>",
                CompressionMethod::Deflated,
            ),
            (
                "word/media/image1.png",
                b"\x89PNG not really",
                CompressionMethod::Stored,
            ),
            (
                "word/document.xml",
                "<w:document>正文</w:document>".as_bytes(),
                CompressionMethod::Deflated,
            ),
            (
                "docProps/app.xml",
                &b"<Properties/>".repeat(50),
                CompressionMethod::Deflated,
            ),
        ])
    }

    #[test]
    fn a_rewrite_keeps_unchanged_entries_byte_identical_and_replaces_changed_ones() {
        let original = sample();
        let mut package = Package::open(&original, "DOCX", LIMITS).unwrap();
        let mut replaced: BTreeMap<&str, &str> = BTreeMap::new();
        replaced.insert("word/document.xml", "<w:document>改过</w:document>");
        replaced.insert("word/comments.xml", "<w:comments/>");
        replaced.insert("[Content_Types].xml", "<Types><Override/></Types>");
        let copy = package.rewrite(&replaced).unwrap();

        let before = raw_entries(&original);
        let after = raw_entries(&copy);
        let names: Vec<&str> = after.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "word/media/image1.png",
                "word/document.xml",
                "docProps/app.xml",
                "word/comments.xml"
            ]
        );
        // Untouched: the same compressed bytes, method, CRC and time stamp.
        assert_eq!(after[1], before[1]);
        assert_eq!(after[3], before[3]);
        assert_eq!(after[1].1, CompressionMethod::Stored);
        // Replaced: deflated, time stamp kept.
        assert_eq!(after[2].1, CompressionMethod::Deflated);
        assert_eq!(after[2].2, before[2].2);
        assert_ne!(after[2].4, before[2].4);

        let mut again = Package::open(&copy, "DOCX", LIMITS).unwrap();
        for (name, text) in &replaced {
            assert_eq!(again.read_text(name).unwrap().as_deref(), Some(*text));
        }
        assert_eq!(
            again.read_text("docProps/app.xml").unwrap(),
            Some("<Properties/>".repeat(50))
        );
    }

    #[test]
    fn a_rewrite_with_nothing_replaced_copies_every_entry() {
        let original = sample();
        let mut package = Package::open(&original, "XLSX", LIMITS).unwrap();
        let copy = package.rewrite(&BTreeMap::<String, String>::new()).unwrap();
        assert_eq!(raw_entries(&copy), raw_entries(&original));
        assert_eq!(package.names().len(), 4);
    }

    #[test]
    fn parts_are_read_as_text_or_missing() {
        let original = sample();
        let mut package = Package::open(&original, "DOCX", LIMITS).unwrap();
        assert_eq!(
            package.read_text("word/document.xml").unwrap().as_deref(),
            Some("<w:document>正文</w:document>")
        );
        assert_eq!(package.read_text("word/numbering.xml").unwrap(), None);
        let err = package.read_text("word/media/image1.png").unwrap_err();
        assert_eq!(err.kind, PackageErrorKind::Damaged);
        assert_eq!(
            err.message,
            "DOCX 中的 word/media/image1.png 不是 UTF-8 编码的 XML"
        );
    }

    #[test]
    fn zip_bombs_are_refused() {
        let spaces = vec![b' '; 4 << 20];
        let bomb = zip_of(&[(
            "xl/worksheets/sheet1.xml",
            &spaces,
            CompressionMethod::Deflated,
        )]);
        let mut package = Package::open(&bomb, "XLSX", LIMITS).unwrap();
        let err = package.read_text("xl/worksheets/sheet1.xml").unwrap_err();
        assert_eq!(err.kind, PackageErrorKind::TooLarge);
        assert!(
            err.message
                .starts_with("XLSX 中的 xl/worksheets/sheet1.xml"),
            "{err}"
        );
        assert!(err.message.contains("压缩炸弹"), "{err}");
        let err = package.check_declared_sizes().unwrap_err();
        assert!(err.message.contains("压缩炸弹"), "{err}");

        // A high ratio alone, under `ratio_from_bytes`, is not refused.
        let small = vec![b' '; 300 << 10];
        let packed = zip_of(&[("a.xml", &small, CompressionMethod::Deflated)]);
        let lenient = Limits {
            ratio_from_bytes: 1 << 20,
            ..LIMITS
        };
        assert!(
            Package::open(&packed, "XLSX", LIMITS)
                .unwrap()
                .read_text("a.xml")
                .is_err()
        );
        let mut package = Package::open(&packed, "XLSX", lenient).unwrap();
        package.check_declared_sizes().unwrap();
        assert_eq!(
            package.read_text("a.xml").unwrap().map(|t| t.len()),
            Some(300 << 10)
        );
    }

    #[test]
    fn the_parts_read_share_one_budget() {
        let part = "x".repeat(600 << 10);
        let bytes = zip_of(&[
            ("a.xml", part.as_bytes(), CompressionMethod::Stored),
            ("b.xml", part.as_bytes(), CompressionMethod::Stored),
            ("c.xml", part.as_bytes(), CompressionMethod::Stored),
        ]);
        let mut package = Package::open(&bytes, "DOCX", LIMITS).unwrap();
        package.check_declared_sizes().unwrap_err();
        assert!(package.read_text("a.xml").unwrap().is_some());
        assert!(package.read_text("b.xml").unwrap().is_some());
        let err = package.read_text("c.xml").unwrap_err();
        assert_eq!(err.kind, PackageErrorKind::TooLarge);
        // A smaller limit for one part.
        let mut package = Package::open(&bytes, "DOCX", LIMITS).unwrap();
        assert!(package.read_text_within("a.xml", 1024).is_err());
    }

    #[test]
    fn what_is_not_a_zip_or_has_too_many_entries_is_refused() {
        let err = Package::open(b"PK\x03\x04 truncated", "DOCX", LIMITS)
            .err()
            .unwrap();
        assert_eq!(err.kind, PackageErrorKind::Damaged);
        assert!(
            err.message.starts_with("DOCX 文件已损坏，无法解压"),
            "{err}"
        );
        let few = Limits {
            entries: 3,
            ..LIMITS
        };
        let err = Package::open(&sample(), "XLSX", few).err().unwrap();
        assert_eq!(err.kind, PackageErrorKind::TooLarge);
        assert_eq!(err.message, "XLSX 中的文件过多（4 个），拒绝读取");
    }
}
