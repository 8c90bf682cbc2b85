//! Change bytes from elsewhere, measured before Automerge expands them.
//!
//! Automerge reads a change by expanding its columns: run-length runs, and for a compressed
//! chunk a whole-body inflate, with no ceiling. A few hundred bytes can describe billions of
//! operations or gigabytes of inflated data. [`inspect`] walks the chunk's header and every
//! column's runs itself, in time proportional to the bytes and never to what they describe, and
//! refuses a chunk that is compressed, larger than its byte limit, or whose columns describe more
//! rows than the operation limit. Only a chunk that passes is handed to Automerge.
//!
//! The layout read here is Automerge's binary format (change chunks, column specifications and
//! the RLE, delta and boolean encodings): <https://automerge.org/automerge-binary-format-spec/>.

use std::fmt;

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED: u8 = 2;

/// Why change bytes were refused before Automerge saw them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    TooLarge {
        max: usize,
    },
    /// A compressed chunk, a compressed column, or a document chunk: the wire carries plain
    /// change chunks only (the request body is deflated as a whole, with a ceiling).
    Compressed,
    TooManyRows {
        max: u64,
    },
    Malformed(&'static str),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::TooLarge { max } => write!(f, "change larger than {max} bytes"),
            Refused::Compressed => f.write_str("compressed change chunks are not accepted"),
            Refused::TooManyRows { max } => write!(f, "change describes more than {max} rows"),
            Refused::Malformed(what) => write!(f, "malformed change: {what}"),
        }
    }
}

/// Parses change bytes that [`inspect`] let through. Automerge panics on some malformed input
/// (found by fuzzing); a panic here is a refusal of those bytes, never a crash of the caller.
pub fn parse(bytes: &[u8]) -> Result<automerge::Change, String> {
    let owned = bytes.to_vec();
    match std::panic::catch_unwind(move || automerge::Change::from_bytes(owned)) {
        Ok(Ok(c)) => Ok(c),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("unreadable change".into()),
    }
}

/// Bytes at the start of every change chunk that the receiver can make again: the magic number
/// and the checksum (the first 4 bytes of the SHA-256 of the rest). A compact pull leaves them
/// out: the checksum never compresses, and a first sync is thousands of small changes. (It
/// guards stored bytes; bytes in transit are guarded by TLS.)
const HEADER_BYTES: usize = 8;

/// The change without its first [`HEADER_BYTES`], when [`with_header`] gives the very same
/// bytes back (`None` otherwise: such a change travels whole).
pub fn without_header(bytes: &[u8]) -> Option<&[u8]> {
    let body = bytes.get(HEADER_BYTES..)?;
    (bytes[..4] == MAGIC && bytes[4..HEADER_BYTES] == checksum(body)).then_some(body)
}

/// Change bytes whole again: as they came when they start with the magic number, else
/// [`without_header`]'s body with its header made again. Automerge checks the checksum again.
pub fn with_header(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if bytes.starts_with(&MAGIC) {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() + HEADER_BYTES);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&checksum(bytes));
    out.extend_from_slice(bytes);
    std::borrow::Cow::Owned(out)
}

fn checksum(body: &[u8]) -> [u8; 4] {
    use sha2::Digest;
    let sum = sha2::Sha256::digest(body);
    [sum[0], sum[1], sum[2], sum[3]]
}

/// The record a change creates: a change without dependencies that sets the document's `id`
/// once, to a UUID. A compact pull names such a record only through its first change.
pub fn created_id(change: &automerge::Change) -> Option<String> {
    use automerge::legacy::{Key, ObjectId, OpType};
    if !change.deps().is_empty() {
        return None;
    }
    let decoded = change.decode();
    let mut ids = decoded.operations.iter().filter(|op| {
        op.obj == ObjectId::Root && matches!(&op.key, Key::Map(k) if k.as_str() == "id")
    });
    let (Some(op), None) = (ids.next(), ids.next()) else {
        return None;
    };
    match &op.action {
        OpType::Put(automerge::ScalarValue::Str(id)) if uuid::Uuid::parse_str(id).is_ok() => {
            Some(id.to_string())
        }
        _ => None,
    }
}

/// What a change's columns describe, counted without expanding them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// The most rows any column holds: an upper bound on the change's operations.
    pub rows: u64,
}

