import Foundation
import SachxanhCore

enum HouseholdsUiState: Equatable {
    case loading

    /// The person has no area on this phone (a province viewer, or enrolment went wrong).
    case noAreas

    case error(Message)

    /// No household recorded in the area yet, or none matches `query`.
    case empty(area: AreaInfo, areas: [AreaInfo], query: String)

    case content(Content)

    struct Content: Equatable {
        let area: AreaInfo
        let areas: [AreaInfo]
        let query: String
        var items: [HouseholdRow]
        /// The core's cursor for the next page; `nil` at the end of the list.
        var next: String?
        var loadingMore = false
        var moreError: Message? = nil

        var canLoadMore: Bool { next != nil && !loadingMore }
    }
}

/// The households of one of my areas: search as you type (with or without diacritics, the core
/// matches "nguyen" to "Nguyễn"), page by page, and the entries to add one, open one or check
/// one. Also the household picker of a form's Household field: opened on the form's area, a
/// tapped row goes back to `RecordFormViewModel.pickHousehold`.
@MainActor
final class HouseholdsViewModel: ObservableObject {
    @Published private(set) var state: HouseholdsUiState = .loading
    /// What the search box holds (the screen's text field follows it).
    @Published private(set) var query = ""

    private struct Request: Equatable {
        var area: AreaInfo
        var query: String
        var typed: Bool
        var generation: Int
    }

    private let core: Sachxanh
    private let pageSize: UInt32
    /// Typing pauses this long before searching: one query per word, not per letter.
    private let typingPauseNs: UInt64
    /// The area to show first (a form's area when picking); the person's first otherwise.
    private let areaId: String?
    private var request: Request?
    private var areas: [AreaInfo] = []
    private var writable: Set<RecordKind> = []
    private var loading: Task<Void, Never>?
    private var more: Task<Void, Never>?

    init(core: Sachxanh, pageSize: UInt32 = 30, typingPauseMs: UInt64 = 300, areaId: String? = nil) {
        self.core = core
        self.pageSize = pageSize
        self.typingPauseNs = typingPauseMs * 1_000_000
        self.areaId = areaId
        Task { [weak self] in await self?.start() }
    }

    private func start() async {
        let core = self.core
        switch await runCore({ core.capabilities() }) {
        case .failure(let e):
            state = .error(e.message)
        case .success(let caps):
            areas = caps?.areas ?? []
            writable = Set((caps?.kinds ?? []).filter(\.mayWrite).map(\.kind))
            guard let first = areas.first(where: { $0.id == areaId }) ?? areas.first else {
                state = .noAreas
                return
            }
            submit(Request(area: first, query: "", typed: false, generation: 0))
        }
    }

    /// A new request replaces one still waiting or loading (Kotlin's `collectLatest`).
    private func submit(_ r: Request) {
        request = r
        query = r.query
        more?.cancel()
        loading?.cancel()
        let pauseNs = r.typed ? typingPauseNs : 0
        loading = Task { [weak self] in
            if pauseNs > 0 { try? await Task.sleep(nanoseconds: pauseNs) }
            guard !Task.isCancelled else { return }
            await self?.load(r)
        }
    }

    func onQueryChanged(_ query: String) {
        guard var r = request else { return }
        r.query = query
        r.typed = true
        r.generation += 1
        submit(r)
    }

    func selectArea(_ areaId: String) {
        guard let area = areas.first(where: { $0.id == areaId }), var r = request else { return }
        r.area = area
        r.query = ""
        r.typed = false
        r.generation += 1
        submit(r)
    }

    private var shownArea: AreaInfo? {
        switch state {
        case .content(let c): return c.area
        case .empty(let area, _, _): return area
        default: return nil
        }
    }

    /// "Add a household" in the shown area; `nil` when the person may not record one.
    func add() -> FormTarget? {
        guard let area = shownArea, writable.contains(.household) else { return nil }
        return FormTarget(kind: .household, areaId: area.id)
    }

    /// A row tapped: its form.
    func open(_ row: HouseholdRow) -> FormTarget {
        FormTarget(kind: .household, recordId: row.id, areaId: row.areaId)
    }

    /// "Check sorting" on a row; `nil` when the person may not record a check.
    func check(_ row: HouseholdRow) -> FormTarget? {
        guard writable.contains(.sortingCheck) else { return nil }
        return FormTarget(kind: .sortingCheck, areaId: row.areaId, householdId: row.id)
    }

    /// After a household was added or changed, and on pull-to-refresh.
    func refresh() {
        guard var r = request else { return }
        r.typed = false
        r.generation += 1
        submit(r)
    }

    /// The end of the list came into view.
    func loadMore() {
        guard case .content(var current) = state, let after = current.next, !current.loadingMore else { return }
        current.loadingMore = true
        current.moreError = nil
        state = .content(current)
        let core = self.core
        let area = current.area
        let query = current.query
        let limit = pageSize
        more = Task {
            let page = await runCore { try core.households(areaId: area.id, query: query, after: after, limit: limit) }
            // A new search replaced the list meanwhile: this page belongs to the old one.
            guard !Task.isCancelled, case .content(var s) = state, s.area == area, s.query == query else { return }
            switch page {
            case .success(let p):
                s.items += p.items
                s.next = p.next
                s.loadingMore = false
            case .failure(let e):
                s.loadingMore = false
                s.moreError = e.message
            }
            state = .content(s)
        }
    }

    private func load(_ r: Request) async {
        // Keep the list on screen while typing; show loading only when the area changes.
        if shownArea != r.area { state = .loading }
        let core = self.core
        let query = r.query.trimmingCharacters(in: .whitespacesAndNewlines)
        let limit = pageSize
        let area = r.area
        let page = await runCore { try core.households(areaId: area.id, query: query, after: nil, limit: limit) }
        // A newer request came meanwhile: it loads its own list.
        guard !Task.isCancelled, request?.generation == r.generation else { return }
        switch page {
        case .failure(let e):
            state = .error(e.message)
        case .success(let p):
            if p.items.isEmpty {
                state = .empty(area: r.area, areas: areas, query: r.query)
            } else {
                state = .content(HouseholdsUiState.Content(area: r.area, areas: areas, query: r.query, items: p.items, next: p.next))
            }
        }
    }
}
