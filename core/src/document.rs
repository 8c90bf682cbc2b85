//! One record as one Automerge document:
//! `{ kind, id, meta: { author, created_at, state }, data: { …the kind's fields… } }`.
//! This module is the only place that knows that layout.

use crate::error::{Error, Result};
use crate::model::{AnyRecord, Lifecycle, Meta, RecordBody, RecordKind};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, Change, ChangeHash, ObjType, ReadDoc, Value, ROOT};
use serde::Serialize;

/// Two or more values kept for one field because devices set it concurrently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Conflict {
    /// The field's path, e.g. `data.members`.
    pub field: String,
    /// Every value, as text, the winner Automerge shows by default first.
    pub values: Vec<String>,
}

pub struct RecordDoc {
    doc: Automerge,
}

/// Hex change hashes, sorted: the form heads take in projections, reviews and the wire.
pub fn heads_to_hex(heads: &[ChangeHash]) -> Vec<String> {
    let mut v: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
    v.sort();
    v
}

impl RecordDoc {
    /// Makes a new record document and its first change.
    pub fn create<T: RecordBody>(
        actor: &ActorId,
        id: &str,
        meta: &Meta,
        body: &T,
    ) -> Result<(Self, Change)> {
        let mut doc = Automerge::new().with_actor(actor.clone());
        let mut tx = doc.transaction();
        tx.put(ROOT, "kind", T::KIND.as_str())?;
        tx.put(ROOT, "id", id)?;
        autosurgeon::reconcile_prop(&mut tx, ROOT, "meta", meta)?;
        let data = tx.put_object(ROOT, "data", ObjType::Map)?;
        body.write_changed(None, &[], &mut tx, &data)?;
        tx.commit_with(CommitOptions::default().with_time(meta.created_at / 1000));
        let mut rd = RecordDoc { doc };
        let change = rd.last_local_change()?;
        Ok((rd, change))
    }

