import BackgroundTasks
import Foundation

/// Sync while the app is not open: a short app-refresh task (iOS picks the moment) and a
/// processing task that waits for a network connection, so records saved in a hamlet without
/// signal go out once the phone finds one. Both identifiers are listed in Info.plist under
/// BGTaskSchedulerPermittedIdentifiers.
enum BackgroundSync {
    static let refreshTask = "vn.sachxanh.sync.refresh"
    static let processingTask = "vn.sachxanh.sync.processing"

    /// Must run before the app finishes launching (the AppDelegate does it).
    static func register(controller: @escaping @MainActor () async -> SyncController?) {
        for id in [refreshTask, processingTask] {
            _ = BGTaskScheduler.shared.register(forTaskWithIdentifier: id, using: nil) { task in
                handle(task, controller: controller)
            }
        }
    }

    /// Asks iOS for the next runs, no earlier than `after` seconds from now.
    static func schedule(after: TimeInterval) {
        let refresh = BGAppRefreshTaskRequest(identifier: refreshTask)
        refresh.earliestBeginDate = Date(timeIntervalSinceNow: after)
        let processing = BGProcessingTaskRequest(identifier: processingTask)
        processing.requiresNetworkConnectivity = true
        processing.requiresExternalPower = false
        processing.earliestBeginDate = Date(timeIntervalSinceNow: after)
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
            let outcome = await sync.runInBackground()
            if let next = outcome.nextRunIn { schedule(after: next) }
            task.setTaskCompleted(success: outcome.success)
        }
    }
}
