//! A fault-injecting HTTP proxy for tests: sits between phones and the server on loopback and,
//! per request, passes it through or fails it the way bad 2G/3G links and busy servers do.
//! It speaks just enough HTTP/1.1: one request per connection (it asks the server to close).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    Pass,
    /// Close before the server sees the request.
    DropRequest,
    /// Let the server process (and commit) the request, then close without answering.
    DropResponse,
    /// Send the first half of the answer, then close.
    Truncate,
    /// Answer late.
    Delay(Duration),
    /// Answer with this status without asking the server.
    Status(u16),
}

/// Counts of what the proxy did, for assertions and reports.
#[derive(Debug, Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub faults: AtomicU64,
    pub bytes_up: AtomicU64,
    pub bytes_down: AtomicU64,
    /// Bytes that actually reached the server (a cut request counts what got through).
    pub bytes_to_server: AtomicU64,
    /// Requests cut mid-way by the link budget.
    pub cuts: AtomicU64,
}

/// A link that drops after carrying a random number of bytes in `[min, max]` — a 2G/3G link
/// that falls every half minute or so, wherever the transfer happens to be.
#[derive(Debug)]
struct Link {
    min: u64,
    max: u64,
    left: u64,
}

pub struct FaultProxy {
    pub url: String,
    pub stats: Arc<Stats>,
    /// Chance that a request meets a fault (0 = a plain proxy).
    rate: Arc<Mutex<f64>>,
    link: Arc<Mutex<Option<Link>>>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (host:port) on the given runtime.
    pub fn start(rt: &tokio::runtime::Handle, upstream: String, seed: u64) -> FaultProxy {
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let stats = Arc::new(Stats::default());
        let rate = Arc::new(Mutex::new(0.0));
        let rng = Arc::new(Mutex::new(StdRng::seed_from_u64(seed)));
        let link: Arc<Mutex<Option<Link>>> = Arc::new(Mutex::new(None));
        let (s, r, l) = (stats.clone(), rate.clone(), link.clone());
        rt.spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let fault = {
                    let rate = *r.lock().unwrap_or_else(|p| p.into_inner());
                    let mut rng = rng.lock().unwrap_or_else(|p| p.into_inner());
                    pick(&mut *rng, rate)
                };
                let (up, s, l, rng) = (upstream.clone(), s.clone(), l.clone(), rng.clone());
                tokio::spawn(async move {
                    let _ = handle(conn, &up, fault, &s, &l, &rng).await;
                });
            }
        });
        FaultProxy {
            url,
            stats,
            rate,
            link,
        }
    }

    /// Drops the link each time it has carried between `min` and `max` bytes towards the
    /// server (chosen at random each time), cutting whatever request is under way.
    pub fn drop_link_every(&self, min: u64, max: u64) {
        *self.link.lock().unwrap_or_else(|p| p.into_inner()) = Some(Link {
            min,
            max,
            left: (min + max) / 2,
        });
    }

    pub fn set_fault_rate(&self, rate: f64) {
        *self.rate.lock().unwrap_or_else(|p| p.into_inner()) = rate;
    }
}

fn pick(rng: &mut impl Rng, rate: f64) -> Fault {
    if !rng.random_bool(rate.clamp(0.0, 1.0)) {
        return Fault::Pass;
    }
    match rng.random_range(0..6) {
        0 => Fault::DropRequest,
        1 => Fault::DropResponse,
        2 => Fault::Truncate,
        3 => Fault::Delay(Duration::from_millis(rng.random_range(50..400))),
        4 => Fault::Status(503),
        _ => Fault::Status(429),
    }
}

/// Reads one request: headers, then `Content-Length` bytes.
async fn read_request(conn: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![];
    let mut chunk = [0u8; 16 * 1024];
    let header_end = loop {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < header_end + len {
        let n = conn.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    // One request per connection: ask the server to close so its answer ends at EOF.
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines: Vec<&str> = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .filter(|l| !l.is_empty())
        .collect();
    lines.push("Connection: close");
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(&buf[header_end..]);
    Ok(out)
}

/// How much of a request of `len` bytes the link carries before it drops (`len` if it holds).
fn through_link(link: &Mutex<Option<Link>>, rng: &Mutex<StdRng>, len: u64) -> u64 {
    let mut link = link.lock().unwrap_or_else(|p| p.into_inner());
    let Some(l) = link.as_mut() else {
        return len;
    };
    if len <= l.left {
        l.left -= len;
        return len;
    }
    let carried = l.left;
    let mut rng = rng.lock().unwrap_or_else(|p| p.into_inner());
    l.left = rng.random_range(l.min..=l.max);
    carried
}

async fn handle(
    mut conn: TcpStream,
    upstream: &str,
    fault: Fault,
    stats: &Stats,
    link: &Mutex<Option<Link>>,
    rng: &Mutex<StdRng>,
) -> std::io::Result<()> {
    let request = read_request(&mut conn).await?;
    let carried = through_link(link, rng, request.len() as u64) as usize;
    if carried < request.len() {
        // The link drops mid-request: the server gets the first bytes, the phone no answer.
        stats.requests.fetch_add(1, Ordering::Relaxed);
        stats.cuts.fetch_add(1, Ordering::Relaxed);
        stats
            .bytes_to_server
            .fetch_add(carried as u64, Ordering::Relaxed);
        let mut up = TcpStream::connect(upstream).await?;
        up.write_all(&request[..carried]).await?;
        up.shutdown().await?;
        // On a real dropped link the server keeps reading until its own timeout, so it gets
        // every byte that arrived: wait for it to finish with them (it closes the connection)
        // rather than cutting it off while it is still reading, which under load lost bytes
        // that had reached it.
        let mut rest = vec![];
        let _ = tokio::time::timeout(Duration::from_secs(2), up.read_to_end(&mut rest)).await;
        return Ok(());
    }
    stats.requests.fetch_add(1, Ordering::Relaxed);
    stats
        .bytes_up
        .fetch_add(request.len() as u64, Ordering::Relaxed);
    if fault != Fault::Pass {
        stats.faults.fetch_add(1, Ordering::Relaxed);
    }
    match fault {
        Fault::DropRequest => return Ok(()),
        Fault::Status(code) => {
            let reason = if code == 429 {
                "Too Many Requests"
            } else {
                "Service Unavailable"
            };
            let resp = format!(
                "HTTP/1.1 {code} {reason}\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            conn.write_all(resp.as_bytes()).await?;
            return conn.shutdown().await;
        }
        _ => {}
    }
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(&request).await?;
    stats
        .bytes_to_server
        .fetch_add(request.len() as u64, Ordering::Relaxed);
    let mut response = vec![];
    up.read_to_end(&mut response).await?;
    stats
        .bytes_down
        .fetch_add(response.len() as u64, Ordering::Relaxed);
    match fault {
        Fault::DropResponse => Ok(()),
        Fault::Truncate => {
            conn.write_all(&response[..response.len() / 2]).await?;
            conn.shutdown().await
        }
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            conn.write_all(&response).await?;
            conn.shutdown().await
        }
        _ => {
            conn.write_all(&response).await?;
            conn.shutdown().await
        }
    }
}
