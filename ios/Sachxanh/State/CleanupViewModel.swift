import Foundation
import SachxanhCore

/// The organisations whose members turn out (DOMAIN.md), and residents.
enum Organisation: CaseIterable, Hashable {
    case fatherlandFront, womensUnion, youthUnion, farmersUnion, veterans, residents, other

    var field: CleanupField {
        switch self {
        case .fatherlandFront: return .fatherlandFront
        case .womensUnion: return .womensUnion
        case .youthUnion: return .youthUnion
        case .farmersUnion: return .farmersUnion
        case .veterans: return .veterans
        case .residents: return .residents
        case .other: return .otherParticipants
        }
    }
}

/// Kinds of work at a weekend cleanup.
enum WorkKind: CaseIterable, Hashable {
    case sweeping, waterways, drains, trees
}

enum CleanupField: Hashable {
    case area, date, place, work
    /// The total: nobody came.
    case participants
    case fatherlandFront, womensUnion, youthUnion, farmersUnion, veterans, residents, otherParticipants
    case wasteKg, bags, note
    /// The photos: a file that is not a photo, too many photos.
    case photos
}

struct CleanupForm: Equatable {
    var areaId: String
    var date = Date()
    var place = PlaceDraft()
    var work: Set<WorkKind> = []
    /// Counts as typed, per organisation; blank is zero.
    var participants: [Organisation: String] = [:]
    var wasteKg = ""
    var bags = ""
    var note = ""
    /// Before and after, in the order they were added.
    var photos: [FormPhoto] = []

    // The place's parts, as the screen reads them.
    var shape: SachxanhCore.Shape { place.shape }
    var points: [Coord] { place.points }
    var placeSource: PlaceSource? { place.source }
    var gpsAccuracyM: Double? { place.gpsAccuracyM }
}

/// A weekend cleanup: where (GPS or a tap on the map), which work, who came per organisation,
/// how much was collected, and photos before and after (the screen hands over a file's path).
///
/// A photo taken for this form and then removed, or left behind when the form closes unsaved, is
/// forgotten on the phone: the core never uploads a photo no saved record uses, and
/// `discardPhoto` frees its space (it refuses while a saved record still uses the photo).
@MainActor
final class CleanupViewModel: ObservableObject {
    @Published private(set) var state: UiState<RecordStanding> = .loading
    @Published var form: CleanupForm
    @Published private(set) var areas: [AreaInfo] = []
    @Published private(set) var errors = FieldErrors<CleanupField>()
    @Published private(set) var saving = false
    @Published private(set) var saved: SavedRecord?
    /// A photo opened full size, over the form.
    @Published private(set) var viewer: PhotoViewer?

    private let core: Sachxanh
    private let recordId: String?
    private let photoDesk: PhotoDesk

    /// Saving waits until every photo is prepared (a half-made photo has no name yet).
    var preparingPhotos: Bool { form.photos.contains(where: \.isPreparing) }
    var canSave: Bool { !saving && !preparingPhotos }

    func photos(_ stage: PhotoStage) -> [FormPhoto] { form.photos.filter { $0.stage == stage } }

    /// `areaId`: the area to start with (the one the person came from); the first of theirs otherwise.
    init(core: Sachxanh, areaId: String?, recordId: String?) {
        self.core = core
        self.recordId = recordId
        self.form = CleanupForm(areaId: areaId ?? "")
        self.photoDesk = PhotoDesk(core: core)
        photoDesk.access = PhotoDesk.Access(
            photos: { [weak self] in self?.form.photos ?? [] },
            setPhotos: { [weak self] in self?.form.photos = $0 },
            setError: { [weak self] e in
                guard let self else { return }
                self.errors = e.map { self.errors.with(.photos, $0) } ?? self.errors.without(.photos)
            },
            viewer: { [weak self] in self?.viewer },
            setViewer: { [weak self] in self?.viewer = $0 },
            saving: { [weak self] in self?.saving ?? true }
        )
    }

    func load() async {
        guard state.isLoading else { return }
        let core = self.core
        let recordId = self.recordId
        let result = await runCore { () -> ([AreaInfo], CleanupView?) in
            let areas = core.me()?.areas ?? []
            let view = try recordId.map { try core.cleanup(id: $0) }
            return (areas, view)
        }
        switch result {
        case .success(let (areas, view)):
            self.areas = areas
            if let view {
                form = Self.form(of: view.value)
                photoDesk.savedPhotos = Set(view.value.photos.map(\.sha256))
                state = .loaded(RecordStanding(recordId: view.id, status: view.status, reviewerReason: view.reason, conflicts: view.conflicts))
                await photoDesk.loadPreviews(form.photos.compactMap(\.sha256))
            } else {
                if form.areaId.isEmpty || !areas.contains(where: { $0.id == form.areaId }) {
                    form.areaId = areas.first?.id ?? ""
                }
                state = .loaded(.new)
            }
        case .failure(let e):
            state = e.uiState()
        }
    }

    func onShapeChanged(_ shape: SachxanhCore.Shape) { form.place.setShape(shape) }

    /// A fix from the phone's GPS: the person is standing at the place.
    func onGpsFix(lon: Double, lat: Double, accuracyM: Double?) { form.place.addGpsFix(lon: lon, lat: lat, accuracyM: accuracyM) }

    /// A tap on the map.
    func onMapTap(lon: Double, lat: Double) { form.place.addMapTap(lon: lon, lat: lat) }

    func undoLastPoint() { form.place.undoLastPoint() }
    func clearPlace() { form.place.clear() }

