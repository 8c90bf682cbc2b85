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
            // Leaving the app: ask iOS for a background run, sooner if something waits.
            let waiting = sync.state.value?.waiting ?? 0
            BackgroundSync.schedule(after: sync.policy.nextRun(waiting: waiting))
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
                Text(message).multilineTextAlignment(.center)
            }
            .padding()
        case .ready(let core, let sync):
            EnrolGate(core: core, sync: sync, tokens: env.tokens)
        }
    }
}

/// Enrolled (a token in the Keychain and a person in the store): the app; otherwise the
/// enrolment screen. A revoked token brings the enrolment screen back.
struct EnrolGate: View {
    let core: Sachxanh
    let sync: SyncController
    @StateObject private var enrol: EnrolViewModel

    init(core: Sachxanh, sync: SyncController, tokens: TokenStore) {
        self.core = core
        self.sync = sync
        _enrol = StateObject(wrappedValue: EnrolViewModel(core: core, tokens: tokens))
    }

    var body: some View {
        Group {
            switch enrol.state {
            case .loaded(let person):
                AppNavigation(core: core, sync: sync, person: person, onEnrolAgain: { message in
                    enrol.enrolAgain(message: message)
                })
            case .loading where enrol.code.isEmpty:
                ProgressView()
            default:
                EnrolScreen(vm: enrol)
            }
        }
        .task { await enrol.restore() }
    }
}

/// The home screen and everything reached from it.
struct AppNavigation: View {
    let core: Sachxanh
    let sync: SyncController
    let person: PersonInfo
    let onEnrolAgain: (UserText?) -> Void
    @State private var path: [Route] = []

    var body: some View {
        NavigationStack(path: $path) {
            HomeScreen(vm: HomeViewModel(core: core, sync: sync), onEnrolAgain: onEnrolAgain)
                .navigationDestination(for: Route.self) { route in
                    destination(route)
                }
        }
        .environmentObject(sync)
    }

    @ViewBuilder
    private func destination(_ route: Route) -> some View {
        switch route {
        case .households(let areaId):
            HouseholdsScreen(vm: HouseholdsViewModel(core: core, areaId: areaId))
        case .householdForm(let areaId, let recordId):
            HouseholdFormScreen(vm: HouseholdFormViewModel(core: core, areaId: areaId, recordId: recordId))
        case .sortingCheck(let householdId, let areaId, let recordId):
            SortingCheckScreen(vm: SortingCheckViewModel(core: core, householdId: householdId, areaId: areaId, recordId: recordId))
        case .cleanup(let areaId, let recordId):
            CleanupScreen(vm: CleanupViewModel(core: core, areaId: areaId, recordId: recordId))
        case .blackSpot(let areaId, let recordId):
            BlackSpotScreen(vm: BlackSpotViewModel(core: core, areaId: areaId, recordId: recordId))
        case .covenants:
            CovenantScreen(vm: CovenantViewModel(core: core))
        case .outbox:
            OutboxScreen(vm: OutboxViewModel(core: core, sync: sync))
        case .reviewQueue:
            ReviewQueueScreen(vm: ReviewQueueViewModel(core: core))
        }
    }
}
