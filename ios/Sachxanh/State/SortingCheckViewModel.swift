import Foundation
import SachxanhCore

enum SortingCheckField: Hashable {
    case household, area, date, note, checkedBy
}

/// The yes/no questions of a visit (Law on Environmental Protection 2020, art. 75).
enum SortingAnswer: CaseIterable, Hashable {
    case recyclableSorted
    case foodSorted
    case otherSorted
    case hazardousSeparated
    case servedByCollection
    case burningSeen
    case dumpingSeen
}

struct SortingCheckForm: Equatable {
    var householdId: String
    var householdName: String = ""
    var areaId: String
    /// Today by default; the person can correct a wrong phone clock.
    var date = Date()
    var yes: Set<SortingAnswer> = []
    var note = ""
    /// The person who visited (a person id): the enrolled person for a new check.
    var checkedBy = ""
}

/// A waste-sorting check visit to one household: a new one, or fixing a returned one.
@MainActor
final class SortingCheckViewModel: ObservableObject {
    @Published private(set) var state: UiState<RecordStanding> = .loading
    @Published var form: SortingCheckForm
    @Published private(set) var errors = FieldErrors<SortingCheckField>()
    @Published private(set) var saving = false
    @Published private(set) var saved: SavedRecord?

    private let core: Sachxanh
    private let recordId: String?

    init(core: Sachxanh, householdId: String, areaId: String, recordId: String?) {
        self.core = core
        self.recordId = recordId
        self.form = SortingCheckForm(householdId: householdId, areaId: areaId)
    }

    func load() async {
        guard state.isLoading else { return }
        let core = self.core
        let recordId = self.recordId
        let householdId = form.householdId
        let result = await runCore { () -> (SortingCheckView?, String, String) in
            let view = try recordId.map { try core.sortingCheck(id: $0) }
            let name = (try? core.household(id: view?.value.householdId ?? householdId).value.headName) ?? ""
            return (view, name, core.me()?.personId ?? "")
        }
        switch result {
        case .success(let (view, name, me)):
            form.householdName = name
            if let view {
                let v = view.value
                form = SortingCheckForm(
                    householdId: v.householdId,
                    householdName: name,
                    areaId: v.areaId,
                    date: Days.date(v.checkDate) ?? Date(),
                    yes: Self.answers(of: v),
                    note: v.note,
                    checkedBy: v.checkedBy
                )
                state = .loaded(RecordStanding(recordId: view.id, status: view.status, reviewerReason: view.reason, conflicts: view.conflicts))
            } else {
                form.checkedBy = me
                state = .loaded(.new)
            }
        case .failure(let e):
            state = e.uiState()
        }
    }

    func onAnswer(_ answer: SortingAnswer, yes: Bool) {
        if yes { form.yes.insert(answer) } else { form.yes.remove(answer) }
    }

    func save(submit: Bool) async {
        guard !saving else { return }
        let f = form
        let value = SortingCheck(
            householdId: f.householdId,
            areaId: f.areaId,
            checkDate: Days.iso(f.date),
            recyclableSorted: f.yes.contains(.recyclableSorted),
            foodSorted: f.yes.contains(.foodSorted),
            otherSorted: f.yes.contains(.otherSorted),
            hazardousSeparated: f.yes.contains(.hazardousSeparated),
            servedByCollection: f.yes.contains(.servedByCollection),
            burningSeen: f.yes.contains(.burningSeen),
            dumpingSeen: f.yes.contains(.dumpingSeen),
            note: f.note,
            checkedBy: f.checkedBy
        )
        saving = true
        let core = self.core
        let result = await saveRecord(
            core: core,
            existingId: state.value?.recordId,
            submit: submit,
            create: { try core.createSortingCheck(value: value) },
            update: { id in _ = try core.updateSortingCheck(id: id, value: value) }
        )
        saving = false
        switch result {
        case .success(let id):
            errors = FieldErrors()
            saved = SavedRecord(id: id, submitted: submit)
        case .failure(let e):
            if case .invalid(_, let problems) = e {
                errors = FieldErrors<SortingCheckField>.of(problems, fieldOf: Self.fieldOf)
            } else {
                errors = FieldErrors(general: [e.message])
            }
        }
    }

    nonisolated private static func answers(of v: SortingCheck) -> Set<SortingAnswer> {
        var out: Set<SortingAnswer> = []
        if v.recyclableSorted { out.insert(.recyclableSorted) }
        if v.foodSorted { out.insert(.foodSorted) }
        if v.otherSorted { out.insert(.otherSorted) }
        if v.hazardousSeparated { out.insert(.hazardousSeparated) }
        if v.servedByCollection { out.insert(.servedByCollection) }
        if v.burningSeen { out.insert(.burningSeen) }
        if v.dumpingSeen { out.insert(.dumpingSeen) }
        return out
    }

    nonisolated private static func fieldOf(_ path: String) -> SortingCheckField? {
        switch pathHead(path) {
        case "household_id": return .household
        case "area_id": return .area
        case "check_date": return .date
        case "note": return .note
        case "checked_by": return .checkedBy
        default: return nil
        }
    }
}
