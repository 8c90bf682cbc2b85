//! Forms on the phone: a new record's or a stored record's form, checked as the person types,
//! saved as a new draft or an edit. The kind is a value here; each kind's module supplies its
//! fields and rules through the registry.

use super::Store;
use crate::error::{Error, FieldError, Invalid, Result};
use crate::form::{self, FieldInput, FormState};
use crate::model::{AnyRecord, Draft, KindVisitor, RecordBody, RecordKind};

/// What saving a form did: the saved record's id, or the form with its problems.
#[derive(Debug, Clone, PartialEq)]
pub enum Saved {
    Record(String),
    /// Boxed: a form is large and the saved id is the common case.
    Problems(Box<FormState>),
}

impl Store {
    /// What a new record starts as, recorded by this phone's person in `area_id`.
    pub fn draft(&self, area_id: &str) -> Draft {
        Draft {
            person_id: self.person().unwrap_or_default().to_owned(),
            area_id: area_id.to_owned(),
            today: Some(self.today()),
        }
    }

    /// A new record's form.
    pub fn new_form(&self, kind: RecordKind, area_id: &str) -> FormState {
        let record = kind.draft(&self.draft(area_id));
        kind.visit(Show {
            values: record.body().values(),
            problems: vec![],
        })
    }

    /// A stored record's form, as it stands.
    pub fn form(&self, id: &str) -> Result<FormState> {
        Ok(form::state_of(&self.record(id)?))
    }

    /// What the person typed, read and checked without saving: the form with every problem
    /// under its field.
    pub fn check_form(
        &self,
        kind: RecordKind,
        id: Option<&str>,
        area_id: &str,
        values: &[FieldInput],
    ) -> Result<FormState> {
        let base = self.base(kind, id, area_id)?;
        Ok(kind
            .visit(Read {
                store: self,
                base,
                values,
            })?
            .err()
            .unwrap_or_else(|| {
                kind.visit(Show {
                    values: values.to_vec(),
                    problems: vec![],
                })
            }))
    }

    /// Saves a form: a new draft when `id` is `None`, else an edit of that record.
    pub fn save_form(
        &mut self,
        kind: RecordKind,
        id: Option<&str>,
        area_id: &str,
        values: &[FieldInput],
    ) -> Result<Saved> {
        let base = self.base(kind, id, area_id)?;
        let record = match kind.visit(Read {
            store: self,
            base,
            values,
        })? {
            Ok(record) => record,
            Err(form) => return Ok(Saved::Problems(Box::new(form))),
        };
        let saved = match id {
            None => self.create_any(record),
            Some(id) => self.update_any(id, record).map(|()| id.to_owned()),
        };
        match saved {
            Ok(id) => Ok(Saved::Record(id)),
            // Rules that need the store (a check's household) come back to the form too.
            Err(Error::Invalid(Invalid(problems))) => {
                Ok(Saved::Problems(Box::new(kind.visit(Show {
                    values: values.to_vec(),
                    problems,
                }))))
            }
            Err(e) => Err(e),
        }
    }

    fn base(&self, kind: RecordKind, id: Option<&str>, area_id: &str) -> Result<AnyRecord> {
        match id {
            None => Ok(kind.draft(&self.draft(area_id))),
            Some(id) => {
                let record = self.record(id)?;
                if record.kind() != kind {
                    return Err(Error::WrongKind {
                        id: id.to_owned(),
                        expected: kind.as_str(),
                        actual: record.kind().as_str().to_owned(),
                    });
                }
                Ok(record)
            }
        }
    }

    /// Saves a new record of any kind as a draft.
    pub fn create_any(&mut self, record: AnyRecord) -> Result<String> {
        struct Create<'a>(&'a mut Store);
        impl crate::model::RecordVisitor for Create<'_> {
            type Output = Result<String>;
            fn visit<T: RecordBody>(self, record: T) -> Result<String> {
                self.0.create(record)
            }
        }
        record.visit(Create(self))
    }

    /// Saves new values of a record of any kind.
    pub fn update_any(&mut self, id: &str, record: AnyRecord) -> Result<()> {
        struct Update<'a>(&'a mut Store, &'a str);
        impl crate::model::RecordVisitor for Update<'_> {
            type Output = Result<()>;
            fn visit<T: RecordBody>(self, record: T) -> Result<()> {
                self.0.update::<T>(self.1, |r| *r = record).map(|_| ())
            }
        }
        record.visit(Update(self, id))
    }

    /// Sends a record of any kind for review (its values are checked again first).
    pub fn submit_any(&mut self, id: &str) -> Result<()> {
        struct Submit<'a>(&'a mut Store, &'a str);
        impl KindVisitor for Submit<'_> {
            type Output = Result<()>;
            fn visit<T: RecordBody>(self) -> Result<()> {
                self.0.submit::<T>(self.1).map(|_| ())
            }
        }
        match self.kind_of(id)? {
            Some(kind) if !kind.is_staff_decision() => kind.visit(Submit(self, id)),
            _ => Err(Error::NotFound(id.to_owned())),
        }
    }
}

/// A form showing values and problems.
struct Show {
    values: Vec<FieldInput>,
    problems: Vec<FieldError>,
}

impl KindVisitor for Show {
    type Output = FormState;
    fn visit<T: RecordBody>(self) -> FormState {
        form::state::<T>(&self.values, &self.problems, T::LABEL.message())
    }
}

/// Reads a form into a record, or the form with its problems.
struct Read<'a> {
    store: &'a Store,
    base: AnyRecord,
    values: &'a [FieldInput],
}

impl KindVisitor for Read<'_> {
    type Output = Result<std::result::Result<AnyRecord, FormState>>;
    fn visit<T: RecordBody>(self) -> Self::Output {
        let base: T = serde_json::from_value(self.base.to_json())
            .map_err(|e| Error::Corrupt(e.to_string()))?;
        Ok(
            match form::read(&base, self.values, &self.store.context()) {
                Ok(record) => Ok(record.into()),
                Err(problems) => Err(form::state::<T>(self.values, &problems, T::LABEL.message())),
            },
        )
    }
}
