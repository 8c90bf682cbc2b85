import Foundation
import SachxanhCore

enum HouseholdField: Hashable {
    case area, headName, address, members, location, note
}

/// The form as typed: numbers stay text until saved, so a half-typed value is never lost.
struct HouseholdForm: Equatable {
    var areaId: String
    var headName = ""
    var address = ""
    var members = ""
    var location: Coord?
    var note = ""
}

/// Add or fix a household: head's name, address, members, location, note.
@MainActor
final class HouseholdFormViewModel: ObservableObject {
    @Published private(set) var state: UiState<RecordStanding> = .loading
    @Published var form: HouseholdForm
    @Published private(set) var errors = FieldErrors<HouseholdField>()
    @Published private(set) var saving = false
    /// Set once saved: the screen closes and says it goes out at the next sync.
    @Published private(set) var saved: SavedRecord?

    private let core: Sachxanh
    private let recordId: String?

    init(core: Sachxanh, areaId: String, recordId: String?) {
        self.core = core
        self.recordId = recordId
        self.form = HouseholdForm(areaId: areaId)
    }

    func load() async {
        guard state.isLoading else { return }
        guard let recordId else {
            state = .loaded(.new)
            return
        }
        let core = self.core
        let result = await runCore { try core.household(id: recordId) }
        switch result {
        case .success(let view):
            let v = view.value
            form = HouseholdForm(
                areaId: v.areaId,
                headName: v.headName,
                address: v.address,
                members: String(v.members),
                location: v.location,
                note: v.note
            )
            state = .loaded(RecordStanding(recordId: view.id, status: view.status, reviewerReason: view.reason, conflicts: view.conflicts))
        case .failure(let e):
            state = e.uiState()
        }
    }

    /// From a GPS fix or a tap on the map (the shell provides the coordinates).
    func onLocation(lon: Double, lat: Double) { form.location = Coord(lon: lon, lat: lat) }
    func clearLocation() { form.location = nil }

    func save(submit: Bool) async {
        guard !saving else { return }
        // Blank is zero, which the core refuses with its own message; only text that is not a
        // whole number is caught here, because the core never sees it.
        guard let members = Numbers.count(form.members) else {
            errors = FieldErrors<HouseholdField>().with(.members, Texts.notAWholeNumber)
            return
        }
        let f = form
        let value = Household(
            areaId: f.areaId,
            address: f.address,
            headName: f.headName,
            members: members,
            location: f.location,
            note: f.note
        )
        saving = true
        let core = self.core
        let result = await saveRecord(
            core: core,
            existingId: state.value?.recordId,
            submit: submit,
            create: { try core.createHousehold(value: value) },
            update: { id in _ = try core.updateHousehold(id: id, value: value) }
        )
        saving = false
        switch result {
        case .success(let id):
            errors = FieldErrors()
            saved = SavedRecord(id: id, submitted: submit)
        case .failure(let e):
            if case .invalid(_, let problems) = e {
                errors = FieldErrors<HouseholdField>.of(problems, fieldOf: Self.fieldOf)
            } else {
                errors = FieldErrors(general: [e.message])
            }
        }
    }

    nonisolated private static func fieldOf(_ path: String) -> HouseholdField? {
        switch pathHead(path) {
        case "area_id": return .area
        case "head_name": return .headName
        case "address": return .address
        case "members": return .members
        case "location": return .location
        case "note": return .note
        default: return nil
        }
    }
}
