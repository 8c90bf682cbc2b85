import Foundation
import SachxanhCore

/// One area's covenant (hương ước, quy ước) as the list shows it.
struct AreaCovenantRow: Identifiable, Equatable {
    let areaId: String
    let areaName: String
    /// `nil`: nobody has recorded this area's covenant yet.
    let status: CovenantStatus?
    /// The core's words for the status, or that none is recorded.
    let statusLabel: Message
    /// It contains environmental clauses.
    let withEnvironment: Bool
    let reviewStatus: ReviewStatus?
    /// The core's words for [reviewStatus].
    let reviewStatusLabel: Message?
    let recordId: String?
    /// The person may record it (area heads, staff): opening it opens the form.
    let canEdit: Bool

    var id: String { areaId }

    /// The covenant's form: the recorded one, or a new one for the area.
    var target: FormTarget { FormTarget(kind: .covenant, recordId: recordId, areaId: areaId) }
}

enum CovenantUiState: Equatable {
    case loading

    /// The person has no area (nothing to show).
    case empty

    case error(Message)

    case content(rows: [AreaCovenantRow])
}

/// The covenant of each of the person's areas (the core's list: exactly the areas of their
/// capabilities). Recording one is the covenant's `RecordFormViewModel`, opened with `edit`.
@MainActor
final class CovenantViewModel: ObservableObject {
    @Published private(set) var state: CovenantUiState = .loading

    private let core: Sachxanh

    init(core: Sachxanh) {
        self.core = core
        refresh()
    }

    /// On return to the screen, e.g. after a covenant was saved.
    func refresh() {
        let core = self.core
        Task {
            let rows = await runCore { () -> [AreaCovenantRow] in
                let mayWrite = core.capabilities()?.kinds.first(where: { $0.kind == .covenant })?.mayWrite == true
                return try core.covenantStatus().map {
                    AreaCovenantRow(
                        areaId: $0.areaId,
                        areaName: $0.areaName,
                        status: $0.status,
                        statusLabel: $0.statusLabel,
                        withEnvironment: $0.withEnvironment,
                        reviewStatus: $0.reviewStatus,
                        reviewStatusLabel: $0.reviewStatusLabel,
                        recordId: $0.recordId,
                        canEdit: mayWrite
                    )
                }
            }
            switch rows {
            case .failure(let e): state = .error(e.message)
            case .success(let rows): state = rows.isEmpty ? .empty : .content(rows: rows)
            }
        }
    }

    /// The form to open for an area's covenant; `nil` when the person only reads it.
    func edit(areaId: String) -> FormTarget? {
        guard case .content(let rows) = state else { return nil }
        return rows.first { $0.areaId == areaId && $0.canEdit }?.target
    }
}
