//! Erasure on a data subject's request: a record's personal fields blanked in a new document
//! with no history, so none of the earlier values survives anywhere the document goes (the
//! server's copy and log, every phone's copy, exports). Automerge keeps every value a document
//! ever held, so erasing inside the old document cannot work; the record keeps its id, its kind,
//! its author and its standing, and phones replace their copy instead of merging the old
//! history back.

use crate::document::RecordDoc;
use crate::error::Result;
use crate::model::{AnyRecord, Meta, RecordBody, RecordVisitor};
use automerge::{ActorId, Change};

/// What an erased text field holds (the forms still need a value there).
pub const ERASED: &str = "Đã xoá theo yêu cầu";

/// A record rewritten without its personal data, as one new change.
pub struct Erased {
    pub record: AnyRecord,
    pub doc: RecordDoc,
    pub change: Change,
}

/// The record without its personal fields, in a new document made by `actor`; `None` for a
/// kind with nothing personal to erase.
pub fn erase(record: &AnyRecord, id: &str, meta: &Meta, actor: &ActorId) -> Result<Option<Erased>> {
    struct Rewrite<'a> {
        id: &'a str,
        meta: &'a Meta,
        actor: &'a ActorId,
    }
    impl RecordVisitor for Rewrite<'_> {
        type Output = Result<Option<Erased>>;
        fn visit<T: RecordBody>(self, mut body: T) -> Self::Output {
            if !body.erase_personal() {
                return Ok(None);
            }
            let (doc, change) = RecordDoc::create(self.actor, self.id, self.meta, &body)?;
            Ok(Some(Erased {
                record: body.into(),
                doc,
                change,
            }))
        }
    }
    record.clone().visit(Rewrite { id, meta, actor })
}