    func onWork(_ kind: WorkKind, done: Bool) {
        if done { form.work.insert(kind) } else { form.work.remove(kind) }
    }

    /// A photo from the camera or the photo library, as a file the screen wrote (`path`); the
    /// core keeps its own copy, so the file may be deleted once this returns. A file that is not
    /// a photo is said under `.photos`.
    func addPhoto(path: String, stage: PhotoStage) async { await photoDesk.add(path: path, stage: stage) }

    /// Takes a photo out of the form; one only this form used is forgotten on the phone.
    func removePhoto(key: String) { photoDesk.remove(key: key) }

    /// Opens a photo full size: from the phone, or downloaded when someone else took it.
    func openPhoto(sha256: String) async { await photoDesk.show(sha256: sha256) }

    /// "Thử lại" in the viewer, e.g. once there is a network again.
    func retryPhoto() async { await photoDesk.retry() }

    func closePhoto() { photoDesk.close() }

    func save(submit: Bool) async {
        guard canSave else { return }
        let f = form
        // Numbers the core never sees because they are not numbers: caught here, per field.
        var local = FieldErrors<CleanupField>()
        var counts: [Organisation: UInt32] = [:]
        for org in Organisation.allCases {
            if let n = Numbers.count(f.participants[org] ?? "") {
                counts[org] = n
            } else {
                local = local.with(org.field, Texts.notAWholeNumber)
            }
        }
        let kgText = f.wasteKg.trimmingCharacters(in: .whitespaces)
        let kg = kgText.isEmpty ? nil : Numbers.kg(kgText)
        if !kgText.isEmpty && kg == nil { local = local.with(.wasteKg, Texts.notANumber) }
        let bags = Numbers.count(f.bags, blankIsZero: false)
        if !f.bags.trimmingCharacters(in: .whitespaces).isEmpty && bags == nil {
            local = local.with(.bags, Texts.notAWholeNumber)
        }
        guard local.isEmpty else {
            errors = local
            return
        }
        let value = Cleanup(
            areaId: f.areaId,
            cleanupDate: Days.iso(f.date),
            place: f.place.place,
            work: Work(
                sweeping: f.work.contains(.sweeping),
                waterways: f.work.contains(.waterways),
                drains: f.work.contains(.drains),
                trees: f.work.contains(.trees)
            ),
            participants: Participants(
                fatherlandFront: counts[.fatherlandFront] ?? 0,
                womensUnion: counts[.womensUnion] ?? 0,
                youthUnion: counts[.youthUnion] ?? 0,
                farmersUnion: counts[.farmersUnion] ?? 0,
                veterans: counts[.veterans] ?? 0,
                residents: counts[.residents] ?? 0,
                other: counts[.other] ?? 0
            ),
            wasteKg: kg,
            bags: bags,
            note: f.note,
            photos: f.photos.refs
        )
        saving = true
        let core = self.core
        let result = await saveRecord(
            core: core,
            existingId: state.value?.recordId,
            submit: submit,
            create: { try core.createCleanup(value: value) },
            update: { id in _ = try core.updateCleanup(id: id, value: value) }
        )
        saving = false
        switch result {
        case .success(let id):
            errors = FieldErrors()
            // The saved record uses them now: nothing to forget when the screen closes.
            photoDesk.saved()
            saved = SavedRecord(id: id, submitted: submit)
        case .failure(let e):
            if case .invalid(_, let problems) = e {
                errors = FieldErrors<CleanupField>.of(problems, fieldOf: Self.fieldOf)
            } else {
                errors = FieldErrors(general: [e.message])
            }
        }
    }

    nonisolated private static func form(of v: Cleanup) -> CleanupForm {
        var work: Set<WorkKind> = []
        if v.work.sweeping { work.insert(.sweeping) }
        if v.work.waterways { work.insert(.waterways) }
        if v.work.drains { work.insert(.drains) }
        if v.work.trees { work.insert(.trees) }
        let p = v.participants
        let counts: [Organisation: UInt32] = [
            .fatherlandFront: p.fatherlandFront, .womensUnion: p.womensUnion, .youthUnion: p.youthUnion,
            .farmersUnion: p.farmersUnion, .veterans: p.veterans, .residents: p.residents, .other: p.other,
        ]
        return CleanupForm(
            areaId: v.areaId,
            date: Days.date(v.cleanupDate) ?? Date(),
            place: PlaceDraft(v.place),
            work: work,
            participants: counts.mapValues { Numbers.countText($0) },
            wasteKg: Numbers.kgText(v.wasteKg),
            bags: v.bags.map { String($0) } ?? "",
            note: v.note,
            photos: v.photos.map { .attached(sha256: $0.sha256, stage: $0.stage, info: nil, preview: nil) }
        )
    }

    nonisolated private static func fieldOf(_ path: String) -> CleanupField? {
        switch path {
        case "participants.fatherland_front": return .fatherlandFront
        case "participants.womens_union": return .womensUnion
        case "participants.youth_union": return .youthUnion
        case "participants.farmers_union": return .farmersUnion
        case "participants.veterans": return .veterans
        case "participants.residents": return .residents
        case "participants.other": return .otherParticipants
        default: break
        }
        switch pathHead(path) {
        case "area_id": return .area
        case "cleanup_date": return .date
        case "place": return .place
        case "work": return .work
        case "participants": return .participants
        case "waste_kg": return .wasteKg
        case "bags": return .bags
        case "note": return .note
        // `photo` from addPhoto, `photos` / `photos.2` from the record's rules.
        case "photo", "photos": return .photos
        default: return nil
        }
    }
}
