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

/// Where the place's last point came from, shown next to the map.
enum PlaceSource: Equatable {
    case gps
    case map
}

struct CleanupForm: Equatable {
    var areaId: String
    var date = Date()
    /// A point for one spot; a line along a street or canal; a polygon for a square or a pond.
    var shape: SachxanhCore.Shape = .point
    var points: [Coord] = []
    var placeSource: PlaceSource?
    /// Metres, from the last GPS fix: the person judges whether to wait for a better one.
    var gpsAccuracyM: Double?
    var work: Set<WorkKind> = []
    /// Counts as typed, per organisation; blank is zero.
    var participants: [Organisation: String] = [:]
    var wasteKg = ""
    var bags = ""
    var note = ""
    /// Before and after, in the order they were added.
    var photos: [FormPhoto] = []

    /// A point replaces the place; a line or polygon grows by one vertex.
    func withPoint(_ c: Coord, from source: PlaceSource) -> CleanupForm {
        var copy = self
        if shape == .point { copy.points = [c] } else { copy.points.append(c) }
        copy.placeSource = source
        return copy
    }
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
    private var photoKeys = 0
    /// The photos of the record as saved when the form opened: never discarded from here.
    private var savedPhotos: Set<String> = []
    /// Photos taken here and still in the form: forgotten if the form closes unsaved (`deinit`).
    private var takenHere: Set<String> = []
    /// Adding and forgetting photos run one at a time, in the order the person did them: a photo
    /// removed and then taken again (the same bytes, the same name) must not be forgotten after
    /// it was added back.
    private var photoLane: Task<Void, Never>?

    /// Saving waits until every photo is prepared (a half-made photo has no name yet).
    var preparingPhotos: Bool { form.photos.contains(where: \.isPreparing) }
    var canSave: Bool { !saving && !preparingPhotos }

    func photos(_ stage: PhotoStage) -> [FormPhoto] { form.photos.filter { $0.stage == stage } }

    /// `areaId`: the area to start with (the one the person came from); the first of theirs otherwise.
    init(core: Sachxanh, areaId: String?, recordId: String?) {
        self.core = core
        self.recordId = recordId
        self.form = CleanupForm(areaId: areaId ?? "")
    }

