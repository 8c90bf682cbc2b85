import SachxanhCore
import SwiftUI

/// My areas, what needs doing, and sync: last sync, how much waits, refusals, "sync now".
struct HomeScreen: View {
    @StateObject private var vm: HomeViewModel
    @EnvironmentObject private var sync: SyncController
    let onEnrolAgain: (UserText?) -> Void

    init(vm: @autoclosure @escaping () -> HomeViewModel, onEnrolAgain: @escaping (UserText?) -> Void) {
        _vm = StateObject(wrappedValue: vm())
        self.onEnrolAgain = onEnrolAgain
    }

    var body: some View {
        List {
            SyncSection(onEnrolAgain: onEnrolAgain)
            switch vm.state {
            case .loading:
                ProgressView().frame(maxWidth: .infinity)
            case .empty:
                Section { Text("home.no_areas") }
            case .error(let m), .offline(let m):
                Section { Label(m, systemImage: "exclamationmark.triangle") }
            case .loaded(let content):
                loadedSections(content)
            }
        }
        .navigationTitle("home.title")
        .refreshable { await vm.refresh() }
        .task { await vm.refresh() }
        .onChange(of: sync.activity) { activity in
            // New decisions and records arrived: the lists below may have changed.
            if case .done = activity { Task { await vm.refresh() } }
        }
    }

    @ViewBuilder
    private func loadedSections(_ c: HomeContent) -> some View {
        Section {
            LabeledContent {
                Text(c.person.role.titleKey)
            } label: {
                Text(c.person.name).font(.headline)
            }
        }
        Section("home.todo") {
            if c.nothingToDo {
                Label("home.nothing_to_do", systemImage: "checkmark.circle").foregroundStyle(.green)
            }
            ForEach(c.todo) { item in
                NavigationLink(value: RecordRoute.route(kind: item.kind, id: item.id, areaId: item.areaId)) {
                    TodoRow(item: item)
                }
                .disabled(RecordRoute.route(kind: item.kind, id: item.id, areaId: item.areaId) == nil)
            }
        }
        Section("home.my_areas") {
            ForEach(c.areas) { card in
                AreaCardView(card: card)
            }
        }
        Section("home.record") {
            NavigationLink(value: Route.cleanup(areaId: c.areas.first?.id, recordId: nil)) {
                Label("home.new_cleanup", systemImage: "leaf")
            }
            NavigationLink(value: Route.households(areaId: c.areas.first?.id)) {
                Label("home.households", systemImage: "house")
            }
            NavigationLink(value: Route.blackSpot(areaId: c.areas.first?.id, recordId: nil)) {
                Label("home.new_black_spot", systemImage: "exclamationmark.triangle")
            }
            NavigationLink(value: Route.covenants) {
                Label("home.covenants", systemImage: "doc.text")
            }
            NavigationLink(value: Route.outbox) {
                Label("home.outbox", systemImage: "tray.full")
            }
            if let waiting = c.reviewWaiting {
                NavigationLink(value: Route.reviewQueue) {
                    Label {
                        Text("home.review_queue \(waiting)")
                    } icon: {
                        Image(systemName: "checkmark.seal")
                    }
                }
            }
        }
    }
}

/// The sync line: when, how much waits, what was refused, and the button with its progress.
struct SyncSection: View {
    @EnvironmentObject private var sync: SyncController
    let onEnrolAgain: (UserText?) -> Void

    var body: some View {
        Section("home.sync") {
            if let status = sync.state.value {
                LabeledContent {
                    if let ms = status.lastSyncMs {
                        Text(Date(timeIntervalSince1970: TimeInterval(ms) / 1000), format: .relative(presentation: .named))
                    } else {
                        Text("home.never_synced")
                    }
                } label: {
                    Text("home.last_sync")
                }
                LabeledContent {
                    Text(String(status.waiting))
                } label: {
                    Text("home.waiting")
                }
                // Photos go after the records and take longest on 2G: say how many still wait.
                if status.photosWaiting > 0 {
                    LabeledContent {
                        Text(String(status.photosWaiting))
                    } label: {
                        Text("home.photos_waiting")
                    }
                }
                if status.refused > 0 {
                    NavigationLink(value: Route.outbox) {
                        LabeledContent {
                            Text(String(status.refused)).foregroundStyle(.red)
                        } label: {
                            Text("home.refused")
                        }
                    }
                }
            }
            activityRow
            if sync.network == .disconnected {
                Label("home.no_network", systemImage: "wifi.slash").foregroundStyle(.orange)
            }
        }
    }

