//! Forms the shells render: each kind declares its fields in order — what each is called, how
//! it is entered, whether it is required — and the core turns what a person typed into the typed
//! record (or the problems to show under each field) and back. The apps draw the fields and
//! send back the values; they hold no field list, no parser and no rule of their own.
//!
//! Values travel between a form and a record through the record's JSON (serde): a field's path
//! (`participants.youth_union`) names a place in it. So a kind needs no conversion code, only its
//! field list.

use crate::error::{FieldError, Rule};
use crate::i18n::{Choice, Label, Message};
use crate::model::{Context, Day, PhotoRef, RecordBody};
use crate::place::Place;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How one field is entered, as a kind declares it (a constant).
#[derive(Debug, Clone, Copy)]
pub enum InputSpec {
    Text {
        max_chars: u32,
        multiline: bool,
    },
    /// A whole number typed on a phone keyboard; `nullable`: blank means "not given".
    Count {
        max: u32,
        nullable: bool,
    },
    /// A decimal number ("12,5" or "12.5") in a unit.
    Quantity {
        max: f64,
        unit: Label,
        nullable: bool,
    },
    /// A day, typed `DD/MM/YYYY` or `YYYY-MM-DD`, or picked.
    Date {
        nullable: bool,
    },
    Flag,
    Choice(fn() -> Vec<Choice>),
    /// One of the person's areas.
    Area,
    /// A household of the record's area, by id.
    Household,
    /// A place drawn on the map or taken by GPS.
    Place,
    /// One position (a household's), optional.
    Point,
    /// Photos, each with its stage.
    Photos(fn() -> Vec<Choice>),
    /// One photo (a scan of a signed text), by its SHA-256.
    Photo,
    /// Short lines, one per item (a covenant's clauses).
    Lines {
        max_items: u32,
        max_chars: u32,
    },
}

/// How one field is entered, for the shells.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Input {
    Text { max_chars: u32, multiline: bool },
    Count { max: u32 },
    Quantity { max: f64, unit: Message },
    Date,
    Flag,
    Choice { options: Vec<Choice> },
    Area,
    Household,
    Place { shapes: Vec<Choice> },
    Point,
    Photos { stages: Vec<Choice> },
    Photo,
    Lines { max_items: u32, max_chars: u32 },
}

impl InputSpec {
    pub fn input(&self) -> Input {
        match *self {
            InputSpec::Text {
                max_chars,
                multiline,
            } => Input::Text {
                max_chars,
                multiline,
            },
            InputSpec::Count { max, .. } => Input::Count { max },
            InputSpec::Quantity { max, unit, .. } => Input::Quantity {
                max,
                unit: unit.message(),
            },
            InputSpec::Date { .. } => Input::Date,
            InputSpec::Flag => Input::Flag,
            InputSpec::Choice(options) => Input::Choice { options: options() },
            InputSpec::Area => Input::Area,
            InputSpec::Household => Input::Household,
            InputSpec::Place => Input::Place {
                shapes: crate::place::Shape::choices(),
            },
            InputSpec::Point => Input::Point,
            InputSpec::Photos(stages) => Input::Photos { stages: stages() },
            InputSpec::Photo => Input::Photo,
            InputSpec::Lines {
                max_items,
                max_chars,
            } => Input::Lines {
                max_items,
                max_chars,
            },
        }
    }
}

/// One field of a kind's form, declared in the kind's module.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Where the value lives in the record (`members`, `participants.youth_union`); validation
    /// problems name it.
    pub path: &'static str,
    pub label: Label,
    pub input: InputSpec,
    pub required: bool,
    /// A line under the field saying what is meant.
    pub help: Option<Label>,
    /// A heading shown above this field: it starts a group (kinds of work, participants).
    pub section: Option<Label>,
    /// Set by the app, never typed (who checked, what a review names): named in messages, not
    /// shown in the form.
    pub hidden: bool,
}

