//! `sachxanh-server`: run the sync server, or set up its first accounts.

use clap::{Parser, Subcommand};
use sachxanh_core::model::Role;
use sachxanh_core::Reference;
use sachxanh_server::areas::Loaded;
use sachxanh_server::storage::postgresql::PostgresStorage;
use sachxanh_server::storage::sqlite::SqliteStorage;
use sachxanh_server::storage::{Person, Storage};
use sachxanh_server::{demo, enrol, AppState};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Parser)]
#[command(name = "sachxanh-server", version, about = "sạch xanh sync server")]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", global = true)]
    listen: String,
    /// Folder for the database and demo files.
    #[arg(long, default_value = "./data", global = true)]
    data: PathBuf,
    /// PostgreSQL for production (`postgres://user:password@host/db`); the embedded SQLite
    /// file in `--data` when absent. Several instances may share one PostgreSQL database.
    #[arg(long, global = true)]
    database: Option<String>,
    /// Communes and areas (GeoJSON); the invented demo commune when absent.
    #[arg(long, global = true)]
    reference: Option<PathBuf>,
    /// Create a demo commune with staff and run simulated phones that record and sync.
    #[arg(long)]
    demo: bool,
    /// The dashboard is reached over HTTPS (behind a TLS proxy): its session cookie is marked
    /// `Secure`, so a browser never sends it over plain HTTP.
    #[arg(long, global = true)]
    https: bool,
    /// Enrolment and sign-in attempts one address may make per minute (guessing stops here;
    /// behind a proxy every phone shares the proxy's address).
    #[arg(long, default_value_t = 20, global = true)]
    attempts_per_minute: u32,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a commune staff account; prints its token and an enrolment code for a phone.
    AddStaff {
        #[arg(long)]
        name: String,
        #[arg(long)]
        commune: String,
    },
    /// Create a viewer for the province's Department: every commune, read only. Prints the
    /// dashboard key.
    AddViewer {
        #[arg(long)]
        name: String,
    },
    /// Create an administrator (communes, their staff, the Department's viewers; no records):
    /// the first one starts a deployment. Prints the dashboard key.
    AddAdmin {
        #[arg(long)]
        name: String,
    },
    /// Create a person and a one-time enrolment code for their phone.
    IssueCode {
        #[arg(long)]
        name: String,
        /// volunteer, area_head or commune_staff
        #[arg(long)]
        role: String,
        #[arg(long)]
        commune: String,
        /// Comma-separated area ids (volunteers and area heads).
        #[arg(long, default_value = "")]
        areas: String,
    },
}

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The storage and the areas it keeps (the starting file saved as the first version).
fn open(
    data: &Path,
    database: Option<&str>,
    reference: Option<&Path>,
) -> Fallible<(Arc<dyn Storage>, Loaded)> {
    std::fs::create_dir_all(data)?;
    let storage: Arc<dyn Storage> = match database {
        Some(url) => Arc::new(PostgresStorage::open(url, 16)?),
        None => Arc::new(SqliteStorage::open(&data.join("server.db"))?),
    };
    let start = match reference {
        Some(p) => Reference::from_geojson(&std::fs::read_to_string(p)?)?,
        None => Reference::demo(),
    };
    // The file starts a deployment; from then on the areas staff manage are the ones in use.
    let loaded = Loaded::open(storage.as_ref(), Arc::new(start));
    Ok((storage, loaded))
}

/// A person with a dashboard key and no commune (a viewer, an administrator); prints the key.
fn add_key(
    storage: &dyn sachxanh_server::storage::Storage,
    name: String,
    role: Role,
) -> Fallible<()> {
    let person = Person {
        id: format!("p-{}", uuid::Uuid::now_v7()),
        name,
        role,
        commune_id: String::new(),
        areas: vec![],
    };
    let token = enrol::add_with_key(storage, &person)?;
    println!(
        "{}",
        serde_json::json!({"person_id": person.id, "token": token})
    );
    Ok(())
}

