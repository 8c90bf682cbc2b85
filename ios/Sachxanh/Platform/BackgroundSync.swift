import BackgroundTasks
import Foundation
import SachxanhCore

/// Sync while the app is not open: a short app-refresh task (iOS picks the moment) and a
/// processing task that waits for a network connection, so records saved in a hamlet without
/// signal go out once the phone finds one. Both identifiers are listed in Info.plist under
/// BGTaskSchedulerPermittedIdentifiers.
///
/// Whether to sync, retry or stop is the core's decision (`SyncController.runInBackground`); this
/// only hands it to BGTaskScheduler, which — unlike Android's WorkManager — has no periodic work,
/// no backoff and no attempt count of its own: the next run is asked for here, and the attempt
/// count is kept in the app's defaults.
enum BackgroundSync {
    static let refreshTask = "vn.sachxanh.sync.refresh"
    static let processingTask = "vn.sachxanh.sync.processing"
    private static let attemptKey = "vn.sachxanh.sync.attempt"

    /// Must run before the app finishes launching (the AppDelegate does it).
    static func register(controller: @escaping @MainActor () async -> SyncController?) {
        for id in [refreshTask, processingTask] {
            _ = BGTaskScheduler.shared.register(forTaskWithIdentifier: id, using: nil) { task in
                handle(task, controller: controller)
            }
        }
    }

    /// Asks iOS for the next runs, no earlier than `afterMs` from now.
    static func schedule(afterMs: UInt64) {
        let after = Date(timeIntervalSinceNow: TimeInterval(afterMs) / 1000)
        let refresh = BGAppRefreshTaskRequest(identifier: refreshTask)
        refresh.earliestBeginDate = after
        let processing = BGProcessingTaskRequest(identifier: processingTask)
        processing.requiresNetworkConnectivity = true
        processing.requiresExternalPower = false
        processing.earliestBeginDate = after
        // Fails on the simulator and when background refresh is off; the next foreground sync
        // and the next scheduling attempt cover for it.
        try? BGTaskScheduler.shared.submit(refresh)
        try? BGTaskScheduler.shared.submit(processing)
    }

    private static func handle(_ task: BGTask, controller: @escaping @MainActor () async -> SyncController?) {
        Task { @MainActor in
            guard let sync = await controller() else {
                task.setTaskCompleted(success: false)
                return
            }
            // iOS takes the time back: stop at the core's next safe point; nothing is lost.
            task.expirationHandler = { Task { @MainActor in sync.cancel() } }
            let defaults = UserDefaults.standard
            let after = await sync.runInBackground(attempt: defaults.integer(forKey: attemptKey))
            switch after {
            case .success:
                defaults.set(0, forKey: attemptKey)
                schedule(afterMs: sync.periodMs)
            case .retry(let delayMs):
                defaults.set(defaults.integer(forKey: attemptKey) + 1, forKey: attemptKey)
                schedule(afterMs: delayMs)
            case .stop:
                // The person must enrol again: nothing runs until the app is opened.
                defaults.set(0, forKey: attemptKey)
            }
            task.setTaskCompleted(success: after == .success)
        }
    }
}