impl Field {
    pub const fn new(path: &'static str, label: Label, input: InputSpec) -> Self {
        Field {
            path,
            label,
            input,
            required: false,
            help: None,
            section: None,
            hidden: false,
        }
    }

    pub const fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }

    pub const fn section(mut self, heading: Label) -> Self {
        self.section = Some(heading);
        self
    }

    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub const fn help(mut self, help: Label) -> Self {
        self.help = Some(help);
        self
    }

    /// Whether a problem found at `path` (`participants.youth_union`, `photos.3`) belongs here.
    pub fn owns(&self, path: &str) -> bool {
        path == self.path
            || path
                .strip_prefix(self.path)
                .is_some_and(|rest| rest.starts_with('.'))
    }
}

/// A status ladder (covenant, black spot): the status field and, per step, the date field
/// that dates it.
#[derive(Debug, Clone, Copy)]
pub struct Ladder {
    pub status: &'static str,
    pub steps: &'static [(&'static str, Option<&'static str>)],
}

impl Ladder {
    /// Which step a status code is (0 for the first).
    pub fn step(&self, code: &str) -> Option<usize> {
        self.steps.iter().position(|(c, _)| *c == code)
    }

    /// Date fields of the steps reached, in order, with the status that needs each.
    pub fn reached_dates(&self, code: &str) -> Vec<(&'static str, &'static str)> {
        let reached = self.step(code).unwrap_or(0);
        self.steps
            .iter()
            .take(reached + 1)
            .filter_map(|(c, d)| d.map(|d| (d, *c)))
            .collect()
    }

    /// The step after `code`, if any.
    pub fn next(&self, code: &str) -> Option<&'static str> {
        self.step(code)
            .and_then(|i| self.steps.get(i + 1))
            .map(|(c, _)| *c)
    }

    /// Whether a field is this ladder's date of a step not reached yet (hidden until then).
    pub fn hides(&self, path: &str, code: &str) -> bool {
        let reached = self.step(code).unwrap_or(0);
        self.steps
            .iter()
            .enumerate()
            .any(|(i, (_, d))| i > reached && *d == Some(path))
    }
}

/// A field's value as the form holds it: text as typed, ticks, choices, places, photos.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum FieldValue {
    Text { text: String },
    Flag { on: bool },
    Choice { code: Option<String> },
    Place { place: Option<Place> },
    Photos { photos: Vec<PhotoRef> },
    Lines { lines: Vec<String> },
}

/// One field's value, by path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FieldInput {
    pub path: String,
    pub value: FieldValue,
}

/// One field as the form shows it now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FormField {
    pub path: String,
    pub label: Message,
    pub input: Input,
    pub required: bool,
    pub help: Option<Message>,
    /// A heading to show above this field.
    pub section: Option<Message>,
    /// Hidden fields (a ladder's dates of steps not reached) keep their values.
    pub shown: bool,
    pub value: FieldValue,
    /// What is wrong with it, to show under it.
    pub problems: Vec<Message>,
}

/// Where a ladder stands, and the step a person may take next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct LadderState {
    pub status_path: String,
    pub current: Choice,
    pub next: Option<Choice>,
    /// The date field the next step needs.
    pub next_date_path: Option<String>,
}

/// A form as it stands: its fields in order, problems under them, and those that belong to no
/// field (shown at the top, so a new rule is never hidden).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FormState {
    pub kind: crate::model::RecordKind,
    pub title: Message,
    pub fields: Vec<FormField>,
    pub general: Vec<Message>,
    pub ladder: Option<LadderState>,
}

impl FormState {
    pub fn is_ok(&self) -> bool {
        self.general.is_empty() && self.fields.iter().all(|f| f.problems.is_empty())
    }
}

fn get<'a>(json: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(json, |v, k| v.get(k))
}

