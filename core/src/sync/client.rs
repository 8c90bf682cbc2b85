//! The device's sync client: push the outbox, then pull pages until caught up. Blocking (the
//! shells call it off the main thread), cancellable between requests, reporting progress, and
//! patient with bad networks: timeouts, 5xx and 429 are retried with backoff, and an interrupted
//! sync resumes where it stopped (the unanswered batch is re-sent under the same key; the pull
//! cursor only moves with an applied page).

use super::protocol::{
    decode, encode, ErrorBody, Limits, PullResponse, PushRequest, PushResponse, RecordChanges,
    ACKS_REST, APP_VERSION_HEADER, AREAS_VERSION_HEADER, CONTENT_TYPE, WAITING_HEADER,
};
use crate::error::ErrorCode;
use crate::i18n::Message;
use crate::model::{Role, Scope};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How hard to try before telling the person the network is down.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// One request's time limit (2G can be slow, but not forever).
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 6,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            timeout: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SyncPhase {
    Pushing,
    Pulling,
    /// Photos go after the records, at a lower priority: `done`/`total` count bytes.
    UploadingPhotos,
    Done,
}

/// Where a sync is, for a progress bar: `total` is 0 when unknown (pulling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Progress {
    pub phase: SyncPhase,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct SyncReport {
    /// Records the server took (each counted once, however many of its changes went).
    pub pushed: u64,
    /// Records whose changes were refused (kept readable, rebuilt from the server).
    pub refused: u64,
    /// Records something new came to from the server.
    pub pulled: u64,
    pub requests: u64,
    /// Photos the server confirmed holding in this sync.
    pub photos_uploaded: u64,
    /// Photo bytes sent in this sync, resent parts included.
    pub photo_bytes_sent: u64,
    /// Photos that could not be uploaded this time (they stay on the phone and are tried again).
    pub photos_waiting: u64,
    /// What the server said of records it took (a date in a closed report period), to show.
    pub notices: Vec<super::protocol::Notice>,
    /// Bytes this sync sent and received, headers included (before TLS).
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("không kết nối được máy chủ / cannot reach the server: {0}")]
    Network(String),
    #[error("{message} ({status} {code})")]
    Server {
        status: u16,
        code: String,
        message: Message,
    },
    #[error("thiết bị chưa đăng ký hoặc đã bị thu hồi / device not enrolled or revoked: {0}")]
    Unauthorized(Message),
    #[error("đã hủy đồng bộ / sync cancelled")]
    Cancelled,
    #[error("máy chủ trả lời không đọc được / unreadable server answer: {0}")]
    Protocol(String),
    #[error(transparent)]
    Store(Box<crate::Error>),
}

impl From<crate::Error> for SyncError {
    fn from(e: crate::Error) -> Self {
        SyncError::Store(Box::new(e))
    }
}

/// What the server tells a device at enrolment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub token: String,
    pub device_id: String,
    pub person_id: String,
    pub person_name: String,
    pub role: Role,
    pub commune_id: String,
    pub areas: Vec<String>,
}

impl Enrolment {
    pub fn scope(&self) -> Scope {
        Scope {
            person_id: self.person_id.clone(),
            role: self.role,
            commune_id: self.commune_id.clone(),
            areas: self.areas.clone(),
        }
    }
}

#[derive(Serialize)]
struct EnrolRequest<'a> {
    code: &'a str,
    actor_id: &'a str,
}

pub struct SyncClient {
    pub(super) base: String,
    pub(super) token: String,
    pub(super) http: reqwest::blocking::Client,
    pub(super) retry: RetryPolicy,
    limits: Limits,
    /// Most photo bytes sent in one request: small enough to finish within a request's time
    /// limit on 2G; a part cut short still counts (the server keeps what arrived).
    pub(super) photo_part_bytes: u64,
    /// The server's clock from its last answer's `Date` (ms since the epoch).
    server_time: std::sync::Mutex<Option<i64>>,
    /// Bytes sent and received since the last [`SyncClient::take_data_use`], headers included.
    data_sent: std::sync::atomic::AtomicU64,
    data_received: std::sync::atomic::AtomicU64,
    /// Whether pulls ask for records compact (`protocol::compact`); off only to measure or test
    /// the older form.
    compact_pull: bool,
}

/// 64 KB: about 15 seconds of a 2G uplink, well within a request's time limit.
pub const DEFAULT_PHOTO_PART_BYTES: u64 = 64 * 1024;

type Attempt = reqwest::blocking::RequestBuilder;

impl SyncClient {
    /// Respects other limits than the default ones (tests of a stricter server).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sends photos in parts of at most `bytes` (benchmarks compare sizes).
    /// Pulls every change whole, as phones did before compact pulls (benches and tests).
    pub fn with_full_pulls(mut self) -> Self {
        self.compact_pull = false;
        self
    }

