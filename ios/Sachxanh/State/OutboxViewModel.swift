import Combine
import Foundation
import SachxanhCore

/// One of my records and where it stands.
struct OutboxItem: Identifiable, Equatable {
    let id: String
    let kind: RecordKind
    let kindLabel: Message
    let title: Message
    let areaName: String?
    let status: ReviewStatus
    let statusLabel: Message
    /// Saved on this phone and not yet on the server.
    let unsent: Bool
    let inConflict: Bool
    /// The reviewer's reason for the latest return or rejection.
    let reviewerReason: String?

    /// The form to open for it.
    var target: FormTarget { FormTarget(kind: kind, recordId: id) }
}

/// A version the server refused: kept readable with the server's reason until dismissed.
struct RefusedItem: Identifiable, Equatable {
    let recordId: String
    /// `nil` for a kind this app version does not know.
    let kind: RecordKind?
    let kindLabel: Message?
    /// Why, as a stable code (`outOfScope`, `notAllowedForRole`, `invalid` …).
    let code: ErrorCode
    /// Why, in words.
    let message: Message
    /// The rules it broke, in words (for `invalid`).
    let problems: [Message]
    let refusedAtMs: Int64

    var id: String { recordId }
}

/// A refused version opened: what the person sent, field by field, to record it again correctly.
struct RefusedDetail: Identifiable, Equatable {
    let item: RefusedItem
    let fields: [ReadField]

    var id: String { item.recordId }
}

enum OutboxUiState: Equatable {
    case loading

    case error(Message)

    /// Nothing recorded on this phone yet.
    case empty(offlineMessage: Message?)

    case content(Content)

    struct Content: Equatable {
        /// Newest first.
        let items: [OutboxItem]
        let refused: [RefusedItem]
        let sync: SyncUiState
        /// Shown as a banner over the list: the list itself is on the phone and always readable.
        let offlineMessage: Message?
        /// A refused version opened with `openRefused`.
        var refusedDetail: RefusedDetail? = nil

        var unsentCount: Int { items.filter(\.unsent).count }
    }
}

/// My records with their state, the unsent flag, and refusal or return reasons.
@MainActor
final class OutboxViewModel: ObservableObject {
    @Published private(set) var state: OutboxUiState = .loading

    private enum Loaded: Equatable {
        case loading
        case error(Message)
        case data(items: [OutboxItem], refused: [RefusedItem], detail: RefusedDetail?)
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
            .map { l, activity, network in OutboxViewModel.compose(l, activity, network) }
            .assign(to: &$state)
        refresh()
        sync.$state
            .sink { [weak self] s in
                if !s.isRunning && s != .idle { self?.refresh() }
            }
            .store(in: &subscriptions)
    }

    nonisolated private static func compose(_ l: Loaded, _ activity: SyncUiState, _ network: Network) -> OutboxUiState {
        var offline: Message?
        if case .offline(let m) = activity {
            offline = m
        } else if network == Network.none {
            offline = Texts.noNetwork
        }
        switch l {
        case .loading: return .loading
        case .error(let m): return .error(m)
        case .data(let items, let refused, let detail):
            if items.isEmpty && refused.isEmpty { return .empty(offlineMessage: offline) }
            return .content(OutboxUiState.Content(items: items, refused: refused, sync: activity, offlineMessage: offline, refusedDetail: detail))
        }
    }

    func refresh() {
        Task { await load() }
    }

    func syncNow() { sync.syncNow() }

    func cancelSync() { sync.cancel() }

    /// The person has read the refusal (or recorded the record again correctly).
    func dismissRefused(recordId: String) {
        let core = self.core
        Task {
            switch await runCore({ try core.dismissRefused(id: recordId) }) {
            case .success: await load()
            case .failure(let e): loaded = .error(e.message)
            }
        }
    }

    /// Opens a refused version: what was sent, in words, next to the server's reason.
    func openRefused(recordId: String) {
        guard case .data(_, let refused, _) = loaded, let item = refused.first(where: { $0.recordId == recordId }) else { return }
        let core = self.core
        Task {
            guard case .success(let fields) = await runCore({ try core.readRefused(id: recordId) }),
                  case .data(let items, let refused, _) = loaded else { return }
            loaded = .data(items: items, refused: refused, detail: RefusedDetail(item: item, fields: fields))
        }
    }

    func closeRefused() {
        guard case .data(let items, let refused, _) = loaded else { return }
        loaded = .data(items: items, refused: refused, detail: nil)
    }

    private func load() async {
        generation += 1
        let mine = generation
        let core = self.core
        let result = await runCore { () -> ([OutboxItem], [RefusedItem]) in
            let items = try core.outbox().reversed().map { r in
                OutboxItem(
                    id: r.id,
                    kind: r.kind,
                    kindLabel: r.kindLabel,
                    title: r.title,
                    areaName: r.areaName,
                    status: r.status,
                    statusLabel: r.statusLabel,
                    unsent: r.unsent,
                    inConflict: r.inConflict,
                    // The core sets it only while the record stands returned or rejected.
                    reviewerReason: r.reason
                )
            }
            let refused = try core.refused().map { r in
                RefusedItem(
                    recordId: r.recordId,
                    kind: r.kind,
                    kindLabel: r.kindLabel,
                    code: r.code,
                    message: r.message,
                    problems: r.problems,
                    refusedAtMs: r.refusedAt
                )
            }
            return (items, refused)
        }
        guard mine == generation else { return }
        switch result {
        case .success(let (items, refused)):
            // An opened refusal stays open while it is still listed.
            var detail: RefusedDetail?
            if case .data(_, _, let open?) = loaded, refused.contains(where: { $0.recordId == open.item.recordId }) {
                detail = open
            }
            loaded = .data(items: items, refused: refused, detail: detail)
        case .failure(let e):
            loaded = .error(e.message)
        }
    }
}
