import Foundation
import SachxanhCore

/// What the app knows about the network (NWPathMonitor; ConnectivityManager on Android).
enum Network: Equatable {
    case unknown
    /// No path to any network: what waits stays on the phone.
    case disconnected
    case connected
}

/// One step of a running sync, for a progress bar.
enum SyncStep: Equatable {
    /// Before the core's first report.
    case starting
    /// Sending what was saved on the phone: `done` of `total` changes.
    case sending(done: UInt64, total: UInt64)
    /// Receiving what others recorded and what staff decided; the total is unknown.
    case receiving(received: UInt64)
    /// Sending photos, after the records: `sentBytes` of `totalBytes` (a photo is a few hundred
    /// kB, so bytes, not photos, move the bar on a slow link). A photo cut off resumes next time.
    case uploadingPhotos(sentBytes: UInt64, totalBytes: UInt64)
    case finishing
    /// A phase this app version does not know yet: just busy.
    case working

    /// For a determinate progress bar; `nil` when the total is unknown.
    var fraction: Double? {
        switch self {
        case .sending(let done, let total): return total == 0 ? 1 : Double(done) / Double(total)
        case .uploadingPhotos(let sent, let total): return total == 0 ? 1 : Double(sent) / Double(total)
        case .finishing: return 1
        default: return nil
        }
    }

    init(_ progress: SachxanhCore.Progress) {
        switch progress.phase {
        case .pushing: self = .sending(done: progress.done, total: progress.total)
        case .pulling: self = .receiving(received: progress.done)
        case .uploadingPhotos: self = .uploadingPhotos(sentBytes: progress.done, totalBytes: progress.total)
        case .done: self = .finishing
        // The core may gain phases: show them as work, never crash.
        default: self = .working
        }
    }
}

/// How the last sync went, or what runs now.
enum SyncActivity: Equatable {
    /// Nothing has run since the app started.
    case idle
    case running(SyncStep)
    /// `photosWaiting`: photos the link kept failing this time; they stay for the next sync.
    case done(pushed: UInt64, pulled: UInt64, refused: UInt64, finishedAt: Date, photosUploaded: UInt64, photosWaiting: UInt64)
    /// No network or no answer: everything stays on the phone for the next try.
    case offline(UserText)
    case cancelled(UserText)
    /// The token is missing or revoked: the person must enrol again.
    case notEnrolled(UserText)
    case failed(UserText)

    var isRunning: Bool {
        if case .running = self { return true }
        return false
    }
}

/// The background-sync policy's verdict before running.
enum SyncDecision: Equatable {
    case run
    case skip
    case waitForNetwork
    case stop
}

/// What the policy decides on: plain data, so the rules read (and are tested on Android) without
/// a phone.
struct SyncConditions {
    var network: Network
    var enrolled: Bool
    var waiting: UInt64
    var lastSyncMs: Int64?
    var nowMs: Int64
    /// Photos on the phone the server does not hold yet: they wait like changes do.
    var photosWaiting: UInt64 = 0
}

/// When to sync in the background. Volunteers are on 2G/3G or nothing: send as soon as there is a
/// network and something waits; otherwise look for staff decisions every `pullEvery`. The same
/// rules as Android's SyncPolicy; iOS decides when a scheduled task actually runs.
struct SyncPolicy {
    var pullEvery: TimeInterval = 3 * 3600
    /// How soon to ask iOS for the next background run while something waits to be sent.
    var retryWhileWaiting: TimeInterval = 15 * 60

    func decide(_ c: SyncConditions) -> SyncDecision {
        if !c.enrolled { return .stop }
        if c.network == .disconnected { return .waitForNetwork }
        if c.waiting > 0 || c.photosWaiting > 0 { return .run }
        guard let last = c.lastSyncMs else { return .run }
        // Phone clocks can be wrong: a last sync "in the future" says nothing, so sync.
        if last > c.nowMs { return .run }
        return Double(c.nowMs - last) / 1000 >= pullEvery ? .run : .skip
    }

    /// The earliest time to ask for the next background run.
    func nextRun(waiting: UInt64) -> TimeInterval { waiting > 0 ? retryWhileWaiting : pullEvery }

    /// The network came back: sync at once when something waits.
    func syncOnReconnect(waiting: UInt64) -> Bool { waiting > 0 }
}

/// Passes the core's progress reports (on the sync's worker thread) to the main actor.
final class SyncProgressRelay: SyncObserver, @unchecked Sendable {
    private let onStep: @Sendable (SyncStep) -> Void

    init(onStep: @escaping @Sendable (SyncStep) -> Void) {
        self.onStep = onStep
    }

