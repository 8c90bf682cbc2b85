import Foundation
import SachxanhCore

enum BlackSpotField: Hashable {
    case area, kind, place, description, status
    case reportedDate, verifiedDate, cleanedDate, closedDate
    /// Before and after; "an after photo once cleaned", a file that is not a photo.
    case photos
    case note
}

extension SpotStatus {
    /// The ladder from DOMAIN.md, in order.
    static let ladder: [SpotStatus] = [.reported, .verified, .cleaned, .closed]

    var step: Int { SpotStatus.ladder.firstIndex(of: self) ?? 0 }

    /// The step after this one, `nil` once closed.
    var next: SpotStatus? { step + 1 < SpotStatus.ladder.count ? SpotStatus.ladder[step + 1] : nil }

    /// The date field this step needs.
    var dateField: BlackSpotField {
        switch self {
        case .reported: return .reportedDate
        case .verified: return .verifiedDate
        case .cleaned: return .cleanedDate
        case .closed: return .closedDate
        }
    }
}

struct BlackSpotForm: Equatable {
    var areaId: String
    var kind: SpotKind = .spontaneousDump
    /// Usually one point: where the pile or the fire is.
    var place = PlaceDraft()
    var description = ""
    var status: SpotStatus = .reported
    /// The date of each step reached; a step gets today when it is reached, the person corrects it.
    var dates: [SpotStatus: Date] = [.reported: Date()]
    /// Before (as reported) and after (once cleaned), in the order they were added.
    var photos: [FormPhoto] = []
    var note = ""
}

/// A black spot: a spontaneous dump, a polluted spot, burning or another violation seen by a
/// resident or volunteer — kind, place, what was seen, photos before — and, opened again, its way
/// up the ladder (verified → cleaned → closed, each with its date; an after photo once cleaned).
/// The core judges every rule; the place and the photos are the cleanup form's (`PlaceDraft`,
/// `PhotoDesk`).
@MainActor
final class BlackSpotViewModel: ObservableObject {
    @Published private(set) var state: UiState<RecordStanding> = .loading
    @Published var form: BlackSpotForm
    @Published private(set) var areas: [AreaInfo] = []
    @Published private(set) var errors = FieldErrors<BlackSpotField>()
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
    var nextStep: SpotStatus? { form.status.next }

    func photos(_ stage: PhotoStage) -> [FormPhoto] { form.photos.filter { $0.stage == stage } }

    /// `areaId`: the area to start with (the one the person came from); the first of theirs otherwise.
    init(core: Sachxanh, areaId: String?, recordId: String?) {
        self.core = core
        self.recordId = recordId
        self.form = BlackSpotForm(areaId: areaId ?? "")
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
        let result = await runCore { () -> ([AreaInfo], BlackSpotView?) in
            let areas = core.me()?.areas ?? []
            let view = try recordId.map { try core.blackSpot(id: $0) }
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

    /// Moves the spot to `status` (up or back down the ladder); an undated step reached gets today.
    func onStatusChanged(_ status: SpotStatus) {
        form.status = status
        for step in SpotStatus.ladder where step.step <= status.step && form.dates[step] == nil {
            form.dates[step] = Date()
        }
    }

    func onDateChanged(_ step: SpotStatus, _ date: Date) { form.dates[step] = date }

    func onShapeChanged(_ shape: SachxanhCore.Shape) { form.place.setShape(shape) }

    /// A fix from the phone's GPS: the person is standing at the spot.
    func onGpsFix(lon: Double, lat: Double, accuracyM: Double?) { form.place.addGpsFix(lon: lon, lat: lat, accuracyM: accuracyM) }

    func onMapTap(lon: Double, lat: Double) { form.place.addMapTap(lon: lon, lat: lat) }
    func undoLastPoint() { form.place.undoLastPoint() }
    func clearPlace() { form.place.clear() }

    /// A camera or library file: before as reported, after once cleaned.
    func addPhoto(path: String, stage: PhotoStage) async { await photoDesk.add(path: path, stage: stage) }
    func removePhoto(key: String) { photoDesk.remove(key: key) }
    func openPhoto(sha256: String) async { await photoDesk.show(sha256: sha256) }
    func retryPhoto() async { await photoDesk.retry() }
    func closePhoto() { photoDesk.close() }

    func save(submit: Bool) async {
        guard canSave else { return }
        let f = form
        // Steps above the status are not sent: a date stepped back from is not a fact.
        func day(_ step: SpotStatus) -> Day? {
            guard step.step <= f.status.step, let d = f.dates[step] else { return nil }
            return Days.iso(d)
        }
        let value = BlackSpot(
            areaId: f.areaId,
            spotKind: f.kind,
            place: f.place.place,
            description: f.description,
            status: f.status,
            reportedDate: day(.reported) ?? "",
            verifiedDate: day(.verified),
            cleanedDate: day(.cleaned),
            closedDate: day(.closed),
            photos: f.photos.refs,
            note: f.note
        )
        saving = true
        let core = self.core
        let result = await saveRecord(
            core: core,
            existingId: state.value?.recordId,
            submit: submit,
            create: { try core.createBlackSpot(value: value) },
            update: { id in _ = try core.updateBlackSpot(id: id, value: value) }
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
                errors = FieldErrors<BlackSpotField>.of(problems, fieldOf: Self.fieldOf)
            } else {
                errors = FieldErrors(general: [e.message])
            }
        }
    }

    nonisolated private static func form(of v: BlackSpot) -> BlackSpotForm {
        var dates: [SpotStatus: Date] = [:]
        let days: [(SpotStatus, Day?)] = [(.reported, v.reportedDate), (.verified, v.verifiedDate), (.cleaned, v.cleanedDate), (.closed, v.closedDate)]
        for (step, day) in days {
            if let d = Days.date(day) { dates[step] = d }
        }
        return BlackSpotForm(
            areaId: v.areaId,
            kind: v.spotKind,
            place: PlaceDraft(v.place),
            description: v.description,
            status: v.status,
            dates: dates,
            photos: v.photos.map { .attached(sha256: $0.sha256, stage: $0.stage, info: nil, preview: nil) },
            note: v.note
        )
    }

    nonisolated private static func fieldOf(_ path: String) -> BlackSpotField? {
        switch pathHead(path) {
        case "area_id": return .area
        case "spot_kind": return .kind
        case "place": return .place
        case "description": return .description
        case "status": return .status
        case "reported_date": return .reportedDate
        case "verified_date": return .verifiedDate
        case "cleaned_date": return .cleanedDate
        case "closed_date": return .closedDate
        case "photo", "photos": return .photos
        case "note": return .note
        // "date" (a malformed day; the FFI does not say which of the four) stays above the form.
        default: return nil
        }
    }
}
