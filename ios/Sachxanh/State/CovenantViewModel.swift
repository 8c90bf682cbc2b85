import Foundation
import SachxanhCore

/// One area's covenant (hương ước, quy ước) as the list shows it.
struct AreaCovenantRow: Identifiable, Equatable {
    let areaId: String
    let areaName: String
    /// `nil`: nobody has recorded this area's covenant yet.
    let status: CovenantStatus?
    /// It contains environmental clauses (target (c) counts those in force).
    let withEnvironment: Bool
    let reviewStatus: ReviewStatus?
    let recordId: String?
    let canEdit: Bool
    var id: String { areaId }
}

enum CovenantField: Hashable {
    case area, status, clauses, draftingStarted, consultationDate, approvedDate, inForceDate, document, note
}

struct CovenantForm: Equatable {
    var areaId: String
    var areaName: String
    var status: CovenantStatus = .notStarted
    /// One environmental clause per line.
    var clauses = ""
    var draftingStarted: Date?
    var consultationDate: Date?
    var approvedDate: Date?
    var inForceDate: Date?
    var note = ""
}

/// The area's covenant being recorded.
struct CovenantEditor: Identifiable, Equatable {
    var form: CovenantForm
    var recordId: String?
    var reviewStatus: ReviewStatus?
    var reviewerReason: String?
    /// The signed text's scan, attached elsewhere: kept as it is (photos come later).
    var documentSha256: String?
    var id: String { form.areaId }
}

/// Covenant status per area, and recording an area's covenant (area heads and staff).
@MainActor
final class CovenantViewModel: ObservableObject {
    /// empty: the person has no area.
    @Published private(set) var state: UiState<[AreaCovenantRow]> = .loading
    /// Open while recording one area's covenant.
    @Published var editor: CovenantEditor?
    @Published private(set) var errors = FieldErrors<CovenantField>()
    @Published private(set) var saving = false
    /// The last save, for a short confirmation.
    @Published private(set) var saved: SavedRecord?

    private let core: Sachxanh

    init(core: Sachxanh) {
        self.core = core
    }

    func refresh() async {
        let core = self.core
        let result = await runCore { () -> [AreaCovenantRow] in
            guard let me = core.me() else { return [] }
            let mine = Set(me.areas.map(\.id))
            // Area heads record their area's covenant; commune staff any area of the commune.
            let canEditAll = me.role == .communeStaff
            let canEditMine = me.role == .areaHead
            return try core.covenantStatus().map { c in
                AreaCovenantRow(
                    areaId: c.areaId,
                    areaName: c.areaName,
                    status: c.status,
                    withEnvironment: c.withEnvironment,
                    reviewStatus: c.reviewStatus,
                    recordId: c.recordId,
                    canEdit: canEditAll || (canEditMine && mine.contains(c.areaId))
                )
            }
        }
        switch result {
        case .success(let rows): state = rows.isEmpty ? .empty : .loaded(rows)
        case .failure(let e): state = e.uiState()
        }
    }

    /// Opens the editor for one area: its recorded covenant, or a new one.
    func open(areaId: String) async {
        guard let row = state.value?.first(where: { $0.areaId == areaId }), row.canEdit else { return }
        errors = FieldErrors()
        saved = nil
        guard let recordId = row.recordId else {
            editor = CovenantEditor(form: CovenantForm(areaId: row.areaId, areaName: row.areaName))
            return
        }
        let core = self.core
        let result = await runCore { try core.covenant(id: recordId) }
        switch result {
        case .success(let view):
            let v = view.value
            editor = CovenantEditor(
                form: CovenantForm(
                    areaId: v.areaId,
                    areaName: row.areaName,
                    status: v.status,
                    clauses: v.clauses.joined(separator: "\n"),
                    draftingStarted: Days.date(v.draftingStarted),
                    consultationDate: Days.date(v.consultationDate),
                    approvedDate: Days.date(v.approvedDate),
                    inForceDate: Days.date(v.inForceDate),
                    note: v.note
                ),
                recordId: view.id,
                reviewStatus: view.status,
                reviewerReason: view.reason,
                documentSha256: v.documentSha256
            )
        case .failure(let e):
            errors = FieldErrors(general: [e.message])
        }
    }

    func close() {
        editor = nil
        errors = FieldErrors()
    }

    func save(submit: Bool) async {
        guard !saving, let e = editor else { return }
        let f = e.form
        let clauses = f.clauses
            .split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let value = Covenant(
            areaId: f.areaId,
            status: f.status,
            clauses: clauses,
            draftingStarted: f.draftingStarted.map(Days.iso),
            consultationDate: f.consultationDate.map(Days.iso),
            approvedDate: f.approvedDate.map(Days.iso),
            inForceDate: f.inForceDate.map(Days.iso),
            documentSha256: e.documentSha256,
            note: f.note
        )
        saving = true
        let core = self.core
        let result = await saveRecord(
            core: core,
            existingId: e.recordId,
            submit: submit,
            create: { try core.createCovenant(value: value) },
            update: { id in _ = try core.updateCovenant(id: id, value: value) }
        )
        saving = false
        switch result {
        case .success(let id):
            errors = FieldErrors()
            editor = nil
            saved = SavedRecord(id: id, submitted: submit)
            await refresh()
        case .failure(let err):
            if case .invalid(_, let problems) = err {
                errors = FieldErrors<CovenantField>.of(problems, fieldOf: Self.fieldOf)
            } else {
                errors = FieldErrors(general: [err.message])
            }
        }
    }

    nonisolated private static func fieldOf(_ path: String) -> CovenantField? {
        switch pathHead(path) {
        case "area_id": return .area
        case "status": return .status
        case "clauses": return .clauses
        case "drafting_started": return .draftingStarted
        case "consultation_date": return .consultationDate
        case "approved_date": return .approvedDate
        case "in_force_date": return .inForceDate
        case "document_sha256": return .document
        case "note": return .note
        default: return nil
        }
    }
}