fn set(json: &mut Value, path: &str, value: Value) {
    let mut at = json;
    let mut parts = path.split('.').peekable();
    while let Some(k) = parts.next() {
        if !at.is_object() {
            *at = Value::Object(Map::new());
        }
        let map = at.as_object_mut().expect("made an object above");
        if parts.peek().is_none() {
            map.insert(k.to_owned(), value);
            return;
        }
        at = map.entry(k).or_insert_with(|| Value::Object(Map::new()));
    }
}

/// A number as a Vietnamese phone shows it: decimal comma, no trailing zeros.
pub(crate) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}").replace('.', ",")
    }
}

/// A field's value read out of a record's JSON.
fn value_of(field: &Field, json: &Value) -> FieldValue {
    let v = get(json, field.path).unwrap_or(&Value::Null);
    let text = |s: String| FieldValue::Text { text: s };
    match field.input {
        InputSpec::Text { .. } | InputSpec::Area | InputSpec::Household | InputSpec::Photo => {
            text(v.as_str().unwrap_or_default().to_owned())
        }
        // An empty count reads as blank: a new form shows no zeros to type over.
        InputSpec::Count { .. } => text(
            v.as_f64()
                .filter(|n| *n != 0.0)
                .map(number_text)
                .unwrap_or_default(),
        ),
        InputSpec::Quantity { .. } => text(v.as_f64().map(number_text).unwrap_or_default()),
        InputSpec::Date { .. } => text(
            v.as_str()
                .and_then(Day::parse)
                .map(|d| d.0.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
        ),
        InputSpec::Flag => FieldValue::Flag {
            on: v.as_bool().unwrap_or(false),
        },
        InputSpec::Choice(_) => FieldValue::Choice {
            code: v.as_str().map(str::to_owned),
        },
        InputSpec::Place => FieldValue::Place {
            place: serde_json::from_value::<Place>(v.clone())
                .ok()
                .filter(|p| !p.coords.is_empty()),
        },
        InputSpec::Point => FieldValue::Place {
            place: serde_json::from_value::<crate::place::Coord>(v.clone())
                .ok()
                .map(Place::point),
        },
        InputSpec::Photos(_) => FieldValue::Photos {
            photos: serde_json::from_value(v.clone()).unwrap_or_default(),
        },
        InputSpec::Lines { .. } => FieldValue::Lines {
            lines: serde_json::from_value(v.clone()).unwrap_or_default(),
        },
    }
}

/// Reads a whole number typed on a phone: spaces and Vietnamese thousands dots ("1.200") are
/// allowed, anything else is not a whole number.
pub fn parse_count(text: &str) -> Result<Option<u64>, Rule> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return Ok(None);
    }
    let grouped = t.contains('.')
        && t.split('.').enumerate().all(|(i, g)| {
            g.chars().all(|c| c.is_ascii_digit())
                && (if i == 0 {
                    (1..=3).contains(&g.len())
                } else {
                    g.len() == 3
                })
        });
    let digits = if grouped { t.replace('.', "") } else { t };
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 18 {
        return Err(Rule::NotAWholeNumber);
    }
    digits.parse().map(Some).map_err(|_| Rule::NotAWholeNumber)
}

/// Reads a decimal number: "12,5" (the Vietnamese way) or "12.5".
pub fn parse_quantity(text: &str) -> Result<Option<f64>, Rule> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return Ok(None);
    }
    let normal = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t
    };
    if normal.chars().any(|c| !(c.is_ascii_digit() || c == '.')) || normal.matches('.').count() > 1
    {
        return Err(Rule::NotANumber);
    }
    match normal.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(Some(n)),
        _ => Err(Rule::NotANumber),
    }
}

/// Reads a day: `DD/MM/YYYY` (as written in Vietnam, also with `-` or `.`) or `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Option<Day>, Rule> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    if let Some(d) = Day::parse(t) {
        return Ok(Some(d));
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    if let [d, m, y] = parts[..] {
        if let (Ok(d), Ok(m), Ok(y)) = (d.parse(), m.parse(), y.parse()) {
            if let Some(day) = Day::ymd(y, m, d) {
                return Ok(Some(day));
            }
        }
    }
    Err(Rule::InvalidDate)
}