    @ViewBuilder
    private var activityRow: some View {
        switch sync.activity {
        case .running(let step):
            VStack(alignment: .leading, spacing: 6) {
                if let fraction = step.fraction {
                    ProgressView(value: fraction) { Text(step.titleKey) }
                } else {
                    ProgressView { Text(step.titleKey) }
                }
                Button("home.sync_cancel", role: .cancel) { sync.cancel() }
                    .buttonStyle(.borderless)
            }
        case .notEnrolled(let m):
            VStack(alignment: .leading, spacing: 6) {
                Text(m.text).foregroundStyle(.red)
                Button("home.enrol_again") { onEnrolAgain(m) }
            }
        default:
            if let note = sync.activity.noteKey {
                Text(note).font(.footnote).foregroundStyle(.secondary)
            }
            if let note = sync.activity.photosNoteKey {
                Text(note).font(.footnote).foregroundStyle(.secondary)
            }
            if let message = sync.activity.message {
                Text(message.text).font(.footnote).foregroundStyle(.orange)
            }
            Button {
                sync.syncNow()
            } label: {
                Label("home.sync_now", systemImage: "arrow.triangle.2.circlepath")
            }
        }
    }
}

struct TodoRow: View {
    let item: TodoItem

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Label {
                Text(item.title)
            } icon: {
                Image(systemName: item.kind.systemImage)
            }
            HStack {
                Text(item.why.titleKey).font(.caption).foregroundStyle(.orange)
                if let area = item.areaName {
                    Text(area).font(.caption).foregroundStyle(.secondary)
                }
            }
            if let reason = item.reviewerReason {
                Text(reason).font(.footnote)
            }
        }
    }
}

struct AreaCardView: View {
    let card: AreaCard

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(card.area.name).font(.headline)
            if let f = card.figures {
                Text("home.figures.households \(Int(f.householdsChecked)) \(Int(f.households))")
                Text("home.figures.sorting \(Int(f.householdsSortingAll))")
                Text("home.figures.cleanups \(Int(f.cleanups)) \(Int(f.participants)) \(Numbers.kgText(f.wasteKg))")
                if let c = f.covenant {
                    HStack(spacing: 4) {
                        Text("home.figures.covenant")
                        Text(c.titleKey)
                    }
                }
            }
        }
        .font(.subheadline)
    }
}

/// Opening a listed record in its form.
enum RecordRoute {
    static func route(kind: RecordKind, id: String, areaId: String?) -> Route? {
        switch kind {
        case .household:
            guard let areaId else { return nil }
            return .householdForm(areaId: areaId, recordId: id)
        case .cleanup:
            return .cleanup(areaId: areaId, recordId: id)
        case .sortingCheck:
            // The form reads the household and area from the record itself.
            return .sortingCheck(householdId: "", areaId: areaId ?? "", recordId: id)
        case .covenant:
            return .covenants
        case .blackSpot:
            return .blackSpot(areaId: areaId, recordId: id)
        // Reviews and kinds the core will gain have no form in this version.
        default:
            return nil
        }
    }
}

extension TodoReason {
    var titleKey: LocalizedStringKey {
        switch self {
        case .draft: return "todo.draft"
        case .returned: return "todo.returned"
        case .conflict: return "todo.conflict"
        case .other: return "todo.other"
        }
    }
}

extension SyncStep {
    var titleKey: LocalizedStringKey {
        switch self {
        case .starting: return "sync.starting"
        case .sending(let done, let total): return "sync.sending \(Int(done)) \(Int(total))"
        case .receiving(let received): return "sync.receiving \(Int(received))"
        case .uploadingPhotos(let sent, let total):
            return "sync.uploading_photos \(Self.size(sent)) \(Self.size(total))"
        case .finishing: return "sync.finishing"
        case .working: return "sync.working"
        }
    }

    private static func size(_ bytes: UInt64) -> String {
        ByteCountFormatter.string(fromByteCount: Int64(clamping: bytes), countStyle: .file)
    }
}

extension SyncActivity {
    /// A short line about how the last sync went.
    var noteKey: LocalizedStringKey? {
        switch self {
        case .done(let pushed, let pulled, let refused, _, _, _):
            return "sync.done \(Int(pushed)) \(Int(pulled)) \(Int(refused))"
        default:
            return nil
        }
    }

    /// Photos sent, or those the link kept failing (they stay on the phone for next time).
    var photosNoteKey: LocalizedStringKey? {
        guard case .done(_, _, _, _, let uploaded, let waiting) = self else { return nil }
        if waiting > 0 { return "sync.photos_not_sent \(Int(waiting))" }
        if uploaded > 0 { return "sync.done_photos \(Int(uploaded))" }
        return nil
    }

    var message: UserText? {
        switch self {
        case .offline(let m), .cancelled(let m), .failed(let m): return m
        default: return nil
        }
    }
}
