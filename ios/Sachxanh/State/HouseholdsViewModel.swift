import Foundation
import SachxanhCore

struct HouseholdsContent: Equatable {
    let items: [HouseholdRow]
    /// The core's cursor for the next page; `nil` at the end of the list.
    let next: String?
    /// The latest sorting check per household, for a mark on its row.
    let latest: [String: LatestCheck]

    var canLoadMore: Bool { next != nil }
}

/// The households of one of my areas: search (with or without diacritics, the core's job),
/// paging, and the way to add one.
@MainActor
final class HouseholdsViewModel: ObservableObject {
    /// empty: no household recorded in the area yet, or none matches `query`.
    @Published private(set) var state: UiState<HouseholdsContent> = .loading
    @Published private(set) var area: AreaInfo?
    @Published private(set) var areas: [AreaInfo] = []
    @Published private(set) var query: String = ""
    @Published private(set) var loadingMore = false
    @Published private(set) var moreError: String?

    /// One page: enough to fill a screen twice on a small phone, small enough for an old one.
    static let pageSize: UInt32 = 30
    /// Typing pauses this long before searching: one query per word, not per letter.
    static let searchDelay: UInt64 = 300_000_000

    private let core: Sachxanh
    private var searchTask: Task<Void, Never>?

    init(core: Sachxanh, areaId: String?) {
        self.core = core
        self.initialAreaId = areaId
    }

    private let initialAreaId: String?

    func start() async {
        guard area == nil else { return }
        let core = self.core
        let person = await runCore { core.me() }
        guard case .success(let me?) = person, !me.areas.isEmpty else {
            state = .empty
            return
        }
        areas = me.areas
        area = me.areas.first(where: { $0.id == initialAreaId }) ?? me.areas.first
        await reload()
    }

    func onQueryChanged(_ text: String) {
        query = text
        searchTask?.cancel()
        searchTask = Task { [weak self] in
            try? await Task.sleep(nanoseconds: HouseholdsViewModel.searchDelay)
            guard !Task.isCancelled else { return }
            await self?.reload()
        }
    }

    func selectArea(_ areaId: String) {
        guard let a = areas.first(where: { $0.id == areaId }), a != area else { return }
        area = a
        Task { await reload() }
    }

    /// After a household was added or changed, and on pull-to-refresh.
    func refresh() async { await reload() }

    /// The end of the list came into view.
    func loadMore() async {
        guard case .loaded(let content) = state, let after = content.next, !loadingMore, let area else { return }
        loadingMore = true
        moreError = nil
        let core = self.core
        let q = query
        let limit = Self.pageSize
        let result = await runCore {
            try core.households(areaId: area.id, query: q, after: after, limit: limit)
        }
        loadingMore = false
        // The person changed the search or the area meanwhile: this page belongs to the old list.
        guard q == query, area == self.area, case .loaded(let current) = state, current.next == after else { return }
        switch result {
        case .success(let page):
            state = .loaded(HouseholdsContent(items: current.items + page.items, next: page.next, latest: current.latest))
        case .failure(let e):
            moreError = e.message.text
        }
    }

    private func reload() async {
        guard let area else { return }
        let core = self.core
        let q = query
        let limit = Self.pageSize
        let result = await runCore { () -> HouseholdsContent in
            let page = try core.households(areaId: area.id, query: q, after: nil, limit: limit)
            let checks = (try? core.latestChecks(areaId: area.id)) ?? []
            let latest = Dictionary(checks.map { ($0.householdId, $0) }, uniquingKeysWith: { a, _ in a })
            return HouseholdsContent(items: page.items, next: page.next, latest: latest)
        }
        guard q == query, area == self.area else { return }
        moreError = nil
        switch result {
        case .success(let content): state = content.items.isEmpty ? .empty : .loaded(content)
        case .failure(let e): state = e.uiState()
        }
    }
}