/// A field's value put into a record's JSON, or the problem with what was typed.
fn put(field: &Field, value: &FieldValue, json: &mut Value) -> Result<(), Rule> {
    let text = match value {
        FieldValue::Text { text } => Some(text.as_str()),
        _ => None,
    };
    let blank = |nullable: bool, zero: Value| {
        if field.required {
            Err(Rule::Required)
        } else if nullable {
            Ok(Value::Null)
        } else {
            Ok(zero)
        }
    };
    let v = match (field.input, value) {
        (
            InputSpec::Text { .. } | InputSpec::Area | InputSpec::Household,
            FieldValue::Text { text },
        ) => Value::String(text.clone()),
        (InputSpec::Photo, FieldValue::Text { text }) => {
            let t = text.trim();
            if t.is_empty() {
                Value::Null
            } else {
                Value::String(t.to_owned())
            }
        }
        (InputSpec::Count { nullable, .. }, _) => match parse_count(text.unwrap_or_default())? {
            Some(n) => Value::from(n),
            None => blank(nullable, Value::from(0))?,
        },
        (InputSpec::Quantity { nullable, .. }, _) => {
            match parse_quantity(text.unwrap_or_default())? {
                Some(n) => Value::from(n),
                None => blank(nullable, Value::from(0.0))?,
            }
        }
        (InputSpec::Date { nullable }, _) => match parse_date(text.unwrap_or_default())? {
            Some(d) => Value::String(d.to_string()),
            None => blank(nullable, Value::Null)?,
        },
        (InputSpec::Flag, FieldValue::Flag { on }) => Value::Bool(*on),
        (InputSpec::Choice(_), FieldValue::Choice { code }) => match code {
            Some(c) => Value::String(c.clone()),
            None => return Err(Rule::Required),
        },
        (InputSpec::Place, FieldValue::Place { place }) => match place {
            Some(p) => serde_json::to_value(p).map_err(|_| Rule::InvalidGeometry)?,
            None => return Err(Rule::Required),
        },
        (InputSpec::Point, FieldValue::Place { place }) => match place {
            Some(p) if p.shape == crate::place::Shape::Point && p.coords.len() == 1 => {
                serde_json::to_value(p.coords[0]).map_err(|_| Rule::InvalidCoordinate)?
            }
            Some(_) => return Err(Rule::InvalidGeometry),
            None if field.required => return Err(Rule::Required),
            None => Value::Null,
        },
        (InputSpec::Photos(_), FieldValue::Photos { photos }) => {
            serde_json::to_value(photos).map_err(|_| Rule::InvalidHash)?
        }
        (InputSpec::Lines { .. }, FieldValue::Lines { lines }) => Value::from(
            lines
                .iter()
                .map(|l| Value::String(l.clone()))
                .collect::<Vec<_>>(),
        ),
        _ => return Err(Rule::WrongInput),
    };
    set(json, field.path, v);
    Ok(())
}

/// The values a form shows for a record.
pub fn values_of<T: RecordBody>(record: &T) -> Vec<FieldInput> {
    let json = serde_json::to_value(record).unwrap_or(Value::Null);
    T::FIELDS
        .iter()
        .map(|f| FieldInput {
            path: f.path.to_owned(),
            value: value_of(f, &json),
        })
        .collect()
}

/// Reads a form into the typed record, starting from `base` (the stored record, or a new
/// draft) so fields the form does not show keep their values. Returns the record, normalised
/// and checked, or every problem, each at its field's path.
pub fn read<T: RecordBody>(
    base: &T,
    inputs: &[FieldInput],
    ctx: &Context,
) -> Result<T, Vec<FieldError>> {
    let (record, mut problems) = fill(base, inputs);
    let Some(record) = record else {
        problems.push(FieldError::new("", Rule::WrongInput));
        return Err(problems);
    };
    let unread: Vec<String> = problems.iter().map(|p| p.field.clone()).collect();
    problems.extend(
        record
            .check(ctx)
            .into_iter()
            .filter(|e| !unread.contains(&e.field)),
    );
    if problems.is_empty() {
        Ok(record)
    } else {
        Err(problems)
    }
}