/// Reads the bytes of one change chunk and bounds what they describe. `max_rows` bounds every
/// column's rows and every group's total (an operation's predecessors).
pub fn inspect(bytes: &[u8], max_bytes: usize, max_rows: u64) -> Result<Shape, Refused> {
    if bytes.len() > max_bytes {
        return Err(Refused::TooLarge { max: max_bytes });
    }
    let mut r = Reader::new(bytes);
    if r.take(4)? != MAGIC {
        return Err(Refused::Malformed("magic bytes"));
    }
    r.take(4)?; // checksum: Automerge verifies it
    match r.byte()? {
        CHUNK_CHANGE => {}
        CHUNK_COMPRESSED => return Err(Refused::Compressed),
        _ => return Err(Refused::Malformed("not a change chunk")),
    }
    let len = r.uleb()?;
    if len != r.remaining() as u64 {
        return Err(Refused::Malformed("chunk length"));
    }
    // Dependencies, actor, sequence, first operation, time, message, other actors.
    let deps = r.count(32)?;
    r.take(deps * 32)?;
    r.prefixed_bytes()?;
    r.uleb()?;
    let start_op = r.uleb()?;
    if start_op == 0 || start_op > u32::MAX as u64 {
        return Err(Refused::Malformed("start operation"));
    }
    r.sleb()?;
    r.prefixed_bytes()?;
    let others = r.count(1)?;
    for _ in 0..others {
        r.prefixed_bytes()?;
    }
    // Column specifications, then their data, back to back.
    let ncols = r.count(2)?;
    let mut cols = Vec::with_capacity(ncols);
    let mut total = 0usize;
    for _ in 0..ncols {
        let spec = r.uleb()?;
        let len = r.uleb()?;
        let spec = u32::try_from(spec).map_err(|_| Refused::Malformed("column spec"))?;
        let len = usize::try_from(len).map_err(|_| Refused::Malformed("column length"))?;
        total = total
            .checked_add(len)
            .filter(|t| *t <= r.remaining())
            .ok_or(Refused::Malformed("column lengths"))?;
        cols.push((spec, len));
    }
    let mut shape = Shape::default();
    for (spec, len) in cols {
        let data = r.take(len)?;
        if spec & 0b1000 != 0 {
            return Err(Refused::Compressed);
        }
        let (rows, group_total) = column_rows(spec & 0b111, data, max_rows)?;
        if rows > max_rows || group_total > max_rows {
            return Err(Refused::TooManyRows { max: max_rows });
        }
        shape.rows = shape.rows.max(rows).max(group_total);
    }
    Ok(shape)
}

