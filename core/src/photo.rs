//! Photos as evidence (cleanups before and after, black spots, collection points): scaled down
//! and re-encoded on the phone before they are stored, so a 12 MP camera photo becomes a JPEG of
//! a few hundred kilobytes that a 2G link can carry, and named by the SHA-256 of those bytes so
//! records can reference them before they are uploaded and nothing is ever sent twice.
//!
//! Re-encoding also drops the camera's EXIF block (with its GPS position and device serial):
//! where a record is belongs in the record, where a reviewer can see and correct it.

use image::{DynamicImage, ImageDecoder, ImageReader};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// How photos are prepared on the device.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PhotoSettings {
    /// The longest edge after scaling, in pixels. 1600 keeps a banner's text and a pile of
    /// waste readable on a reviewer's screen.
    pub max_edge: u32,
    /// JPEG quality, 1–100.
    pub quality: u8,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings {
            max_edge: 1600,
            quality: 75,
        }
    }
}

/// The largest photo file accepted for preparing (a camera's 12–50 MP JPEG is 3–15 MB).
pub const MAX_SOURCE_BYTES: usize = 40 * 1024 * 1024;
/// The largest prepared photo the server accepts. A prepared photo is far smaller; the bound
/// keeps a bad client from filling the disk.
pub const MAX_PHOTO_BYTES: u64 = 4 * 1024 * 1024;
/// Decoding refuses images beyond this many pixels (a decompression bomb).
const MAX_PIXELS: u64 = 100_000_000;

/// A prepared photo: JPEG bytes and their name.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub sha256: String,
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error(
        "tệp không phải ảnh JPEG/PNG đọc được / the file is not a readable JPEG or PNG image: {0}"
    )]
    Unreadable(String),
    #[error("ảnh quá lớn / the image is too large")]
    TooLarge,
    #[error("cài đặt ảnh không hợp lệ / invalid photo settings")]
    BadSettings,
}

impl PhotoError {
    pub fn message(&self) -> crate::i18n::Message {
        use crate::i18n::Message;
        match self {
            PhotoError::Unreadable(_) => Message::new(
                "Tệp không phải ảnh JPEG hoặc PNG đọc được",
                "The file is not a readable JPEG or PNG image",
            ),
            PhotoError::TooLarge => Message::new(
                "Ảnh quá lớn (tối đa 40 MB, 100 triệu điểm ảnh)",
                "The image is too large (at most 40 MB, 100 megapixels)",
            ),
            PhotoError::BadSettings => Message::new(
                "Cài đặt ảnh không hợp lệ (cạnh dài 64–2048 điểm ảnh, chất lượng 1–100)",
                "Invalid photo settings (longest edge 64–2048 px, quality 1–100)",
            ),
        }
    }
}

/// The SHA-256 of bytes, as lowercase hex: how photos are named everywhere.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether bytes look like a JPEG (what every prepared photo is), from their first bytes.
pub fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

/// The largest edge a received photo may have: phones send 1600 px; anything larger was not
/// prepared by the app. The server decodes every photo it completes, and decoding costs what
/// the pixels declare: fuzzing found a 791-byte JPEG declaring 3584 × 2576 that took 650 ms at
/// the former 4096 cap; at 2048 the worst case is under half of that.
pub const MAX_RECEIVED_EDGE: u32 = 2048;

/// How much of a photo the server holds for one device's upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoHeld {
    Nothing,
    /// This device's upload in progress: bytes received so far (contiguous from 0), of `total`.
    Partial {
        received: u64,
        total: u64,
    },
    /// The photo is kept for the device's commune.
    Complete {
        size: u64,
    },
}

/// Why a part of a photo upload is not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartRefused {
    /// The offset or declared size is impossible (0 bytes, over [`MAX_PHOTO_BYTES`], an offset
    /// at or past the end, bytes past the declared size).
    BadRange,
    /// The part does not continue what is held: ask where to resume.
    Elsewhere(PhotoHeld),
}

/// Whether `len` bytes at `offset` of a photo of `total` bytes continue what is held: the one
/// rule of resumable uploads, for the server's handler, its storage and the fuzzer.
pub fn check_part(held: PhotoHeld, offset: u64, total: u64, len: u64) -> Result<(), PartRefused> {
    if total == 0 || total > MAX_PHOTO_BYTES || offset >= total || len > total - offset {
        return Err(PartRefused::BadRange);
    }
    let continues = match held {
        PhotoHeld::Nothing => offset == 0,
        PhotoHeld::Partial { received, total: t } => received == offset && t == total,
        PhotoHeld::Complete { .. } => false,
    };
    if continues {
        Ok(())
    } else {
        Err(PartRefused::Elsewhere(held))
    }
}

/// Whether the bytes of a finished upload are the photo they claim to be: the declared size,
/// the SHA-256 of its name, and a whole JPEG.
pub fn check_finished(bytes: &[u8], total: u64, sha256: &str) -> bool {
    bytes.len() as u64 == total && sha256_hex(bytes) == sha256 && is_whole_jpeg(bytes)
}