/// The form's values put into `base` and normalised, unchecked, with the fields that could not
/// be read (which keep their old values): a half-typed form as far as it goes, for hints such
/// as similar households while the person is still typing.
pub fn fill<T: RecordBody>(base: &T, inputs: &[FieldInput]) -> (Option<T>, Vec<FieldError>) {
    let mut json = serde_json::to_value(base).unwrap_or(Value::Null);
    let mut problems = vec![];
    for f in T::FIELDS {
        let Some(input) = inputs.iter().find(|i| i.path == f.path) else {
            continue;
        };
        // A field that cannot be read keeps its old value, so the rest is still checked and
        // every problem is shown at once.
        if let Err(rule) = put(f, &input.value, &mut json) {
            problems.push(FieldError::new(f.path, rule));
        }
    }
    for i in inputs {
        if !T::FIELDS.iter().any(|f| f.path == i.path) {
            problems.push(FieldError::new(i.path.clone(), Rule::UnknownField));
        }
    }
    let record = serde_json::from_value(json).ok().map(|mut r: T| {
        r.normalize();
        r
    });
    (record, problems)
}

/// The field a problem at `path` is shown under: the field itself (`members`, `photos.3` under
/// `photos`), else the first field of the group it names (`participants` → the first
/// organisation's count).
fn owner<T: RecordBody>(path: &str) -> Option<&'static Field> {
    owner_in(T::FIELDS, path)
}

/// [`owner`] over a field list.
pub fn owner_in(fields: &'static [Field], path: &str) -> Option<&'static Field> {
    fields.iter().find(|f| f.owns(path)).or_else(|| {
        fields.iter().find(|f| {
            f.path
                .strip_prefix(path)
                .is_some_and(|r| r.starts_with('.'))
        })
    })
}

/// What a person reads for the field at `path` of a kind's form: the field's label, or the
/// heading of the group the path names.
pub fn field_label(fields: &'static [Field], path: &str) -> Option<Message> {
    let f = owner_in(fields, path)?;
    Some(if f.owns(path) {
        f.label.message()
    } else {
        f.section.unwrap_or(f.label).message()
    })
}

/// A form as it stands for `inputs`, with `problems` under their fields.
pub fn state<T: RecordBody>(
    inputs: &[FieldInput],
    problems: &[FieldError],
    title: Message,
) -> FormState {
    let status = T::LADDER.and_then(|l| {
        inputs
            .iter()
            .find(|i| i.path == l.status)
            .and_then(|i| match &i.value {
                FieldValue::Choice { code } => code.clone(),
                _ => None,
            })
    });
    let blank = serde_json::to_value(T::blank()).unwrap_or(Value::Null);
    let fields = T::FIELDS
        .iter()
        .map(|f| FormField {
            path: f.path.to_owned(),
            label: f.label.message(),
            input: f.input.input(),
            required: f.required,
            help: f.help.map(|h| h.message()),
            shown: !f.hidden
                && match (T::LADDER, &status) {
                    (Some(l), Some(code)) => !l.hides(f.path, code),
                    _ => true,
                },
            value: inputs
                .iter()
                .find(|i| i.path == f.path)
                .map(|i| i.value.clone())
                .unwrap_or_else(|| value_of(f, &blank)),
            section: f.section.map(|h| h.message()),
            problems: problems
                .iter()
                .filter(|p| owner::<T>(&p.field).is_some_and(|o| o.path == f.path))
                .map(|p| p.rule.message())
                .collect(),
        })
        .collect();
    let general = problems
        .iter()
        .filter(|p| owner::<T>(&p.field).is_none())
        .map(|p| p.message_in(T::KIND))
        .collect();
    let ladder = T::LADDER.and_then(|l| {
        let code = status.as_deref()?;
        let choices = T::FIELDS
            .iter()
            .find(|f| f.path == l.status)
            .map(|f| match f.input {
                InputSpec::Choice(options) => options(),
                _ => vec![],
            })
            .unwrap_or_default();
        let choice = |c: &str| choices.iter().find(|ch| ch.code == c).cloned();
        let next = l.next(code);
        Some(LadderState {
            status_path: l.status.to_owned(),
            current: choice(code)?,
            next: next.and_then(choice),
            next_date_path: next
                .and_then(|n| l.steps.iter().find(|(c, _)| *c == n))
                .and_then(|(_, d)| d.map(str::to_owned)),
        })
    });
    FormState {
        kind: T::KIND,
        title,
        fields,
        general,
        ladder,
    }
}

/// The path of the field of `record` whose value is `id` (the record it names).
pub fn field_naming(record: &crate::model::AnyRecord, id: &str) -> String {
    let json = record.to_json();
    record
        .kind()
        .fields()
        .iter()
        .find(|f| get(&json, f.path).and_then(Value::as_str) == Some(id))
        .map(|f| f.path.to_owned())
        .unwrap_or_default()
}

/// A record's form as it stands, with no problems (for reading it).
pub fn state_of(record: &crate::model::AnyRecord) -> FormState {
    struct Of<'a>(&'a crate::model::AnyRecord);
    impl crate::model::KindVisitor for Of<'_> {
        type Output = FormState;
        fn visit<T: RecordBody>(self) -> FormState {
            state::<T>(&self.0.body().values(), &[], T::LABEL.message())
        }
    }
    record.kind().visit(Of(record))
}

