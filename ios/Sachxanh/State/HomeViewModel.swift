import Combine
import Foundation
import SachxanhCore

/// One of my areas with what has been recorded there (all records, approved or not).
struct AreaCard: Identifiable, Equatable {
    let area: AreaInfo
    let figures: AreaFigures?

    var id: String { area.id }
}

/// A record waiting for me: a draft to finish, one staff returned, one in conflict.
struct TodoItem: Identifiable, Equatable {
    let id: String
    let kind: RecordKind
    let kindLabel: Message
    let title: Message
    let areaName: String?
    let status: ReviewStatus
    /// The core's words for `status` ("Bản nháp", "Bị trả lại" …).
    let statusLabel: Message
    /// Two phones changed the same field: someone must choose.
    let inConflict: Bool
    /// The reviewer's words when the record was returned.
    let reviewerReason: String?

    /// The form to open for it.
    var target: FormTarget { FormTarget(kind: kind, recordId: id) }
}

/// The home screen's sync line: when, how much waits, what was refused, what runs now.
struct SyncSummary: Equatable {
    let lastSyncMs: Int64?
    let waiting: UInt64
    let refused: UInt64
    let activity: SyncUiState
    let network: Network
    /// Photos on the phone the server does not hold yet (sent after the records).
    var photosWaiting: UInt64 = 0
    /// The phone's clock is far from the server's: the core's words asking to set it.
    var clockSkew: Message? = nil
    /// This month's data used by sync and its cost at the person's tariff, in the core's words.
    var dataUse: Message? = nil

    /// Offline is a banner over the content, never a blank screen: the app works without signal.
    var offline: Bool {
        if network == Network.none { return true }
        if case .offline = activity { return true }
        return false
    }

    var offlineMessage: Message? {
        if case .offline(let m) = activity { return m }
        return network == Network.none ? Texts.noNetwork : nil
    }
}

enum HomeUiState: Equatable {
    case loading

    /// No person on this phone (or the token was revoked): go to the enrolment screen.
    case notEnrolled(Message?)

    case error(Message)

    case ready(Ready)

    struct Ready: Equatable {
        let person: PersonInfo
        /// The person's role in words.
        let roleLabel: Message
        let areas: [AreaCard]
        /// The "new record" menu: the kinds this person may record, with their names.
        let newRecord: [KindCapability]
        let todo: [TodoItem]
        /// Staff only: records waiting for their review.
        let reviewWaiting: Int?
        let sync: SyncSummary

        /// The empty state: nothing to fix, nothing refused.
        var nothingToDo: Bool { todo.isEmpty && sync.refused == 0 }
    }
}

/// The home screen: my areas, the "new record" menu, what needs doing, and sync.
@MainActor
final class HomeViewModel: ObservableObject {
    @Published private(set) var state: HomeUiState = .loading

    private enum Loaded: Equatable {
        case loading
        case notEnrolled(Message?)
        case error(Message)
        case data(LoadedData)
    }

    private struct LoadedData: Equatable {
        let person: PersonInfo
        let roleLabel: Message
        let areas: [AreaCard]
        let newRecord: [KindCapability]
        let todo: [TodoItem]
        let reviewWaiting: Int?
        let lastSyncMs: Int64?
        let waiting: UInt64
        let refused: UInt64
        let photosWaiting: UInt64
        let clockSkew: Message?
        let dataUse: Message?
    }

    @Published private var loaded: Loaded = .loading
    private let core: Sachxanh
    private let sync: SyncController
    private var subscriptions = Set<AnyCancellable>()
    /// Loads run one after another in Kotlin (a mutex); here the newest result wins.
    private var generation = 0

    init(core: Sachxanh, sync: SyncController) {
        self.core = core
        self.sync = sync
        Publishers.CombineLatest3($loaded, sync.$state, sync.$network)
            .map { l, activity, network in HomeViewModel.compose(l, activity, network) }
            .assign(to: &$state)
        refresh()
        // After every sync the counts and decisions change: read them again.
        sync.$state
            .sink { [weak self] s in
                if !s.isRunning && s != .idle { self?.refresh() }
            }
            .store(in: &subscriptions)
    }

    nonisolated private static func compose(_ l: Loaded, _ activity: SyncUiState, _ network: Network) -> HomeUiState {
        switch l {
        case .loading: return .loading
        case .error(let m): return .error(m)
        case .notEnrolled(let m): return .notEnrolled(m)
        case .data(let d):
            if case .notEnrolled(let m) = activity { return .notEnrolled(m) }
            return .ready(HomeUiState.Ready(
                person: d.person,
                roleLabel: d.roleLabel,
                areas: d.areas,
                newRecord: d.newRecord,
                todo: d.todo,
                reviewWaiting: d.reviewWaiting,
                sync: SyncSummary(
                    lastSyncMs: d.lastSyncMs,
                    waiting: d.waiting,
                    refused: d.refused,
                    activity: activity,
                    network: network,
                    photosWaiting: d.photosWaiting,
                    clockSkew: d.clockSkew,
                    dataUse: d.dataUse
                )
            ))
        }
    }

    /// On return to the screen, after a form was saved, or pulled down by the person.
    func refresh() {
        Task { await load() }
    }

    private func load() async {
        generation += 1
        let mine = generation
        let core = self.core
        let result = await runCore { () -> LoadedData? in
            guard let person = core.me(), let caps = core.capabilities() else { return nil }
            let status = try core.syncStatus()
            let reviewWaiting: Int? = try caps.mayReview ? core.reviewQueue().count : nil
            return LoadedData(
                person: person,
                roleLabel: caps.roleLabel,
                areas: try caps.areas.map { AreaCard(area: $0, figures: try core.areaFigures(areaId: $0.id)) },
                newRecord: caps.kinds.filter(\.mayWrite),
                todo: try core.needsAttention().map(HomeViewModel.todo),
                reviewWaiting: reviewWaiting,
                lastSyncMs: status.lastSyncMs,
                waiting: status.waiting,
                refused: status.refused,
                photosWaiting: status.photosWaiting,
                clockSkew: status.clockSkew?.message,
                dataUse: try core.dataUse().message
            )
        }
        guard mine == generation else { return }
        switch result {
        case .success(let data?): loaded = .data(data)
        case .success(nil): loaded = .notEnrolled(nil)
        case .failure(.notEnrolled(let m)): loaded = .notEnrolled(m)
        case .failure(let e): loaded = .error(e.message)
        }
    }

    /// A new record of `kind` from the menu, in `areaId` (a card's area) or the person's first.
    func newRecord(kind: RecordKind, areaId: String? = nil) -> FormTarget {
        FormTarget(kind: kind, areaId: areaId)
    }

    func syncNow() { sync.syncNow() }

    func cancelSync() { sync.cancel() }

    nonisolated private static func todo(_ r: RecordSummary) -> TodoItem {
        TodoItem(
            id: r.id,
            kind: r.kind,
            kindLabel: r.kindLabel,
            title: r.title,
            areaName: r.areaName,
            status: r.status,
            statusLabel: r.statusLabel,
            inConflict: r.inConflict,
            // The core sets it only while the record stands returned or rejected.
            reviewerReason: r.reason
        )
    }
}
