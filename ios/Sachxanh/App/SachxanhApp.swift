import SachxanhCore
import SwiftUI
import UIKit

@main
struct SachxanhApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var appDelegate
    @StateObject private var env = AppEnvironment.shared
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(env)
                .task { await env.open() }
        }
        .onChange(of: scenePhase) { phase in
            guard phase == .background, let sync = env.sync else { return }
            // Leaving the app: ask iOS for a background run when the core says one is due.
            Task {
                if let ms = await sync.nextBackgroundRunMs() { BackgroundSync.schedule(afterMs: ms) }
            }
        }
    }
}

final class AppDelegate: NSObject, UIApplicationDelegate {
    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        // iOS requires the handlers before launch ends; a background launch opens the store too.
        BackgroundSync.register {
            let env = AppEnvironment.shared
            await env.open()
            return env.sync
        }
        return true
    }
}

/// Opening the store, then enrolment or the app.
struct RootView: View {
    @EnvironmentObject private var env: AppEnvironment

    var body: some View {
        switch env.phase {
        case .opening:
            ProgressView("app.opening")
        case .failed(let message):
            VStack(spacing: 12) {
                Image(systemName: "exclamationmark.triangle").font(.largeTitle)
                Text(message.text).multilineTextAlignment(.center)
            }
            .padding()
        case .ready(let core, let sync):
            EnrolGate(core: core, sync: sync, tokens: env.tokens)
        }
    }
}

/// Enrolment, then the app. When home learns that the token is refused, a new enrolment starts
/// over (the kept token is forgotten): a fresh `EnrolViewModel` with `startOver`.
struct EnrolGate: View {
    let core: Sachxanh
    let sync: SyncController
    let tokens: TokenStore
    @State private var attempt = 0

    var body: some View {
        EnrolFlow(core: core, sync: sync, tokens: tokens, startOver: attempt > 0, onEnrolAgain: { attempt += 1 })
            .id(attempt)
    }
}

private struct EnrolFlow: View {
    let core: Sachxanh
    let sync: SyncController
    let onEnrolAgain: () -> Void
    @StateObject private var enrol: EnrolViewModel

    init(core: Sachxanh, sync: SyncController, tokens: TokenStore, startOver: Bool, onEnrolAgain: @escaping () -> Void) {
        self.core = core
        self.sync = sync
        self.onEnrolAgain = onEnrolAgain
        _enrol = StateObject(wrappedValue: EnrolViewModel(core: core, tokens: tokens, startOver: startOver))
    }

    var body: some View {
        switch enrol.state {
        case .checking:
            ProgressView()
        case .enrolled:
            AppNavigation(core: core, sync: sync, onEnrolAgain: onEnrolAgain)
        default:
            EnrolScreen(vm: enrol)
        }
    }
}

/// The home screen and everything reached from it.
struct AppNavigation: View {
    let core: Sachxanh
    let sync: SyncController
    let onEnrolAgain: () -> Void
    @State private var path: [Route] = []

    var body: some View {
        NavigationStack(path: $path) {
            HomeScreen(vm: HomeViewModel(core: core, sync: sync), navigate: navigate, onEnrolAgain: onEnrolAgain)
                .navigationDestination(for: Route.self) { route in
                    destination(route)
                }
        }
        .environmentObject(sync)
    }

    private func navigate(_ route: Route) {
        path.append(route)
    }

    @ViewBuilder
    private func destination(_ route: Route) -> some View {
        switch route {
        case .households(let areaId):
            HouseholdsScreen(vm: HouseholdsViewModel(core: core, areaId: areaId), navigate: navigate)
        case .form(let target):
            RecordFormScreen(
                vm: RecordFormViewModel(core: core, target: target),
                householdPicker: { areaId in HouseholdsViewModel(core: core, areaId: areaId) }
            )
        case .covenants:
            CovenantScreen(vm: CovenantViewModel(core: core), navigate: navigate)
        case .outbox:
            OutboxScreen(vm: OutboxViewModel(core: core, sync: sync), navigate: navigate)
        case .reviewQueue:
            ReviewQueueScreen(vm: ReviewQueueViewModel(core: core, sync: sync))
        }
    }
}
