import Combine
import Foundation
import SachxanhCore

/// A record waiting for a reviewer.
struct ReviewItem: Identifiable, Equatable {
    let id: String
    let kind: RecordKind
    let kindLabel: Message
    let title: Message
    let areaName: String?
    /// Awaiting review, or approved once and changed since.
    let status: ReviewStatus
    let statusLabel: Message
    let inConflict: Bool
}

/// A record opened by the reviewer: every shown field with its value, in words.
enum Reading: Equatable {
    case loading(ReviewItem)
    case shown(ReviewItem, fields: [ReadField])
    case failed(ReviewItem, message: Message)

    var item: ReviewItem {
        switch self {
        case .loading(let item), .shown(let item, _), .failed(let item, _): return item
        }
    }
}

/// A return or rejection being written: the author will read `reason` on their phone.
struct Deciding: Identifiable, Equatable {
    let item: ReviewItem
    let decision: Decision
    var reason = ""
    /// The core's words under the reason box (a return needs a reason).
    var problems: [Message] = []
    var saving = false

    var id: String { item.id }
}

/// The last decision, for a short confirmation ("sent at the next sync").
struct Decided: Equatable {
    let item: ReviewItem
    let decision: Decision
}

enum ReviewQueueUiState: Equatable {
    case loading

    /// Only reviewers (the core's capabilities) review; the entry is hidden for others, this is the guard.
    case notAllowed

    case error(Message)

    /// Nothing waits for review on this phone (sync to fetch new submissions).
    case empty(lastDecided: Decided?)

    case content(Content)

    struct Content: Equatable {
        let items: [ReviewItem]
        /// The record being read before deciding.
        var reading: Reading? = nil
        var deciding: Deciding? = nil
        var lastDecided: Decided? = nil
        /// A decision that failed for another reason than the form (storage, role).
        var problem: Message? = nil
    }
}

/// Commune staff on a phone: read a record, approve it, return or reject it with a reason.
@MainActor
final class ReviewQueueViewModel: ObservableObject {
    @Published private(set) var state: ReviewQueueUiState = .loading

    private let core: Sachxanh
    private let sync: SyncController
    private var subscriptions = Set<AnyCancellable>()

    init(core: Sachxanh, sync: SyncController) {
        self.core = core
        self.sync = sync
        refresh()
        // A sync brings new submissions (and sends the decisions made here).
        sync.$state
            .sink { [weak self] s in
                guard let self, case .done = s else { return }
                let last = self.lastDecidedNow()
                Task { await self.load(last) }
            }
            .store(in: &subscriptions)
    }

    /// The sync line of the screen: decisions leave the phone with the next sync.
    var syncState: SyncUiState { sync.state }

    func syncNow() { sync.syncNow() }

    func cancelSync() { sync.cancel() }

    private func lastDecidedNow() -> Decided? {
        switch state {
        case .content(let c): return c.lastDecided
        case .empty(let d): return d
        default: return nil
        }
    }

    func refresh(lastDecided: Decided? = nil) {
        Task { await load(lastDecided) }
    }

    private func load(_ lastDecided: Decided?) async {
        let core = self.core
        let result = await runCore { () -> [ReviewItem]? in
            guard core.capabilities()?.mayReview == true else { return nil }
            return try core.reviewQueue().map {
                ReviewItem(
                    id: $0.id,
                    kind: $0.kind,
                    kindLabel: $0.kindLabel,
                    title: $0.title,
                    areaName: $0.areaName,
                    status: $0.status,
                    statusLabel: $0.statusLabel,
                    inConflict: $0.inConflict
                )
            }
        }
        switch result {
        case .failure(let e):
            state = .error(e.message)
        case .success(nil):
            state = .notAllowed
        case .success(let items?):
            if items.isEmpty {
                state = .empty(lastDecided: lastDecided)
                return
            }
            // A sync finishing in the background must not throw away the record the reviewer
            // is reading or the reason being typed, while that record still waits.
            var open: ReviewQueueUiState.Content?
            if case .content(let c) = state { open = c }
            let ids = Set(items.map(\.id))
            var reading = open?.reading
            if let r = reading, !ids.contains(r.item.id) { reading = nil }
            var deciding = open?.deciding
            if let d = deciding, !ids.contains(d.item.id) || lastDecided?.item.id == d.item.id { deciding = nil }
            state = .content(ReviewQueueUiState.Content(items: items, reading: reading, deciding: deciding, lastDecided: lastDecided))
        }
    }

    /// Opens a record to read before deciding: its fields and values as the core words them.
    func open(id: String) {
        guard case .content(var c) = state, let item = c.items.first(where: { $0.id == id }) else { return }
        c.reading = .loading(item)
        state = .content(c)
        let core = self.core
        Task {
            let read = await runCore { try core.readRecord(id: id) }
            guard case .content(var s) = state, s.reading?.item.id == id else { return }
            switch read {
            case .success(let fields): s.reading = .shown(item, fields: fields)
            case .failure(let e): s.reading = .failed(item, message: e.message)
            }
            state = .content(s)
        }
    }

    func closeReading() {
        guard case .content(var c) = state else { return }
        c.reading = nil
        state = .content(c)
    }

    func approve(id: String) { decide(id: id, decision: .approved) }

    /// Opens the reason box; the decision is made by `confirm()`.
    func startReturn(id: String) { startDeciding(id: id, decision: .returned) }
    func startReject(id: String) { startDeciding(id: id, decision: .rejected) }

    private func startDeciding(id: String, decision: Decision) {
        guard case .content(var c) = state, let item = c.items.first(where: { $0.id == id }) else { return }
        c.deciding = Deciding(item: item, decision: decision)
        c.problem = nil
        state = .content(c)
    }

    func onReasonChanged(_ text: String) {
        guard case .content(var c) = state, var d = c.deciding, !d.saving else { return }
        d.reason = text
        c.deciding = d
        state = .content(c)
    }

    func dismiss() {
        guard case .content(var c) = state else { return }
        c.deciding = nil
        state = .content(c)
    }

    func confirm() {
        guard case .content(let c) = state, let d = c.deciding else { return }
        decide(id: d.item.id, decision: d.decision, reason: d.reason)
    }

    private func decide(id: String, decision: Decision, reason: String = "") {
        guard case .content(var c) = state, let item = c.items.first(where: { $0.id == id }) else { return }
        if c.deciding?.saving == true { return }
        let deciding = c.deciding?.item.id == id ? c.deciding : nil
        var savingNow = deciding
        savingNow?.saving = true
        c.deciding = savingNow
        c.problem = nil
        state = .content(c)
        let core = self.core
        Task {
            // The review is pinned to the version on this phone: what the reviewer looked at.
            let r = await runCore { try core.review(recordId: id, decision: decision, reason: reason) }
            switch r {
            case .success:
                await load(Decided(item: item, decision: decision))
            case .failure(let e):
                guard case .content(var s) = state else { return }
                if case .invalid(let m, let problems) = e {
                    // The review's own rules (a return needs a reason): under the reason box.
                    var d = deciding ?? Deciding(item: item, decision: decision, reason: reason)
                    d.saving = false
                    d.problems = problems.isEmpty ? [m] : problems.map(\.message)
                    s.deciding = d
                } else {
                    var d = deciding
                    d?.saving = false
                    s.deciding = d
                    s.problem = e.message
                }
                state = .content(s)
            }
        }
    }
}