/// Whether bytes are a whole JPEG image of a sensible size: decoded in full, with a memory
/// ceiling, so what the server keeps and serves as `image/jpeg` is one.
pub fn is_whole_jpeg(bytes: &[u8]) -> bool {
    if !is_jpeg(bytes) {
        return false;
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), image::ImageFormat::Jpeg);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_RECEIVED_EDGE);
    limits.max_image_height = Some(MAX_RECEIVED_EDGE);
    limits.max_alloc = Some(64 << 20);
    reader.limits(limits);
    reader.decode().is_ok()
}

/// Decodes a camera photo, turns it upright (EXIF orientation), scales its longest edge down
/// to `max_edge` and encodes it as a JPEG without metadata.
pub fn prepare(source: &[u8], settings: PhotoSettings) -> Result<Prepared, PhotoError> {
    // Never a photo the server would refuse.
    if !(64..=MAX_RECEIVED_EDGE).contains(&settings.max_edge)
        || !(1..=100).contains(&settings.quality)
    {
        return Err(PhotoError::BadSettings);
    }
    if source.len() > MAX_SOURCE_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let bad = |e: image::ImageError| PhotoError::Unreadable(e.to_string());
    let mut decoder = ImageReader::new(Cursor::new(source))
        .with_guessed_format()
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?
        .into_decoder()
        .map_err(bad)?;
    let (w, h) = decoder.dimensions();
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(PhotoError::TooLarge);
    }
    let orientation = decoder.orientation().map_err(bad)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(bad)?;
    img.apply_orientation(orientation);
    let longest = img.width().max(img.height());
    if longest > settings.max_edge {
        // Triangle (bilinear) is quick on a cheap phone and, scaling down by 2–3×, as sharp
        // to the eye as Lanczos.
        img = img.resize(
            settings.max_edge,
            settings.max_edge,
            image::imageops::FilterType::Triangle,
        );
    }
    let rgb = img.into_rgb8();
    let mut jpeg = vec![];
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, settings.quality)
        .encode_image(&rgb)
        .map_err(bad)?;
    Ok(Prepared {
        sha256: sha256_hex(&jpeg),
        width: rgb.width(),
        height: rgb.height(),
        jpeg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_larger_than_phones_make_is_refused_and_never_made() {
        assert!(is_whole_jpeg(&photo(MAX_RECEIVED_EDGE, 8)));
        assert!(!is_whole_jpeg(&photo(MAX_RECEIVED_EDGE + 1, 8)));
        // 791 bytes declaring a camera-sized image (found by fuzzing; its decode cost 650 ms
        // under the former cap): refused by the size limit, before any pixel is decoded.
        let input = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fuzz/regressions/photo_upload/slow-declares-3584x2576"
        ))
        .expect("the regression input");
        let parts = usize::from(input[0] % 16) + 1;
        let jpeg = &input[1 + 2 * parts..];
        assert!(is_jpeg(jpeg) && !is_whole_jpeg(jpeg));
        let settings = PhotoSettings {
            max_edge: MAX_RECEIVED_EDGE + 1,
            ..PhotoSettings::default()
        };
        assert!(prepare(&photo(64, 48), settings).is_err());
    }

    #[test]
    fn only_whole_jpegs_pass_the_received_check() {
        let jpeg = photo(64, 48);
        assert!(is_whole_jpeg(&jpeg));
        // JPEG magic then anything else: what a 3-byte check let through.
        let mut fake = vec![0xFF, 0xD8, 0xFF];
        fake.extend(b"<script>alert(1)</script>");
        assert!(is_jpeg(&fake) && !is_whole_jpeg(&fake));
        assert!(!is_whole_jpeg(&jpeg[..jpeg.len() / 2]));
    }

    fn photo(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let mut out = vec![];
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn a_large_photo_is_scaled_to_the_longest_edge_and_named_by_its_bytes() {
        let p = prepare(&photo(3000, 2000), PhotoSettings::default()).unwrap();
        assert_eq!((p.width, p.height), (1600, 1067));
        assert!(is_jpeg(&p.jpeg));
        assert_eq!(p.sha256, sha256_hex(&p.jpeg));
        // Preparing the same photo again gives the same name: no duplicate upload.
        let again = prepare(&photo(3000, 2000), PhotoSettings::default()).unwrap();
        assert_eq!(again.sha256, p.sha256);
    }

    #[test]
    fn a_small_photo_keeps_its_size_and_garbage_is_refused() {
        let p = prepare(&photo(640, 480), PhotoSettings::default()).unwrap();
        assert_eq!((p.width, p.height), (640, 480));
        assert!(matches!(
            prepare(b"not an image at all", PhotoSettings::default()),
            Err(PhotoError::Unreadable(_))
        ));
        assert!(matches!(
            prepare(
                &photo(64, 64),
                PhotoSettings {
                    max_edge: 1600,
                    quality: 0
                }
            ),
            Err(PhotoError::BadSettings)
        ));
    }
}