/// Rows one column holds and, for a group column, the sum of its values (the rows of the
/// columns grouped under it). Stops as soon as either passes `max`. Counters and actor indexes
/// must fit the 32 bits Automerge keeps them in (it panics on larger ones), so integer columns'
/// values and delta columns' running sums are bounded too.
fn column_rows(col_type: u32, data: &[u8], max: u64) -> Result<(u64, u64), Refused> {
    let mut r = Reader::new(data);
    let mut rows = 0u64;
    let mut sum = 0u64;
    let over = |n: u64| n > max;
    let too_big = || Refused::Malformed("counter or index larger than 32 bits");
    match col_type {
        // Booleans: alternating run lengths, false first.
        4 => {
            while r.remaining() > 0 {
                rows = rows.saturating_add(r.uleb()?);
                if over(rows) {
                    break;
                }
            }
        }
        // Raw values: their lengths live in the metadata column, already counted.
        7 => {}
        // Delta: run-length encoded steps; the running total is each row's value.
        3 => {
            let mut total = 0i64;
            let in_range = |t: i64| (0..=u32::MAX as i64).contains(&t);
            while r.remaining() > 0 && !over(rows) {
                let count = r.sleb()?;
                if count > 0 {
                    let step = r.sleb()?;
                    total = step
                        .checked_mul(count)
                        .and_then(|d| total.checked_add(d))
                        .ok_or_else(too_big)?;
                    rows = rows.saturating_add(count as u64);
                } else if count < 0 {
                    for _ in 0..count.unsigned_abs().min(max.saturating_add(1)) {
                        total = total.checked_add(r.sleb()?).ok_or_else(too_big)?;
                        if !in_range(total) {
                            return Err(too_big());
                        }
                        rows = rows.saturating_add(1);
                    }
                } else {
                    rows = rows.saturating_add(r.uleb()?);
                }
                if !in_range(total) {
                    return Err(too_big());
                }
            }
        }
        // Group, actor, integer, string, value metadata: run-length encoded.
        t => {
            let is_group = t == 0;
            let bounded = matches!(t, 1 | 2);
            let value = |r: &mut Reader| -> Result<u64, Refused> {
                let v = r.rle_value(t)?;
                if bounded && v > u32::MAX as u64 {
                    return Err(too_big());
                }
                Ok(v)
            };
            while r.remaining() > 0 && !over(rows) && !over(sum) {
                let count = r.sleb()?;
                if count > 0 {
                    let v = value(&mut r)?;
                    rows = rows.saturating_add(count as u64);
                    if is_group {
                        sum = sum.saturating_add(v.saturating_mul(count as u64));
                    }
                } else if count < 0 {
                    for _ in 0..count.unsigned_abs() {
                        let v = value(&mut r)?;
                        rows = rows.saturating_add(1);
                        sum = sum.saturating_add(if is_group { v } else { 0 });
                        if over(rows) || over(sum) {
                            break;
                        }
                    }
                } else {
                    rows = rows.saturating_add(r.uleb()?);
                }
            }
        }
    }
    Ok((rows, sum))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Refused> {
        if n > self.remaining() {
            return Err(Refused::Malformed("truncated"));
        }
        let out = &self.bytes[self.at..self.at + n];
        self.at += n;
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8, Refused> {
        Ok(self.take(1)?[0])
    }

    fn uleb(&mut self) -> Result<u64, Refused> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let bits = (b & 0x7f) as u64;
            if shift == 63 && bits > 1 {
                return Err(Refused::Malformed("integer overflow"));
            }
            value |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Refused::Malformed("integer too long"))
    }

    fn sleb(&mut self) -> Result<i64, Refused> {
        let mut value = 0i64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            if shift >= 64 {
                return Err(Refused::Malformed("integer too long"));
            }
            value |= ((b & 0x7f) as i64) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Ok(value);
            }
        }
    }

    /// A count of items each at least `item_bytes` long: never more than the bytes left could
    /// hold, so no count can make anyone reserve memory for items that are not there.
    fn count(&mut self, item_bytes: usize) -> Result<usize, Refused> {
        let n = self.uleb()?;
        if n > (self.remaining() / item_bytes.max(1)) as u64 {
            return Err(Refused::Malformed("count larger than the bytes"));
        }
        Ok(n as usize)
    }

    fn prefixed_bytes(&mut self) -> Result<&'a [u8], Refused> {
        let n = self.count(1)?;
        self.take(n)
    }

    /// One value of a run-length encoded column; its number where it has one.
    fn rle_value(&mut self, col_type: u32) -> Result<u64, Refused> {
        match col_type {
            3 => self.sleb().map(|_| 0),
            5 => self.prefixed_bytes().map(|_| 0),
            _ => self.uleb(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    fn a_change(n: usize) -> Vec<u8> {
        let mut doc = automerge::Automerge::new();
        let mut tx = doc.transaction();
        for i in 0..n {
            tx.put(automerge::ROOT, format!("k{i}"), i as i64).unwrap();
        }
        tx.commit();
        doc.get_last_local_change().unwrap().raw_bytes().to_vec()
    }

    fn uleb(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    /// A change chunk whose only column is an RLE run claiming `rows` rows in a few bytes.
    fn run_bomb(rows: u64) -> Vec<u8> {
        let mut body = vec![0u8]; // no dependencies
        body.extend([1, 0xab]); // actor: one byte
        body.extend([1, 1, 0, 0, 0]); // seq 1, start op 1, time 0, no message, no other actors
        let mut col = vec![];
        // sLEB count: a run of `rows` (positive) of the value 1.
        let mut v = rows as i64;
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0) {
                col.push(b);
                break;
            }
            col.push(b | 0x80);
        }
        col.push(1);
        body.push(1); // one column
        uleb((1 << 4) | 2, &mut body); // id 1, integer
        uleb(col.len() as u64, &mut body);
        body.extend(col);
        let mut chunk = MAGIC.to_vec();
        chunk.extend([0, 0, 0, 0, CHUNK_CHANGE]);
        uleb(body.len() as u64, &mut chunk);
        chunk.extend(body);
        chunk
    }

    #[test]
    fn real_changes_pass_with_their_operation_count() {
        let bytes = a_change(25);
        let shape = inspect(&bytes, 1 << 20, 10_000).unwrap();
        assert_eq!(shape.rows, 25);
        // Unbounded, as the phone measures its own outbox.
        assert_eq!(inspect(&bytes, usize::MAX, u64::MAX).unwrap().rows, 25);
        automerge::Change::from_bytes(bytes).unwrap();
    }

    #[test]
    fn a_run_claiming_billions_of_rows_is_refused_without_expanding_it() {
        let bomb = run_bomb(4_000_000_000);
        assert!(bomb.len() < 64);
        let started = std::time::Instant::now();
        assert_eq!(
            inspect(&bomb, 1 << 20, 10_000),
            Err(Refused::TooManyRows { max: 10_000 })
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(inspect(&run_bomb(500), 1 << 20, 10_000).is_ok());
    }

    #[test]
    fn compressed_large_and_broken_chunks_are_refused() {
        let mut doc = automerge::Automerge::new();
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "note", "x".repeat(5000)).unwrap();
        tx.commit();
        let mut change = doc.get_last_local_change().unwrap().clone();
        let compressed = change.bytes().to_vec();
        assert_eq!(compressed[8], CHUNK_COMPRESSED);
        assert_eq!(
            inspect(&compressed, 1 << 20, 10_000),
            Err(Refused::Compressed)
        );
        let plain = a_change(3);
        assert_eq!(
            inspect(&plain, 10, 10_000),
            Err(Refused::TooLarge { max: 10 })
        );
        for cut in 0..plain.len() {
            assert!(inspect(&plain[..cut], 1 << 20, 10_000).is_err());
        }
        let mut trailing = plain.clone();
        trailing.push(0);
        assert!(inspect(&trailing, 1 << 20, 10_000).is_err());
    }
}
