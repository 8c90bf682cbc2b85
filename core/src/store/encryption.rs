//! The phone's store encrypted at rest (SQLCipher): a lost phone gives nobody the households it
//! recorded. The key is 256 random bits that the shell creates once and keeps in the Android
//! Keystore / iOS Keychain and passes at every open; it is used raw (SQLCipher's `x'…'` key), so
//! opening costs no key derivation. A store made before encryption is rewritten encrypted in
//! place on its first keyed open, in a way a kill at any moment cannot lose.

use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};

/// A store key: exactly 32 bytes.
#[derive(Clone)]
pub struct StoreKey([u8; 32]);

impl StoreKey {
    pub fn new(bytes: &[u8]) -> Option<StoreKey> {
        bytes.try_into().ok().map(StoreKey)
    }

    /// A new random key from the system's secure generator (what a shell makes on first
    /// start and keeps wrapped by the Keystore / Keychain).
    pub fn random() -> StoreKey {
        StoreKey(rand::random())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// SQLCipher's raw-key literal.
    fn literal(&self) -> String {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        format!("\"x'{hex}'\"")
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)") // never in a log
    }
}

/// What every SQLite file starts with; an encrypted one starts with random bytes.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the file at `path` is an SQLite database that is not encrypted.
pub fn is_plain(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 16];
    match std::fs::File::open(path) {
        Ok(mut f) => Ok(f.read_exact(&mut head).is_ok() && &head == PLAIN_HEADER),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// How every store is encrypted; part of the file's format, so the same at every open.
/// - No per-page HMAC: it made a save 41% slower (p95, docs/benchmarks.md) for what the page
///   MAC adds on a phone — tamper evidence of the local file — while every record's integrity
///   is already end to end: each Automerge change is named by its hash, checked when loaded, and
///   the server re-checks every change it takes. Confidentiality (AES-256) is unchanged.
/// - No memory wiping of SQLCipher's buffers: costly, and the key lives in the Keystore or
///   Keychain, not in this process's pages for long.
const SETTINGS: &str = "PRAGMA cipher_use_hmac = OFF; PRAGMA cipher_memory_security = OFF;";

/// Keys a fresh connection and proves the key opens the file.
pub(super) fn unlock(conn: &Connection, key: &StoreKey) -> Result<()> {
    conn.execute_batch(&format!("PRAGMA key = {};", key.literal()))?;
    conn.execute_batch(SETTINGS)?;
    // A build without SQLCipher ignores `PRAGMA key` and would store plain text: refuse.
    let cipher: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .optional()?;
    if cipher.is_none() {
        return Err(Error::Corrupt(
            "this build has no encryption (SQLCipher)".into(),
        ));
    }
    check_readable(conn)
}

/// The first read is where SQLite finds out whether the key (or no key) fits.
pub(super) fn check_readable(conn: &Connection) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(f, _))
            if f.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(Error::WrongKey)
        }
        Err(e) => Err(e.into()),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Rewrites a plain store encrypted, in place. The encrypted copy is written beside it, made
/// durable, then renamed over the original in one step: killed before the rename, the plain
/// store is whole and the copy is thrown away on the next open; killed after, the encrypted
/// one is. Nothing is ever half one and half the other.
pub(super) fn encrypt_in_place(path: &Path, key: &StoreKey) -> Result<()> {
    let copy = sibling(path, ".encrypting");
    let _ = std::fs::remove_file(&copy);
    {
        let plain = Connection::open(path)?;
        // Fold the write-ahead log into the file and leave no -wal/-shm beside it: they
        // belong to the plain file and must never meet the encrypted one.
        let _: String = plain.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let at = copy.to_string_lossy().replace('\'', "''");
        // An attached database takes the defaults: the same format as `SETTINGS`.
        plain.execute_batch("PRAGMA cipher_default_use_hmac = OFF;")?;
        plain.execute_batch(&format!(
            "ATTACH DATABASE '{at}' AS encrypted KEY {};
             SELECT sqlcipher_export('encrypted');
             PRAGMA encrypted.user_version = {version};
             DETACH DATABASE encrypted;",
            key.literal()
        ))?;
    }
    std::fs::File::open(&copy)?.sync_all()?;
    std::fs::rename(&copy, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // The rename itself must survive a power cut.
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

/// Throws away the copy of an encryption a kill interrupted (the plain store is still whole).
pub(super) fn discard_interrupted(path: &Path) {
    let _ = std::fs::remove_file(sibling(path, ".encrypting"));
}