    /// The screen was closed without saving (the navigation stack dropped it): the photos taken
    /// for it are forgotten. An addition still running keeps this object alive until it is done.
    deinit {
        let core = self.core
        let left = takenHere
        guard !left.isEmpty else { return }
        Task.detached(priority: .utility) {
            for sha in left { _ = try? core.discardPhoto(sha256: sha) }
        }
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
                savedPhotos = Set(view.value.photos.map(\.sha256))
                state = .loaded(RecordStanding(recordId: view.id, status: view.status, reviewerReason: view.reason, conflicts: view.conflicts))
                await loadPreviews(form.photos.compactMap(\.sha256))
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

    func onShapeChanged(_ shape: SachxanhCore.Shape) {
        form.shape = shape
        // A point keeps only the last vertex; a line or polygon starts from what is there.
        if shape == .point, let last = form.points.last { form.points = [last] }
    }

    /// A fix from the phone's GPS: the person is standing at the place.
    func onGpsFix(lon: Double, lat: Double, accuracyM: Double?) {
        form = form.withPoint(Coord(lon: lon, lat: lat), from: .gps)
        form.gpsAccuracyM = accuracyM
    }

    /// A tap on the map.
    func onMapTap(lon: Double, lat: Double) {
        form = form.withPoint(Coord(lon: lon, lat: lat), from: .map)
        form.gpsAccuracyM = nil
    }

    func undoLastPoint() {
        guard !form.points.isEmpty else { return }
        form.points.removeLast()
    }

    func clearPlace() {
        form.points = []
        form.placeSource = nil
        form.gpsAccuracyM = nil
    }

    func onWork(_ kind: WorkKind, done: Bool) {
        if done { form.work.insert(kind) } else { form.work.remove(kind) }
    }

    /// Thumbnails of the photos already on the phone (taken here, or opened before), read with
    /// no network. The others would be downloaded — data the person pays for — so they wait for
    /// a tap.
    private func loadPreviews(_ names: [String]) async {
        let core = self.core
        for sha in names {
            let read = await runCore { () -> Data? in
                try core.hasPhoto(sha256: sha) ? try core.photo(sha256: sha) : nil
            }
            // A photo that cannot be read just has no thumbnail; opening it says why.
            if case .success(let jpeg?) = read { setPreview(PhotoBytes(sha256: sha, jpeg: jpeg)) }
        }
    }

    /// Runs a photo call after the ones before it (see `photoLane`).
    private func inPhotoLane<T>(_ work: @escaping @Sendable () throws -> T) async -> Result<T, CoreError> {
        let previous = photoLane
        let task = Task { () -> UncheckedSendable<Result<T, CoreError>> in
            await previous?.value
            return UncheckedSendable(value: await runCore(work))
        }
        photoLane = Task { _ = await task.value }
        return await task.value.value
    }

    /// Forgets `sha256` unless the record as saved uses it, or the form still does; the core also
    /// refuses while any saved record uses it, or once the server holds it. Nothing to tell the
    /// person either way: a photo no record uses never leaves the phone.
    private func discard(_ sha256: String) {
        takenHere.remove(sha256)
        guard !savedPhotos.contains(sha256), !form.photos.contains(where: { $0.sha256 == sha256 }) else { return }
        let core = self.core
        let previous = photoLane
        photoLane = Task {
            await previous?.value
            _ = await runCore { try core.discardPhoto(sha256: sha256) }
        }
    }

    private func setPreview(_ photo: PhotoBytes) {
        form.photos = form.photos.map { $0.withPreview(photo) }
    }

    /// A photo from the camera or the photo library, as a file the screen wrote (`path`); the
    /// core scales and re-encodes it and keeps it on the phone, so the file may be deleted once
    /// this returns. A file that is not a photo is said under `.photos`.
    func addPhoto(path: String, stage: PhotoStage) async {
        guard !saving else { return }
        photoKeys += 1
        let key = "preparing-\(photoKeys)"
        form.photos.append(.preparing(key: key, stage: stage))
        errors = errors.without(.photos)
        let core = self.core
        let result = await inPhotoLane { () -> (PhotoInfo, Data) in
            let info = try core.addPhoto(path: path)
            // Read back at once (from the phone, no network) for the thumbnail.
            return (info, try core.photo(sha256: info.sha256))
        }
        // Removed while it was being prepared: not in the form, so forgotten.
        guard form.photos.contains(where: { $0.id == key }) else {
            if case .success(let (info, _)) = result { discard(info.sha256) }
            return
        }
        let others = form.photos.filter { $0.id != key }
        switch result {
        case .success(let (info, jpeg)):
            if others.contains(where: { $0.sha256 == info.sha256 }) {
                // Already in the form under the other stage: that one keeps it.
                form.photos = others
                errors = errors.with(.photos, Texts.photoAlreadyAdded)
            } else {
                let attached = FormPhoto.attached(
                    sha256: info.sha256, stage: stage, info: info,
                    preview: PhotoBytes(sha256: info.sha256, jpeg: jpeg)
                )
                form.photos = form.photos.map { $0.id == key ? attached : $0 }
                if !savedPhotos.contains(info.sha256) { takenHere.insert(info.sha256) }
            }
        case .failure(let e):
            form.photos = others
            errors = errors.with(.photos, e.photoMessage)
        }
    }

    /// Takes a photo out of the form, and forgets it on the phone when only this form used it
    /// (one removed before saving is never uploaded). One the saved record uses stays until the
    /// record is saved without it; it is then not uploaded either. A photo still being prepared
    /// is forgotten once ready (`addPhoto` finds it gone).
    func removePhoto(key: String) {
        guard !saving else { return }
        let removed = form.photos.first { $0.id == key }
        form.photos.removeAll { $0.id == key }
        if let sha = removed?.sha256 { discard(sha) }
    }

    /// Opens a photo full size: from the phone, or downloaded when someone else took it.
    func openPhoto(sha256: String) async {
        let photo = form.photos.first { $0.sha256 == sha256 }
        if let known = photo?.preview {
            viewer = PhotoViewer(sha256: sha256, stage: photo?.stage, content: .shown(known))
            return
        }
        viewer = PhotoViewer(sha256: sha256, stage: photo?.stage, content: .loading)
        let core = self.core
        let result = await runCore { try core.photo(sha256: sha256) }
        let content: PhotoContent
        switch result {
        case .success(let jpeg): content = .shown(PhotoBytes(sha256: sha256, jpeg: jpeg))
        case .failure(let e): content = e.photoContent
        }
        // The person may have closed it, or opened another, meanwhile.
        if viewer?.sha256 == sha256 { viewer?.content = content }
        if case .shown(let bytes) = content { setPreview(bytes) }
    }

    /// "Thử lại" in the viewer, e.g. once there is a network again.
    func retryPhoto() async {
        guard let sha = viewer?.sha256 else { return }
        await openPhoto(sha256: sha)
    }

    func closePhoto() {
        viewer = nil
    }

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
            place: Place(shape: f.shape, coords: f.points),
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
            photos: f.photos.compactMap { p in p.sha256.map { PhotoRef(sha256: $0, stage: p.stage) } }
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
            takenHere = []
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
            shape: v.place.shape,
            points: v.place.coords,
            placeSource: nil,
            gpsAccuracyM: nil,
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