    func onProgress(progress: SachxanhCore.Progress) {
        onStep(SyncStep(progress))
    }
}

/// Sync now, its progress, cancel, and the background policy. One per app: the home screen, the
/// outbox and the background task share it, so two syncs never run at once.
@MainActor
final class SyncController: ObservableObject {
    /// The home screen's sync line: last sync, how much waits, how much was refused.
    @Published private(set) var state: UiState<SyncStatus> = .loading
    @Published private(set) var activity: SyncActivity = .idle
    @Published private(set) var network: Network = .unknown

    let policy: SyncPolicy
    private let core: Sachxanh
    private var running = false
    // The core forgets a cancel that arrives before its sync starts; remember it here.
    private var cancelRequested = false

    init(core: Sachxanh, policy: SyncPolicy = SyncPolicy()) {
        self.core = core
        self.policy = policy
    }

    var isRunning: Bool { running }

    /// Reads the sync line again (after a save, on the home screen's appearance).
    func refreshStatus() async {
        let core = self.core
        switch await runCore({ try core.syncStatus() }) {
        case .success(let status): state = .loaded(status)
        case .failure(let e): state = e.uiState()
        }
    }

    /// From NWPathMonitor.
    func onNetworkChanged(_ network: Network) {
        let before = self.network
        self.network = network
        guard network == .connected, before != .connected else { return }
        Task {
            await refreshStatus()
            if let status = state.value, policy.syncOnReconnect(waiting: status.waiting + status.photosWaiting) {
                _ = await sync()
            }
        }
    }

    /// The "sync now" button. Does nothing while a sync runs.
    func syncNow() {
        Task { _ = await sync() }
    }

    /// Stops a running sync at the core's next safe point; what was sent stays sent.
    func cancel() {
        guard running else { return }
        cancelRequested = true
        core.cancelSync()
    }

    /// Runs one sync and returns how it ended; while it runs, `activity` follows its progress.
    @discardableResult
    func sync() async -> SyncActivity {
        guard !running else { return activity }
        running = true
        defer { running = false }
        if network == .disconnected {
            return publish(.offline(Texts.noNetwork))
        }
        cancelRequested = false
        activity = .running(.starting)
        let core = self.core
        let relay = SyncProgressRelay { [weak self] step in
            Task { @MainActor in
                guard let self, self.running else { return }
                if self.cancelRequested { core.cancelSync() }
                self.activity = .running(step)
            }
        }
        let outcome = await runCore { try core.sync(observer: relay) }
        let ended: SyncActivity
        switch outcome {
        case .success(let report):
            ended = .done(
                pushed: report.pushed, pulled: report.pulled, refused: report.refused, finishedAt: Date(),
                photosUploaded: report.photosUploaded, photosWaiting: report.photosWaiting
            )
        case .failure(let e):
            switch e {
            case .offline(let m): ended = .offline(m)
            case .cancelled(let m): ended = .cancelled(m)
            case .notEnrolled(let m): ended = .notEnrolled(m)
            default: ended = .failed(e.message)
            }
        }
        await refreshStatus()
        return publish(ended)
    }

    /// The background task's whole job: ask the policy, maybe sync. Returns whether the work is
    /// done (iOS is told so) and how soon to ask for the next run.
    func runInBackground() async -> (success: Bool, nextRunIn: TimeInterval?) {
        let core = self.core
        let facts = await runCore { () -> (SyncStatus, Bool) in
            let status = try core.syncStatus()
            return (status, core.me() != nil)
        }
        guard case .success(let (status, enrolled)) = facts else {
            return (false, policy.retryWhileWaiting)
        }
        let conditions = SyncConditions(
            network: network,
            enrolled: enrolled,
            waiting: status.waiting,
            lastSyncMs: status.lastSyncMs,
            nowMs: Int64(Date().timeIntervalSince1970 * 1000),
            photosWaiting: status.photosWaiting
        )
        switch policy.decide(conditions) {
        case .run:
            let ended = await sync()
            let waiting = state.value.map { $0.waiting + $0.photosWaiting } ?? status.waiting + status.photosWaiting
            switch ended {
            case .done: return (true, policy.nextRun(waiting: waiting))
            // Retrying cannot help until the person enrols again.
            case .notEnrolled: return (true, nil)
            default: return (false, policy.retryWhileWaiting)
            }
        case .skip:
            return (true, policy.nextRun(waiting: status.waiting + status.photosWaiting))
        case .waitForNetwork:
            return (false, policy.retryWhileWaiting)
        case .stop:
            return (true, nil)
        }
    }

    private func publish(_ a: SyncActivity) -> SyncActivity {
        activity = a
        return a
    }
}
