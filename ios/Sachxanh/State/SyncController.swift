import Foundation
import SachxanhCore

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

enum SyncUiState: Equatable {
    /// Nothing has run since the app started.
    case idle
    case running(SyncStep)
    /// `photosWaiting`: photos the link kept failing this time; they stay for the next sync.
    /// `notices`: what the server said of records it took (a date in a closed report period).
    case done(pushed: UInt64, pulled: UInt64, refused: UInt64, finishedAtMs: Int64, photosUploaded: UInt64, photosWaiting: UInt64, notices: [Message])
    /// No network or no answer: everything stays on the phone for the next try.
    case offline(Message)
    case cancelled(Message)
    /// The token is missing or revoked: the person must enrol again.
    case notEnrolled(Message)
    case failed(Message)

    var isRunning: Bool {
        if case .running = self { return true }
        return false
    }

    /// How a run ended, in the core's terms (for its retry rule).
    func outcome() -> RunOutcome {
        switch self {
        case .done: return .done
        case .notEnrolled: return .notEnrolled
        case .offline: return .offline
        case .cancelled: return .cancelled
        case .failed: return .failed
        // Another sync is still running (the person pressed "sync now"): it does the work.
        case .running, .idle: return .alreadyRunning
        }
    }
}

/// Passes the core's progress reports (on the sync's worker thread) to the main actor, numbered
/// so that a report overtaken by a later one is dropped.
final class SyncProgressRelay: SyncObserver, @unchecked Sendable {
    private let onStep: @Sendable (Int, SyncStep) -> Void
    private let lock = NSLock()
    private var count = 0

    init(onStep: @escaping @Sendable (Int, SyncStep) -> Void) {
        self.onStep = onStep
    }

    func onProgress(progress: SachxanhCore.Progress) {
        lock.lock()
        count += 1
        let n = count
        lock.unlock()
        onStep(n, SyncStep(progress))
    }
}

/// Sync now, its progress, cancel, and the background runs. One per app: home, the outbox, the
/// review queue and the background task share it, so two syncs never run at once. When to sync,
/// retry or stop is the core's decision (`syncDecision`, `syncAfterRun`, `syncOnReconnect`);
/// this reports the phone's conditions to it and runs what it decides.
@MainActor
final class SyncController: ObservableObject {
    @Published private(set) var state: SyncUiState = .idle
    /// The network as the shell last reported it.
    @Published private(set) var network: Network = .unknown

    private let core: Sachxanh
    private var batterySaver = false
    private var photosOnWifiOnly = false
    private var running = false
    // The core forgets a cancel that arrives before its sync starts; remember it here.
    private var cancelRequested = false
    private var lastStep = 0

    init(core: Sachxanh) {
        self.core = core
    }

    var isRunning: Bool { running }

    /// How often the periodic background run comes (BGTask's earliest date after a run).
    var periodMs: UInt64 { syncPeriodMs() }

    /// The first retry delay of the core's backoff.
    var firstBackoffMs: UInt64 {
        if case .retry(let delayMs) = syncAfterRun(outcome: .failed, attempt: 0) { return delayMs }
        return 0
    }

    /// From NWPathMonitor: Wi-Fi is `unmetered`, mobile data (an expensive path) `metered`. When
    /// a network comes back and the core says so, what waits is sent at once.
    func onNetworkChanged(_ network: Network) {
        let before = self.network
        self.network = network
        let usable = network == .metered || network == .unmetered
        let wasUsable = before == .metered || before == .unmetered
        guard usable, !wasUsable else { return }
        Task {
            guard case .success(let c) = await currentConditions() else { return }
            if syncOnReconnect(waiting: c.waiting + c.photosWaiting), syncDecision(conditions: c) == .run {
                await sync()
            }
        }
    }

    /// The phone's Low Power Mode: only records go then.
    func onBatterySaverChanged(_ on: Bool) {
        batterySaver = on
    }

    /// The person's setting: photos only over Wi-Fi (mobile data is paid by the megabyte).
    func setPhotosOnWifiOnly(_ on: Bool) {
        photosOnWifiOnly = on
    }

