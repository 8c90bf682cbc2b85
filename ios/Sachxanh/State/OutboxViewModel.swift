import Foundation
import SachxanhCore

/// One of my records and where it stands.
struct OutboxItem: Identifiable, Equatable {
    let id: String
    let kind: RecordKind
    let title: String
    let areaId: String?
    let status: ReviewStatus
    /// Saved on this phone and not yet on the server.
    let unsent: Bool
    let inConflict: Bool
    /// The reviewer's reason for the latest return or rejection, while it stands.
    let reviewerReason: String?

    /// Drafts and returned records can be sent for review from the list.
    var canSubmit: Bool {
        switch status {
        case .draft, .returned: return true
        default: return false
        }
    }
}

/// A version the server refused: kept readable with the server's reason until dismissed.
struct RefusedItem: Identifiable, Equatable {
    let recordId: String
    /// `nil` for a kind this app version does not know.
    let kind: String?
    /// Stable code, e.g. `out_of_scope`, `not_allowed_for_role`, `invalid`.
    let code: String
    let message: UserText
    /// Field paths the server found invalid (for `invalid`).
    let fields: [String]
    let refusedAt: Date
    var id: String { recordId }
}

struct OutboxContent: Equatable {
    /// As the core lists them.
    let items: [OutboxItem]
    let refused: [RefusedItem]
}

/// My records with their state, the unsent flag, and refusal or return reasons.
@MainActor
final class OutboxViewModel: ObservableObject {
    /// empty: nothing recorded on this phone yet and nothing refused.
    @Published private(set) var state: UiState<OutboxContent> = .loading
    /// A submit or dismiss that failed, shown over the list.
    @Published private(set) var problem: String?

    private let core: Sachxanh
    let sync: SyncController

    init(core: Sachxanh, sync: SyncController) {
        self.core = core
        self.sync = sync
    }

    func refresh() async {
        let core = self.core
        let result = await runCore { () -> OutboxContent in
            let items = try core.outbox().map { r in
                OutboxItem(
                    id: r.id,
                    kind: r.kind,
                    title: r.title,
                    areaId: r.areaId,
                    status: r.status,
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
                    code: r.code,
                    message: UserText(vi: r.message.vi, en: r.message.en),
                    fields: r.fields.map(\.field),
                    refusedAt: Date(timeIntervalSince1970: TimeInterval(r.refusedAt) / 1000)
                )
            }
            return OutboxContent(items: items, refused: refused)
        }
        switch result {
        case .success(let c): state = c.items.isEmpty && c.refused.isEmpty ? .empty : .loaded(c)
        case .failure(let e): state = e.uiState()
        }
    }

    func syncNow() {
        Task {
            await sync.sync()
            await refresh()
        }
    }

    /// Sends a draft or a fixed returned record for review (its values are checked again first).
    func submit(id: String) async {
        let core = self.core
        switch await runCore({ try core.submit(id: id) }) {
        case .success: problem = nil
        case .failure(let e): problem = e.message.text
        }
        await refresh()
    }

    /// The person has read the refusal (or recorded the record again correctly).
    func dismissRefused(recordId: String) async {
        let core = self.core
        switch await runCore({ try core.dismissRefused(id: recordId) }) {
        case .success: problem = nil
        case .failure(let e): problem = e.message.text
        }
        await refresh()
    }
}