/// One field as a reader sees it: its label and its value in words, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct ReadField {
    pub path: String,
    pub section: Option<Message>,
    pub label: Message,
    pub value: Message,
}

/// A form's shown fields as words (a record's page on the dashboard, a read-only view on a
/// phone): ticks as yes/no, choices by their labels, areas and households by their names.
pub fn readable(state: &FormState, names: crate::model::Names) -> Vec<ReadField> {
    let same = |s: String| Message::new(s.clone(), s);
    let none = || Message::new("—", "—");
    state
        .fields
        .iter()
        .filter(|f| f.shown)
        .map(|f| {
            let value = match (&f.input, &f.value) {
                (Input::Flag, FieldValue::Flag { on: true }) => Message::new("Có", "Yes"),
                (Input::Flag, FieldValue::Flag { on: false }) => Message::new("Không", "No"),
                (Input::Choice { options }, FieldValue::Choice { code }) => options
                    .iter()
                    .find(|o| Some(&o.code) == code.as_ref())
                    .map(|o| o.label.clone())
                    .unwrap_or_else(none),
                (Input::Area | Input::Household, FieldValue::Text { text }) if !text.is_empty() => {
                    same(names(text).unwrap_or_else(|| text.clone()))
                }
                (Input::Quantity { unit, .. }, FieldValue::Text { text }) if !text.is_empty() => {
                    Message::new(format!("{text} {}", unit.vi), format!("{text} {}", unit.en))
                }
                (_, FieldValue::Text { text }) if !text.is_empty() => same(text.clone()),
                (_, FieldValue::Place { place: Some(p) }) => {
                    let shape = p.shape.label();
                    let at = p
                        .coords
                        .first()
                        .map(|c| format!(" ({:.5}, {:.5})", c.lat, c.lon))
                        .unwrap_or_default();
                    let n = p.coords.len();
                    if n > 1 {
                        Message::new(
                            format!("{}, {n} điểm{at}", shape.vi),
                            format!("{}, {n} points{at}", shape.en),
                        )
                    } else {
                        Message::new(format!("{}{at}", shape.vi), format!("{}{at}", shape.en))
                    }
                }
                (_, FieldValue::Photos { photos }) if !photos.is_empty() => Message::new(
                    format!("{} ảnh", photos.len()),
                    format!("{} photos", photos.len()),
                ),
                (_, FieldValue::Lines { lines }) if !lines.is_empty() => same(lines.join("; ")),
                _ => none(),
            };
            ReadField {
                path: f.path.clone(),
                section: f.section.clone(),
                label: f.label.clone(),
                value,
            }
        })
        .collect()
}