    /// Loads a document from its stored chunks (a snapshot and incremental changes). Changes whose
    /// dependencies have not arrived yet wait inside the document until they do.
    pub fn load<'a>(chunks: impl IntoIterator<Item = &'a [u8]>, actor: &ActorId) -> Result<Self> {
        let mut doc = Automerge::new().with_actor(actor.clone());
        for chunk in chunks {
            // As in `apply`: a chunk automerge panics on is a corrupt chunk.
            let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                doc.load_incremental(chunk)
            }));
            match loaded {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => return Err(Error::Corrupt(e.to_string())),
                Err(_) => return Err(Error::Corrupt("a chunk automerge cannot read".into())),
            }
        }
        Ok(RecordDoc { doc })
    }

    /// An independent copy to try changes on (the server checks a push on a fork).
    pub fn fork(&self) -> RecordDoc {
        RecordDoc {
            doc: self.doc.fork(),
        }
    }

    pub fn automerge(&self) -> &Automerge {
        &self.doc
    }

    pub fn kind(&self) -> Option<RecordKind> {
        match self.doc.get(ROOT, "kind").ok()?? {
            (Value::Scalar(s), _) => s.as_str().and_then(RecordKind::parse),
            _ => None,
        }
    }

    /// Whether the creating change has arrived: a document made only of later changes waiting
    /// for their dependencies has nothing to show yet.
    pub fn is_complete(&self) -> bool {
        self.kind().is_some() && self.doc.get_missing_deps(&[]).is_empty()
    }

    /// Whether some changes wait for dependencies that have not arrived.
    pub fn has_missing_deps(&self) -> bool {
        !self.doc.get_missing_deps(&[]).is_empty()
    }

    pub fn meta(&self) -> Result<Meta> {
        Ok(autosurgeon::hydrate_prop(&self.doc, ROOT, "meta")?)
    }

    pub fn body<T: RecordBody>(&self) -> Result<T> {
        Ok(autosurgeon::hydrate_prop(&self.doc, ROOT, "data")?)
    }

    pub fn record(&self) -> Result<AnyRecord> {
        let kind = self
            .kind()
            .ok_or_else(|| Error::Corrupt("document has no kind".into()))?;
        Ok(AnyRecord::hydrate_from(kind, &self.doc)?)
    }

    /// The id a document's creating change (`first`, without dependencies) gave it, read as of
    /// that change: later changes cannot rename a record.
    pub fn created_id(&self, first: &ChangeHash) -> Option<String> {
        match self.doc.get_at(ROOT, "id", &[*first]) {
            Ok(Some((Value::Scalar(s), _))) => s
                .as_str()
                .filter(|id| uuid::Uuid::parse_str(id).is_ok())
                .map(str::to_owned),
            _ => None,
        }
    }

    pub fn heads(&self) -> Vec<String> {
        heads_to_hex(&self.doc.get_heads())
    }

    /// Writes an edit as one change: only the fields that differ, plus the `force`d ones (a
    /// person's choice in a conflict), are written. Returns `None` when nothing changed (no
    /// empty change is made).
    pub fn edit<T: RecordBody>(
        &mut self,
        old: &T,
        new: &T,
        force: &[String],
        state: Option<Lifecycle>,
        time_ms: i64,
    ) -> Result<Option<Change>> {
        let mut tx = self.doc.transaction();
        let data = match tx.get(ROOT, "data")? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => return Err(Error::Corrupt("document has no data map".into())),
        };
        new.write_changed(Some(old), force, &mut tx, &data)?;
        if let Some(state) = state {
            let meta = match tx.get(ROOT, "meta")? {
                Some((Value::Object(ObjType::Map), id)) => id,
                _ => return Err(Error::Corrupt("document has no meta map".into())),
            };
            autosurgeon::reconcile_prop(&mut tx, &meta, "state", state)?;
        }
        if tx.pending_ops() == 0 {
            tx.rollback();
            return Ok(None);
        }
        tx.commit_with(CommitOptions::default().with_time(time_ms / 1000));
        self.last_local_change().map(Some)
    }

    fn last_local_change(&mut self) -> Result<Change> {
        self.doc
            .get_last_local_change()
            .ok_or_else(|| Error::Corrupt("commit produced no change".into()))
    }

    /// Applies changes received from elsewhere. Returns how many were new to this document.
    pub fn apply(&mut self, changes: Vec<Change>) -> Result<usize> {
        let fresh: Vec<Change> = changes
            .into_iter()
            .filter(|c| self.doc.get_change_by_hash(&c.hash()).is_none())
            .collect();
        let n = fresh.len();
        // Automerge 0.12 can panic on changes that decode but do not fit the document (found by
        // fuzzing: an op naming an object missing from its index). They are applied to a copy,
        // so a panic is a refusal of those changes and the document stays as it was.
        let mut copy = self.doc.clone();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            copy.apply_changes(fresh).map(|()| copy)
        })) {
            Ok(Ok(copy)) => self.doc = copy,
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => return Err(Error::Corrupt("changes that do not fit the record".into())),
        }
        Ok(n)
    }

    /// The whole document saved, and proven to load again as the same version. Automerge 0.12
    /// can save a document that applied a crafted change into bytes that no longer load
    /// ("mismatching heads", found by fuzzing the server's push check): the server stores only
    /// what passes, and refuses the change otherwise.
    pub fn save_checked(&self) -> Result<Vec<u8>> {
        let saved = self.save();
        let heads = self.heads();
        let reloaded = std::panic::catch_unwind(|| {
            RecordDoc::load([saved.as_slice()], &ActorId::random()).map(|d| d.heads())
        });
        match reloaded {
            Ok(Ok(h)) if h == heads => Ok(saved),
            _ => Err(Error::Corrupt(
                "the record does not save into a document that loads again".into(),
            )),
        }
    }

    /// The whole document in Automerge's standard format, keeping changes still waiting for
    /// their dependencies so compaction never drops them.
    pub fn save(&self) -> Vec<u8> {
        self.doc.save_with_options(automerge::SaveOptions {
            retain_orphans: true,
            ..Default::default()
        })
    }

    /// The fields one change (by hex hash) set or removed, as paths like `data.members`: what a
    /// reviewer reads in a record's history.
    pub fn fields_changed_by(&self, hash: &str) -> Vec<String> {
        let Ok(h) = hash.parse::<ChangeHash>() else {
            return vec![];
        };
        let Some(change) = self.doc.get_change_by_hash(&h) else {
            return vec![];
        };
        let mut fields = std::collections::BTreeSet::new();
        for patch in self.doc.diff(change.deps(), &[h]) {
            let mut path: Vec<String> = patch
                .path
                .iter()
                .map(|(_, prop)| match prop {
                    automerge::Prop::Map(k) => k.clone(),
                    automerge::Prop::Seq(i) => i.to_string(),
                })
                .collect();
            match &patch.action {
                automerge::PatchAction::PutMap { key, .. }
                | automerge::PatchAction::DeleteMap { key } => path.push(key.clone()),
                _ => {}
            }
            // Lists and nested values are named by their field, not by every element.
            path.truncate(2);
            fields.insert(path.join("."));
        }
        fields.into_iter().collect()
    }

    /// Paths the document holds beyond its typed record (and an `id` other than `id`): what a
    /// hostile writer added that the record's type never reads, and that would otherwise be
    /// stored and sent on to every phone unchecked.
    pub fn unknown_fields(&self, id: &str) -> Result<Vec<String>> {
        let record = self.record()?;
        let meta = self.meta()?;
        let to_json =
            |v: serde_json::Result<serde_json::Value>| v.map_err(|e| Error::Corrupt(e.to_string()));
        let expected = serde_json::json!({
            "kind": record.kind().as_str(),
            "id": id,
            "meta": to_json(serde_json::to_value(&meta))?,
            "data": to_json(serde_json::to_value(&record))?["data"].clone(),
        });
        let actual = self.to_json(&ROOT);
        let mut out = vec![];
        extra_keys(&actual, &expected, "", &mut out);
        if actual.get("id") != expected.get("id") {
            out.push("id".into());
        }
        Ok(out)
    }

    /// Fields holding more than one value after concurrent edits.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out = vec![];
        // Values conflict only where edits were concurrent. A history with one head in which
        // no change has two parents is one chain: nothing in it was concurrent. Walking every
        // field is a good part of applying a pulled record, and most records are such chains.
        if self.doc.get_heads().len() <= 1
            && self
                .doc
                .get_changes_meta(&[])
                .iter()
                .all(|c| c.deps.len() <= 1)
        {
            return out;
        }
        for top in ["meta", "data"] {
            if let Ok(Some((Value::Object(ObjType::Map), obj))) = self.doc.get(ROOT, top) {
                self.collect_conflicts(&obj, top.to_owned(), &mut out);
            }
        }
        out
    }

    fn collect_conflicts(&self, obj: &automerge::ObjId, path: String, out: &mut Vec<Conflict>) {
        for key in self.doc.keys(obj) {
            let field = format!("{path}.{key}");
            let values = self.doc.get_all(obj, key.as_str()).unwrap_or_default();
            if values.len() > 1 {
                out.push(Conflict {
                    field,
                    values: values.iter().map(|(v, o)| self.display(v, o)).collect(),
                });
            } else if let Some((Value::Object(ObjType::Map), child)) = values.into_iter().next() {
                self.collect_conflicts(&child, field, out);
            }
        }
    }

    fn display(&self, v: &Value, obj: &automerge::ObjId) -> String {
        match v {
            Value::Scalar(s) => match s.as_str() {
                Some(t) => t.to_owned(),
                None => s.to_string(),
            },
            Value::Object(_) => self.to_json(obj).to_string(),
        }
    }

    /// An object's current value as JSON, to show a conflicting place or list to a reviewer.
    fn to_json(&self, obj: &automerge::ObjId) -> serde_json::Value {
        let item = |v: Value, id: automerge::ObjId| match v {
            Value::Scalar(s) => serde_json::to_value(s.as_ref()).unwrap_or_default(),
            Value::Object(_) => self.to_json(&id),
        };
        match self.doc.object_type(obj) {
            Ok(ObjType::List) => (0..self.doc.length(obj))
                .filter_map(|i| self.doc.get(obj, i).ok().flatten())
                .map(|(v, id)| item(v, id))
                .collect(),
            Ok(ObjType::Map) => self
                .doc
                .keys(obj)
                .filter_map(|k| {
                    let (v, id) = self.doc.get(obj, k.as_str()).ok().flatten()?;
                    Some((k, item(v, id)))
                })
                .collect::<serde_json::Map<_, _>>()
                .into(),
            _ => serde_json::Value::Null,
        }
    }
}