    pub fn with_photo_part_bytes(mut self, bytes: u64) -> Self {
        self.photo_part_bytes = bytes.max(1);
        self
    }

    pub fn new(base_url: &str, token: &str) -> Result<Self, SyncError> {
        Self::with_policy(base_url, token, RetryPolicy::default())
    }

    pub fn with_policy(base_url: &str, token: &str, retry: RetryPolicy) -> Result<Self, SyncError> {
        let http = reqwest::blocking::Client::builder()
            .timeout(retry.timeout)
            .connect_timeout(retry.timeout.min(Duration::from_secs(15)))
            .build()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(SyncClient {
            base: base_url.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
            http,
            retry,
            limits: Limits::default(),
            photo_part_bytes: DEFAULT_PHOTO_PART_BYTES,
            server_time: std::sync::Mutex::new(None),
            data_sent: Default::default(),
            data_received: Default::default(),
            compact_pull: true,
        })
    }

    /// Exchanges a one-time enrolment code for a device token, binding this store's actor id
    /// to the device, and remembers who the person is.
    pub fn enrol(
        base_url: &str,
        code: &str,
        store: &mut Store,
        retry: RetryPolicy,
    ) -> Result<Enrolment, SyncError> {
        let client = Self::with_policy(base_url, "", retry)?;
        let actor = store.actor_id();
        let body = EnrolRequest {
            code: code.trim(),
            actor_id: &actor,
        };
        let never = AtomicBool::new(false);
        let resp = client.send(&never, &mut 0, |c| {
            c.http.post(format!("{}/api/v1/enrol", c.base)).json(&body)
        })?;
        let enrolment: Enrolment = resp
            .json()
            .map_err(|e| SyncError::Protocol(e.to_string()))?;
        store.set_person(&enrolment.person_id)?;
        client.learn_server_time(store)?;
        let (sent, received) = client.take_data_use();
        store.add_data_use(sent, received)?;
        store.set_setting("role", Some(enrolment.role.as_str()))?;
        store.set_setting("commune_id", Some(&enrolment.commune_id))?;
        store.set_setting("areas", Some(&enrolment.areas.join(",")))?;
        store.set_setting("person_name", Some(&enrolment.person_name))?;
        Ok(enrolment)
    }