fn main() -> Fallible<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let (storage, loaded) = open(&cli.data, cli.database.as_deref(), cli.reference.as_deref())?;
    let reference = loaded.reference.clone();
    match cli.command {
        Some(Command::AddStaff { name, commune }) => {
            if reference.commune(&commune).is_none() {
                return Err(format!("unknown commune {commune}").into());
            }
            let person = Person {
                id: format!("p-{}", uuid::Uuid::now_v7()),
                name,
                role: Role::CommuneStaff,
                commune_id: commune.clone(),
                areas: vec![],
            };
            let token = enrol::add_with_key(storage.as_ref(), &person)?;
            let code = sachxanh_server::auth::store_new_code(
                storage.as_ref(),
                &person.id,
                chrono::Utc::now().timestamp_millis() + enrol::CODE_LIFETIME_MS,
            )?;
            println!(
                "{}",
                serde_json::json!({"person_id": person.id, "token": token, "enrolment_code": code})
            );
            Ok(())
        }
        Some(Command::AddViewer { name }) => add_key(storage.as_ref(), name, Role::ProvinceViewer),
        Some(Command::AddAdmin { name }) => add_key(storage.as_ref(), name, Role::Administrator),
        Some(Command::IssueCode {
            name,
            role,
            commune,
            areas,
        }) => {
            let role = Role::parse(&role).ok_or("role: volunteer, area_head or commune_staff")?;
            let areas = areas
                .split(',')
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect();
            let issued = enrol::issue_code(
                storage.as_ref(),
                &reference,
                &commune,
                &enrol::NewCode { name, role, areas },
            )
            .map_err(|e| e.message.to_string())?;
            println!("{}", serde_json::to_string(&issued)?);
            Ok(())
        }
        None => {
            // The areas read above, not read and parsed a second time.
            let mut state = AppState::with_areas(storage, loaded);
            state.secure_cookies = cli.https;
            state.attempts = sachxanh_server::auth::Attempts::new(
                cli.attempts_per_minute,
                std::time::Duration::from_secs(60),
            );
            serve(cli.listen, cli.data, cli.demo, state)
        }
    }
}

fn serve(listen: String, data: PathBuf, demo_mode: bool, state: AppState) -> Fallible<()> {
    let (storage, reference) = (state.storage.clone(), state.reference());
    // The storage is let go only after the runtime: PostgreSQL's blocking client closes its
    // connections with a runtime of its own, which cannot start inside ours.
    let last_storage = storage.clone();
    let rt = tokio::runtime::Runtime::new()?;
    let served = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}");
        let state = Arc::new(state);
        let stop = Arc::new(AtomicBool::new(false));
        let mut phones = vec![];
        if demo_mode {
            // Storage is blocking (PostgreSQL's client runs its own runtime): off the async threads.
            let creds = {
                let (storage, reference, data, url) = (
                    storage.clone(),
                    reference.clone(),
                    data.clone(),
                    url.clone(),
                );
                tokio::task::spawn_blocking(move || {
                    demo::setup(storage.as_ref(), &reference, &data, &url)
                        .map_err(|e| e.to_string())
                })
                .await??
            };
            println!(
                "Demo: {url}/ — credentials in {}",
                data.join("demo-credentials.json").display()
            );
            phones = demo::spawn_devices(&creds, &data, reference.clone(), stop.clone());
            phones.push(demo::spawn_reviewer(
                &creds,
                storage.clone(),
                reference.clone(),
                stop.clone(),
                // Fresh records stay in the queue a minute for a person to review by hand.
                std::time::Duration::from_secs(60),
            ));
        }
        println!("sạch xanh server listening on {url}");
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        sachxanh_server::serve(listener, state, shutdown).await?;
        stop.store(true, Ordering::Relaxed);
        for p in phones {
            let _ = tokio::task::spawn_blocking(move || p.join()).await;
        }
        Ok(())
    });
    drop(rt);
    drop(last_storage);
    served
}
