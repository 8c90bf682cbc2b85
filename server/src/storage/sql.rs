//! The little SQL both backends speak, so the storage logic is written once: statements use
//! PostgreSQL's `$1` placeholders (rewritten to `?1` for SQLite), values travel as [`Val`] and
//! rows come back as [`Row`]s with typed getters that fail loudly instead of guessing.

use super::{StorageError, StorageResult};

/// A value bound to a statement or read from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<u64> for Val {
    fn from(v: u64) -> Self {
        Val::Int(v.min(i64::MAX as u64) as i64)
    }
}

impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(v as i64)
    }
}

impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_owned())
    }
}

impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}

impl From<&String> for Val {
    fn from(v: &String) -> Self {
        Val::Text(v.clone())
    }
}

impl From<&[u8]> for Val {
    fn from(v: &[u8]) -> Self {
        Val::Bytes(v.to_vec())
    }
}

impl From<&Vec<u8>> for Val {
    fn from(v: &Vec<u8>) -> Self {
        Val::Bytes(v.clone())
    }
}

impl From<&Option<String>> for Val {
    fn from(v: &Option<String>) -> Self {
        v.as_deref().into()
    }
}

impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

/// Builds an argument list: `args![a, b, c]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { &[$($crate::storage::sql::Val::from($v)),*][..] };
}

/// One row, read by column index.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Val>);

/// Says which column held what sort of value, never the value: a row may hold a name, and
/// storage errors reach the error log.
fn bad(i: usize, what: &str, got: &Val) -> StorageError {
    let sort = match got {
        Val::Null => "null",
        Val::Int(_) => "an integer",
        Val::Text(_) => "text",
        Val::Bytes(_) => "bytes",
    };
    StorageError::Database(format!("column {i}: expected {what}, found {sort}"))
}

impl Row {
    fn at(&self, i: usize) -> StorageResult<&Val> {
        self.0
            .get(i)
            .ok_or_else(|| StorageError::Database(format!("no column {i}")))
    }

    pub fn text(&self, i: usize) -> StorageResult<String> {
        match self.at(i)? {
            Val::Text(s) => Ok(s.clone()),
            other => Err(bad(i, "text", other)),
        }
    }

    pub fn opt_text(&self, i: usize) -> StorageResult<Option<String>> {
        match self.at(i)? {
            Val::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    pub fn int(&self, i: usize) -> StorageResult<i64> {
        match self.at(i)? {
            Val::Int(v) => Ok(*v),
            other => Err(bad(i, "integer", other)),
        }
    }

    pub fn opt_int(&self, i: usize) -> StorageResult<Option<i64>> {
        match self.at(i)? {
            Val::Null => Ok(None),
            _ => self.int(i).map(Some),
        }
    }

    pub fn bytes(&self, i: usize) -> StorageResult<Vec<u8>> {
        match self.at(i)? {
            Val::Bytes(b) => Ok(b.clone()),
            other => Err(bad(i, "bytes", other)),
        }
    }

    /// A comma-joined list column.
    pub fn list(&self, i: usize) -> StorageResult<Vec<String>> {
        Ok(self
            .text(i)?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect())
    }
}

/// A connection inside a transaction, of either backend.
pub trait Sql {
    /// Runs a statement; returns the rows it changed.
    fn exec(&mut self, sql: &str, args: &[Val]) -> StorageResult<u64>;
    fn rows(&mut self, sql: &str, args: &[Val]) -> StorageResult<Vec<Row>>;

    fn row(&mut self, sql: &str, args: &[Val]) -> StorageResult<Option<Row>> {
        Ok(self.rows(sql, args)?.into_iter().next())
    }

    fn one(&mut self, sql: &str, args: &[Val]) -> StorageResult<Row> {
        self.row(sql, args)?
            .ok_or_else(|| StorageError::Database("expected a row".into()))
    }
}

/// `$1` … `$n` placeholders as SQLite's `?1` … `?n` (outside quoted strings).
pub fn sqlite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '$' if !quoted && chars.peek().is_some_and(|d| d.is_ascii_digit()) => out.push('?'),
            _ => out.push(c),
        }
    }
    out
}

/// `$first, $first+1, …` for `n` values, for `IN (…)` lists.
pub fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_strings_only() {
        assert_eq!(
            sqlite_placeholders("SELECT '$1', x FROM t WHERE a = $1 AND b IN ($2, $10)"),
            "SELECT '$1', x FROM t WHERE a = ?1 AND b IN (?2, ?10)"
        );
        assert_eq!(placeholders(3, 2), "$3, $4");
    }
}