    /// Pushes the outbox, pulls until caught up, then uploads waiting photos. What it cost in
    /// bytes goes to the store's monthly totals, whether it finished or not.
    pub fn sync(
        &self,
        store: &mut Store,
        progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<SyncReport, SyncError> {
        let mut result = self.sync_all(store, progress, cancel);
        let (sent, received) = self.take_data_use();
        store.add_data_use(sent, received)?;
        if let Ok(report) = &mut result {
            report.bytes_sent = sent;
            report.bytes_received = received;
        }
        result
    }

    fn sync_all(
        &self,
        store: &mut Store,
        progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        // Counted in records, as the person sees them ("2 records waiting"), not changes.
        let total = store.records_waiting()?;
        let mut sent = std::collections::HashSet::new();
        progress(Progress {
            phase: SyncPhase::Pushing,
            done: 0,
            total,
        });
        // A record no server could take is set aside first, so it never holds the rest back.
        let unsendable = store.unsendable(&self.limits)?;
        if !unsendable.is_empty() {
            let ids = store.finish_push(&[], &unsendable)?;
            for id in &ids {
                let server = self.server_version(id, cancel, &mut report.requests)?;
                store.replace_with_server(id, &server.changes)?;
            }
            report.refused += ids.len() as u64;
        }
        let mut limits = self.limits;
        while let Some(batch) = store.next_push(&limits)? {
            let resp = match self.push(&batch, cancel, &mut report.requests) {
                Ok(resp) => resp,
                // The server's limits are smaller than ours (an older or stricter server):
                // halve the batch until it fits; a single change that still does not fit is
                // that record's problem alone.
                Err(SyncError::Server { status: 413, .. }) => {
                    store.forget_push_batch()?;
                    let changes: usize = batch.records.iter().map(|r| r.changes.len()).sum();
                    if changes > 1 {
                        let bytes: usize = batch
                            .records
                            .iter()
                            .flat_map(|r| r.changes.iter().map(|c| c.len()))
                            .sum();
                        limits.target_push_bytes = (bytes / 2).max(1);
                        limits.max_changes = (changes / 2).max(1);
                        limits.max_records = (batch.records.len() / 2).max(1);
                        continue;
                    }
                    let r = &batch.records[0];
                    let refusal =
                        crate::store::too_large_refusal(&r.id, r.changes[0].len(), &limits);
                    PushResponse {
                        accepted: vec![],
                        accepted_rest: false,
                        refused: vec![refusal],
                        notices: vec![],
                    }
                }
                Err(e) => return Err(e),
            };
            let accepted = if resp.accepted_rest {
                store.batch_accepted(&resp.refused)?
            } else {
                resp.accepted
            };
            let refused = store.finish_push(&accepted, &resp.refused)?;
            report.notices.extend(resp.notices);
            for id in &refused {
                let server = self.server_version(id, cancel, &mut report.requests)?;
                store.replace_with_server(id, &server.changes)?;
            }
            sent.extend(
                batch
                    .records
                    .iter()
                    .filter(|r| !refused.contains(&r.id))
                    .map(|r| r.id.clone()),
            );
            report.pushed = sent.len() as u64;
            report.refused += refused.len() as u64;
            progress(Progress {
                phase: SyncPhase::Pushing,
                done: (report.pushed + report.refused).min(total),
                total,
            });
        }
        // What is still unsent after the push goes with each pull, for the staff's list of phones.
        let waiting = store.records_waiting()?;
        loop {
            let cursor = store.pull_cursor()?;
            let areas = store.areas_version()?;
            let page = self.pull(cursor, waiting, areas, cancel, &mut report.requests)?;
            report.pulled +=
                store.apply_pulled_page(&page.records, &page.replaced, page.cursor)? as u64;
            if let Some(assignment) = &page.assignment {
                store.set_setting("role", Some(assignment.role.as_str()))?;
                store.set_setting("areas", Some(&assignment.areas.join(",")))?;
            }
            if let Some(areas) = &page.areas {
                store.take_areas(areas.version, &areas.geojson)?;
            }
            progress(Progress {
                phase: SyncPhase::Pulling,
                done: report.pulled,
                total: 0,
            });
            if !page.more {
                break;
            }
        }
        self.learn_server_time(store)?;
        store.set_setting("last_sync", Some(&store.device_now_ms().to_string()))?;
        store.forget_old_refusals()?;
        self.upload_photos(store, progress, cancel, &mut report)?;
        progress(Progress {
            phase: SyncPhase::Done,
            done: total,
            total,
        });
        Ok(report)
    }

    fn push(
        &self,
        batch: &PushRequest,
        cancel: &AtomicBool,
        requests: &mut u64,
    ) -> Result<PushResponse, SyncError> {
        let body = encode(batch);
        let resp = self.send(cancel, requests, |c| {
            c.http
                .post(format!("{}/api/v1/sync/push?{ACKS_REST}", c.base))
                .bearer_auth(&c.token)
                .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
                .body(body.clone())
        })?;
        self.read(resp)
    }

    fn pull(
        &self,
        cursor: u64,
        waiting: u64,
        areas: u64,
        cancel: &AtomicBool,
        requests: &mut u64,
    ) -> Result<PullResponse, SyncError> {
        let resp = self.send(cancel, requests, |c| {
            c.http
                .get(format!(
                    "{}/api/v1/sync/pull?cursor={cursor}&compact={}",
                    c.base, self.compact_pull
                ))
                .bearer_auth(&c.token)
                .header(APP_VERSION_HEADER, crate::VERSION)
                .header(WAITING_HEADER, waiting)
                .header(AREAS_VERSION_HEADER, areas)
        })?;
        self.read(resp)
    }

    fn server_version(
        &self,
        id: &str,
        cancel: &AtomicBool,
        requests: &mut u64,
    ) -> Result<RecordChanges, SyncError> {
        let result = self.send(cancel, requests, |c| {
            c.http
                .get(format!("{}/api/v1/sync/records/{id}", c.base))
                .bearer_auth(&c.token)
        });
        match result {
            Ok(resp) => self.read(resp),
            // The server never took the record: the refused version was all there was.
            Err(SyncError::Server { status: 404, .. }) => Ok(RecordChanges {
                id: id.to_owned(),
                changes: vec![],
            }),
            Err(e) => Err(e),
        }
    }

    pub(super) fn read<T: serde::de::DeserializeOwned>(
        &self,
        resp: reqwest::blocking::Response,
    ) -> Result<T, SyncError> {
        let bytes = resp
            .bytes()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        decode(&bytes, &self.limits).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    /// Sends one request, retrying what a bad network or a busy server explains.
    pub(super) fn send(
        &self,
        cancel: &AtomicBool,
        requests: &mut u64,
        attempt: impl Fn(&Self) -> Attempt,
    ) -> Result<reqwest::blocking::Response, SyncError> {
        let mut delay = self.retry.first_delay;
        let mut last = String::new();
        // The last explained refusal of a busy or full server, told to the person when every
        // attempt failed (a full server says the data stays on the phone).
        let mut last_answer: Option<(u16, ErrorBody)> = None;
        for n in 0..self.retry.attempts.max(1) {
            if cancel.load(Ordering::Relaxed) {
                return Err(SyncError::Cancelled);
            }
            if n > 0 {
                sleep_unless_cancelled(delay, cancel)?;
                delay = (delay * 2).min(self.retry.max_delay);
            }
            *requests += 1;
            match self.execute(attempt(self)) {
                Err(e) => last = e.to_string(),
                Ok(resp) => {
                    self.note_server_time(&resp);
                    let status = resp.status();
                    if status.is_success() {
                        return Ok(resp);
                    }
                    let code = status.as_u16();
                    if code == 429 || status.is_server_error() {
                        if let Some(after) = retry_after(&resp) {
                            delay = after.min(self.retry.max_delay);
                        }
                        last = format!("HTTP {code}");
                        last_answer = resp.json::<ErrorBody>().ok().map(|b| (code, b));
                        continue;
                    }
                    let body: Option<ErrorBody> = resp.json().ok();
                    let message = body.as_ref().map(|b| b.message.clone()).unwrap_or_else(|| {
                        Message::new(format!("lỗi HTTP {code}"), format!("HTTP error {code}"))
                    });
                    if code == 401 || code == 403 {
                        return Err(SyncError::Unauthorized(message));
                    }
                    return Err(SyncError::Server {
                        status: code,
                        code: body.map(|b| b.code).unwrap_or_default(),
                        message,
                    });
                }
            }
        }
        Err(match last_answer {
            Some((status, body)) if body.code == ErrorCode::ServerFull.as_str() => {
                SyncError::Server {
                    status,
                    code: body.code,
                    message: body.message,
                }
            }
            _ => SyncError::Network(last),
        })
    }
}

/// The bytes of a request on the wire before TLS: request line, headers, body.
fn request_bytes(req: &reqwest::blocking::Request) -> u64 {
    let line = req.method().as_str().len()
        + req.url().path().len()
        + req.url().query().map_or(0, |q| q.len() + 1)
        + " HTTP/1.1\r\n ".len();
    // Host and the length reqwest adds itself.
    let implicit = "Host: \r\n".len() + req.url().host_str().map_or(0, str::len) + 30;
    let headers: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    let body = req.body().and_then(|b| b.as_bytes()).map_or(0, <[u8]>::len);
    (line + implicit + headers + 2 + body) as u64
}

/// The bytes of a response on the wire before TLS: status line, headers, body (as declared).
fn response_bytes(resp: &reqwest::blocking::Response) -> u64 {
    let headers: usize = resp
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    ("HTTP/1.1 200 OK\r\n".len() + headers + 2) as u64 + resp.content_length().unwrap_or(0)
}

impl SyncClient {
    /// Sends a request, counting the bytes it and its answer cost.
    pub(super) fn execute(
        &self,
        builder: reqwest::blocking::RequestBuilder,
    ) -> Result<reqwest::blocking::Response, reqwest::Error> {
        let req = builder.build()?;
        self.data_sent
            .fetch_add(request_bytes(&req), Ordering::Relaxed);
        let resp = self.http.execute(req)?;
        self.data_received
            .fetch_add(response_bytes(&resp), Ordering::Relaxed);
        Ok(resp)
    }

    /// Bytes sent and received since the last call (and forgets them).
    pub fn take_data_use(&self) -> (u64, u64) {
        (
            self.data_sent.swap(0, Ordering::Relaxed),
            self.data_received.swap(0, Ordering::Relaxed),
        )
    }

    fn note_server_time(&self, resp: &reqwest::blocking::Response) {
        let date = resp
            .headers()
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok());
        if let (Some(date), Ok(mut t)) = (date, self.server_time.lock()) {
            *t = Some(date.timestamp_millis());
        }
    }

    /// Tells the store the server's time, as its last answer gave it.
    fn learn_server_time(&self, store: &mut Store) -> Result<(), SyncError> {
        let t = self.server_time.lock().ok().and_then(|t| *t);
        if let Some(t) = t {
            store.learn_server_time(t)?;
        }
        Ok(())
    }
}

fn retry_after(resp: &reqwest::blocking::Response) -> Option<Duration> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

pub(super) fn sleep_unless_cancelled(d: Duration, cancel: &AtomicBool) -> Result<(), SyncError> {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if cancel.load(Ordering::Relaxed) {
            return Err(SyncError::Cancelled);
        }
        std::thread::sleep((end - Instant::now()).min(Duration::from_millis(50)));
    }
    Ok(())
}
