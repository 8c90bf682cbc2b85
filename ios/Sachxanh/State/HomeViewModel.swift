import Foundation
import SachxanhCore

/// One of my areas with what has been recorded there (all records, approved or not).
struct AreaCard: Identifiable, Equatable {
    let area: AreaInfo
    let figures: AreaFigures?
    var id: String { area.id }
}

/// Why a record is on the home screen's to-do list.
enum TodoReason: Equatable {
    case draft
    case returned
    case conflict
    case other
}

struct TodoItem: Identifiable, Equatable {
    let id: String
    let kind: RecordKind
    let title: String
    let areaId: String?
    let areaName: String?
    let why: TodoReason
    /// The reviewer's words when the record was returned.
    let reviewerReason: String?
}

struct HomeContent: Equatable {
    let person: PersonInfo
    let areas: [AreaCard]
    let todo: [TodoItem]
    /// Staff only: records waiting for their review.
    let reviewWaiting: Int?

    /// The quiet state: nothing to fix.
    var nothingToDo: Bool { todo.isEmpty }
}

/// The home screen: my areas, what needs doing; the sync line comes from `SyncController`.
@MainActor
final class HomeViewModel: ObservableObject {
    /// empty: the person has no area on this phone (a province viewer, or enrolment went wrong).
    @Published private(set) var state: UiState<HomeContent> = .loading

    private let core: Sachxanh
    let sync: SyncController

    init(core: Sachxanh, sync: SyncController) {
        self.core = core
        self.sync = sync
    }

    /// On appearing, after a form was saved, or pulled down by the person.
    func refresh() async {
        let core = self.core
        let result = await runCore { () -> HomeContent? in
            guard let person = core.me() else { return nil }
            let names = Dictionary(person.areas.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
            // A figure that fails to load leaves its card plain; the rest of the screen still works.
            let cards = person.areas.map { AreaCard(area: $0, figures: try? core.areaFigures(areaId: $0.id)) }
            let todo = try core.needsAttention().map { row in
                TodoItem(
                    id: row.id,
                    kind: row.kind,
                    title: row.title,
                    areaId: row.areaId,
                    areaName: row.areaId.flatMap { names[$0] },
                    why: HomeViewModel.reason(row),
                    // The core sets it only while the record stands returned or rejected.
                    reviewerReason: row.reason
                )
            }
            var waiting: Int?
            if person.role == .communeStaff { waiting = try core.reviewQueue().count }
            return HomeContent(person: person, areas: cards, todo: todo, reviewWaiting: waiting)
        }
        switch result {
        case .success(let content?):
            state = content.areas.isEmpty && content.todo.isEmpty && content.reviewWaiting == nil
                ? .empty : .loaded(content)
        case .success(nil):
            // Nobody enrolled: the root view shows the enrolment screen instead.
            state = .empty
        case .failure(let e):
            state = e.uiState()
        }
        await sync.refreshStatus()
    }

    func syncNow() { sync.syncNow() }
    func cancelSync() { sync.cancel() }

    nonisolated private static func reason(_ row: RecordSummary) -> TodoReason {
        if row.inConflict { return .conflict }
        switch row.status {
        case .draft: return .draft
        case .returned, .rejected: return .returned
        default: return .other
        }
    }
}