    /// The "sync now" button. Does nothing while a sync runs.
    func syncNow() {
        Task { await sync() }
    }

    /// Stops a running sync at the core's next safe point; what was sent stays sent.
    func cancel() {
        guard running else { return }
        cancelRequested = true
        core.cancelSync()
    }

    /// Runs one sync and returns how it ended; while it runs, `state` follows its progress.
    @discardableResult
    func sync() async -> SyncUiState {
        guard !running else { return state }
        running = true
        defer { running = false }
        if network == Network.none {
            return publish(.offline(Texts.noNetwork))
        }
        cancelRequested = false
        lastStep = 0
        state = .running(.starting)
        let core = self.core
        let relay = SyncProgressRelay { [weak self] n, step in
            Task { @MainActor in self?.onStep(n, step) }
        }
        // The task waiting here was cancelled (the background task expired): stop the core too.
        let outcome = await withTaskCancellationHandler {
            await runCore { try core.sync(observer: relay) }
        } onCancel: {
            core.cancelSync()
        }
        switch outcome {
        case .success(let report):
            return publish(.done(
                pushed: report.pushed,
                pulled: report.pulled,
                refused: report.refused,
                finishedAtMs: Int64(Date().timeIntervalSince1970 * 1000),
                photosUploaded: report.photosUploaded,
                photosWaiting: report.photosWaiting,
                notices: report.notices.map(\.message)
            ))
        case .failure(.offline(let m)): return publish(.offline(m))
        case .failure(.cancelled(let m)): return publish(.cancelled(m))
        case .failure(.notEnrolled(let m)): return publish(.notEnrolled(m))
        case .failure(let e): return publish(.failed(e.message))
        }
    }

    private func onStep(_ n: Int, _ step: SyncStep) {
        guard running, n > lastStep else { return }
        lastStep = n
        if cancelRequested { core.cancelSync() }
        state = .running(step)
    }

    /// What the core decides on: the store's counts and the phone's state now.
    private func currentConditions() async -> Result<SyncConditions, CoreError> {
        let core = self.core
        let network = self.network
        let batterySaver = self.batterySaver
        let photosOnWifiOnly = self.photosOnWifiOnly
        return await runCore {
            let status = try core.syncStatus()
            return SyncConditions(
                enrolled: core.me() != nil,
                network: network,
                batterySaver: batterySaver,
                waiting: status.waiting,
                photosWaiting: status.photosWaiting,
                lastSyncMs: status.lastSyncMs,
                nowMs: Int64(Date().timeIntervalSince1970 * 1000),
                photosOnWifiOnly: photosOnWifiOnly
            )
        }
    }

    /// The background task's whole job: the core decides whether to sync now; after a run it
    /// says whether to retry (after `delayMs`) or stop. `attempt`: runs that asked for a retry
    /// since the last success (0 on the first).
    func runInBackground(attempt: Int) async -> AfterRun {
        let tries = UInt32(clamping: max(attempt, 0))
        guard case .success(let c) = await currentConditions() else {
            return syncAfterRun(outcome: .failed, attempt: tries)
        }
        switch syncDecision(conditions: c) {
        case .run:
            let ended = await sync()
            return syncAfterRun(outcome: ended.outcome(), attempt: tries)
        case .skip:
            return .success
        // Waiting for a network is retried like a run that found none.
        case .waitForNetwork:
            return syncAfterRun(outcome: .offline, attempt: tries)
        case .stop:
            return .stop
        }
    }

    /// iOS only (BGTaskScheduler has no periodic work of its own): how soon to ask for the next
    /// background run when the app leaves the screen, from the core's decision — at once when it
    /// would sync now or waits for a network (the processing task itself waits for one), after
    /// the core's period when nothing waits, never when the person must enrol again.
    func nextBackgroundRunMs() async -> UInt64? {
        guard case .success(let c) = await currentConditions() else { return firstBackoffMs }
        switch syncDecision(conditions: c) {
        case .run, .waitForNetwork: return 0
        case .skip: return periodMs
        case .stop: return nil
        }
    }

    private func publish(_ s: SyncUiState) -> SyncUiState {
        state = s
        return s
    }
}