/// Collects the paths of `actual` that `expected` has no place for.
fn extra_keys(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    path: &str,
    out: &mut Vec<String>,
) {
    use serde_json::Value::{Array, Object};
    let at = |k: &str| {
        if path.is_empty() {
            k.to_owned()
        } else {
            format!("{path}.{k}")
        }
    };
    match (actual, expected) {
        (Object(a), Object(e)) => {
            for (k, v) in a {
                match e.get(k) {
                    Some(ev) => extra_keys(v, ev, &at(k), out),
                    None => out.push(at(k)),
                }
            }
        }
        (Array(a), Array(e)) if a.len() == e.len() => {
            for (i, (v, ev)) in a.iter().zip(e).enumerate() {
                extra_keys(v, ev, &at(&i.to_string()), out);
            }
        }
        (Object(_) | Array(_), _) => out.push(path.to_owned()),
        _ => {}
    }
}

/// Parses change bytes received from elsewhere. A change is self-describing and hashed, so a
/// damaged one is caught here before it reaches any document; its size is measured first, so a
/// hostile one cannot make Automerge expand it without bound.
pub fn parse_changes(chunks: &[Vec<u8>]) -> Result<Vec<Change>> {
    let limits = crate::sync::protocol::Limits::default();
    chunks
        .iter()
        .map(|b| {
            crate::sync::change_bytes::inspect(
                b,
                limits.max_change_bytes,
                limits.max_ops_per_change as u64,
            )
            .map_err(|e| Error::BadChange(e.to_string()))?;
            crate::sync::change_bytes::parse(b).map_err(Error::BadChange)
        })
        .collect()
}