/// A field holding several values after concurrent edits, as a reader sees it: the field's label
/// and each value as the form words it (a covenant's status by its label, a household by its
/// name). The phones' conflict banner and the dashboard's record page both show this.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct WordedConflict {
    /// The document path (`data.members`, `meta.state`).
    pub path: String,
    pub label: Message,
    pub values: Vec<Message>,
}

/// Where a record's values sit in its document (`data.members`).
const DATA: &str = "data.";

/// The label of a conflict outside the record's values: its standing (sent for review or not).
const RECORD_META: Label = Label::new("Trạng thái gửi duyệt", "Sent for review or not");

/// Words `conflict` of `record`: each value is put into a copy of the record and read back as the
/// form reads it. A value the record cannot hold is shown as it is.
pub fn word_conflict(
    record: &crate::model::AnyRecord,
    conflict: &crate::document::Conflict,
    names: crate::model::Names,
) -> WordedConflict {
    let as_is = |v: &String| Message::new(v.clone(), v.clone());
    let Some(path) = conflict.field.strip_prefix(DATA) else {
        return WordedConflict {
            path: conflict.field.clone(),
            label: RECORD_META.message(),
            values: conflict
                .values
                .iter()
                .map(|v| {
                    crate::model::Lifecycle::parse(v)
                        .map(|l| l.label())
                        .unwrap_or_else(|| as_is(v))
                })
                .collect(),
        };
    };
    let kind = record.kind();
    let label = field_label(kind.fields(), path).unwrap_or_else(|| Message::new(path, path));
    let values = conflict
        .values
        .iter()
        .map(|raw| {
            let mut json = record.to_json();
            let worded = (|| {
                let slot = path.split('.').try_fold(&mut json, |v, k| v.get_mut(k))?;
                // Text stays text ("12" is an address); anything else is read as JSON.
                *slot = if slot.is_string() {
                    Value::String(raw.clone())
                } else {
                    serde_json::from_str(raw).ok()?
                };
                let copy = crate::model::AnyRecord::from_json(kind, json).ok()?;
                readable(&state_of(&copy), names)
                    .into_iter()
                    .find(|f| f.path == path)
                    .map(|f| f.value)
            })();
            worded.unwrap_or_else(|| as_is(raw))
        })
        .collect();
    WordedConflict {
        path: conflict.field.clone(),
        label,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_dates_are_read_as_people_type_them() {
        assert_eq!(parse_count(" 12 "), Ok(Some(12)));
        assert_eq!(parse_count("1.200"), Ok(Some(1200)));
        assert_eq!(parse_count(""), Ok(None));
        assert_eq!(parse_count("12,5"), Err(Rule::NotAWholeNumber));
        assert_eq!(parse_count("-3"), Err(Rule::NotAWholeNumber));
        assert_eq!(parse_count("1.20"), Err(Rule::NotAWholeNumber));
        assert_eq!(parse_quantity("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_quantity("12.5"), Ok(Some(12.5)));
        assert_eq!(parse_quantity("1.234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_quantity("mười"), Err(Rule::NotANumber));
        assert_eq!(parse_quantity("inf"), Err(Rule::NotANumber));
        let d = Day::ymd(2026, 11, 28);
        assert_eq!(parse_date("28/11/2026"), Ok(d));
        assert_eq!(parse_date("28-11-2026"), Ok(d));
        assert_eq!(parse_date("2026-11-28"), Ok(d));
        assert_eq!(parse_date("31/02/2026"), Err(Rule::InvalidDate));
        assert_eq!(parse_date("hôm qua"), Err(Rule::InvalidDate));
        assert_eq!(number_text(12.5), "12,5");
        assert_eq!(number_text(40.0), "40");
    }
}
