import Foundation
import SachxanhCore

// The iOS twin of android/state/…/RecordForm.kt: the one form of every record kind. Names,
// states and events are Kotlin's, so the two read side by side.

/// One field of a form as the screen draws it: what the core declares (label, input, help,
/// section heading, whether it is shown), the value as the person typed or picked it, and the
/// problems to show under it. Draw it by its `input`; every word comes from the core.
struct FieldState: Equatable {
    /// The core's name of the field: events name it (`onText(path:text:)`).
    let path: String
    let label: Message
    let input: Input
    let required: Bool
    /// A line under the field saying what is meant.
    let help: Message?
    /// A heading to draw above this field: it starts a group (kinds of work, participants).
    let section: Message?
    /// `false`: not drawn (a ladder's date of a step not reached).
    var shown: Bool
    var value: FieldValue
    /// The core's words for what is wrong, shown once the person has been at the field or saved.
    var problems: [Message] = []
    /// Photos / Photo inputs: each photo, being prepared or attached.
    var photos: [FormPhoto] = []
    /// Place / Point inputs: the place being drawn.
    var place: PlaceDraft? = nil
    /// Household input: what the chosen household is called.
    var household: Message? = nil

    /// Text, Count, Quantity, Date, Area, Household, Photo: the text as typed (a date as DD/MM/YYYY).
    var text: String {
        if case .text(let t) = value { return t }
        return ""
    }

    var on: Bool {
        if case .flag(let on) = value { return on }
        return false
    }

    var code: String? {
        if case .choice(let c) = value { return c }
        return nil
    }

    /// Lines input: one item per line, as the person typed them.
    var linesText: String {
        if case .lines(let lines) = value { return lines.joined(separator: "\n") }
        return ""
    }

    /// The photos under one stage (its code from `Input.photos(stages:)`).
    func photos(stage: String?) -> [FormPhoto] { photos.filter { $0.stage == stage } }

    var takesPhotos: Bool {
        switch input {
        case .photos, .photo: return true
        default: return false
        }
    }

    var singlePhoto: Bool { input == .photo }

    func stageOrFirst(_ stage: String?) -> String? {
        guard case .photos(let stages) = input else { return nil }
        return stages.first { $0.code == stage }?.code ?? stages.first?.code
    }
}

extension FieldState {
    init(_ f: FormField, household: Message?) {
        path = f.path
        label = f.label
        input = f.input
        required = f.required
        help = f.help
        section = f.section
        shown = f.shown
        value = f.value
        switch f.input {
        case .photos:
            if case .photos(let refs) = f.value {
                photos = refs.map { .attached(FormPhoto.Attached(sha256: $0.sha256, stage: coreCode($0.stage))) }
            }
        case .photo:
            if case .text(let sha) = f.value, !sha.isBlank {
                photos = [.attached(FormPhoto.Attached(sha256: sha, stage: nil))]
            }
        case .place, .point:
            if case .place(let p) = f.value {
                place = PlaceDraft.of(p)
            } else {
                place = PlaceDraft()
            }
        default:
            break
        }
        self.household = household
    }
}

/// What the form holder remembers to decide which of the core's problems to show: those of the
/// fields the person has been at, all of them once a save was tried. Opaque to screens.
struct FormMemo: Equatable {
    var touched: Set<String> = []
    var showAll = false
    /// The core's problems from the last check or save, by field path.
    var found: [String: [Message]] = [:]
    var foundGeneral: [Message] = []
    /// A photo the phone could not take, by field path (not the core's record rules).
    var photoErrors: [String: Message] = [:]
    /// A save that failed for another reason than the values (storage).
    var failure: Message? = nil
}

enum RecordFormUiState: Equatable {
    case loading

    /// The record (or the household it is about) could not be opened.
    case error(Message)

    case editing(Editing)

    /// Saved on the phone (and sent for review if `submitted`); it goes out at the next sync.
    case saved(id: String, submitted: Bool, record: RecordView)

    struct Editing: Equatable {
        let kind: RecordKind
        /// The form's heading: the kind's name.
        let title: Message
        /// `nil` until the record is first saved.
        var recordId: String?
        /// What a saved record is called in lists (`nil` for a new one).
        var recordTitle: Message?
        /// Every field in order; draw those `shown`.
        var fields: [FieldState]
        /// Problems belonging to no field, and a save that failed: shown above the form.
        var general: [Message]
        /// A status ladder (covenant, black spot): where it stands and the next step.
        var ladder: LadderState?
        /// The person's areas: the choices of an Area field.
        var areas: [AreaInfo]
        /// The outline of the record's area, for the place editor's map.
        var outline: [Coord]
        /// The person may record this kind; otherwise the form is read only.
        let mayWrite: Bool
        var status: ReviewStatus?
        var statusLabel: Message?
        /// Why staff returned or rejected it, shown above the form while fixing it.
        var reviewerReason: String?
        var conflicts: [WordedConflict] = []
        /// Households of the area that what is typed resembles (the core's rule): shown before
        /// saving so the person can open one instead of recording it twice, or save anyway.
        var similar: [HouseholdRow] = []
        var saving = false
        /// The core is reading what was typed (live feedback); the form stays usable.
        var checking = false
        /// A photo opened full size, over the form.
        var viewer: PhotoViewer? = nil
        var memo = FormMemo()

        subscript(_ path: String) -> FieldState? { fields.first { $0.path == path } }

        /// The record's area (the value of its Area field): the household picker lists this area.
        var areaId: String { fields.first { $0.input == .area }?.text ?? "" }

        /// Saving waits until every photo is prepared (a half-made photo has no name yet).
        var preparingPhotos: Bool { fields.contains { f in f.photos.contains { $0.isPreparing } } }
        var canSave: Bool { mayWrite && !saving && !preparingPhotos }

        /// "Move up the ladder" (verified → cleaned → closed …) is offered.
        var canMoveUp: Bool { mayWrite && !saving && ladder?.next != nil }
        var hasProblems: Bool { !general.isEmpty || fields.contains { !$0.problems.isEmpty } }

        func values() -> [FieldInput] { fields.map { FieldInput(path: $0.path, value: $0.value) } }
        func attached() -> [FormPhoto.Attached] { fields.flatMap(\.photos).compactMap(\.asAttached) }

        /// The problems each field shows, from what the memo holds.
        func present() -> Editing {
            let m = memo
            var out = self
            out.fields = fields.map { f in
                var g = f
                let core = (m.showAll || m.touched.contains(f.path)) ? (m.found[f.path] ?? []) : []
                g.problems = core + (m.photoErrors[f.path].map { [$0] } ?? [])
                return g
            }
            out.general = (m.showAll ? m.foundGeneral : []) + (m.failure.map { [$0] } ?? [])
            return out
        }

        /// The core's reading of the form: problems, what is shown, the ladder. Values stay as typed.
        func withFound(_ form: FormState) -> Editing {
            var byPath: [String: FormField] = [:]
            for f in form.fields { byPath[f.path] = f }
            var out = self
            out.fields = fields.map { f in
                var g = f
                if let c = byPath[f.path] { g.shown = c.shown }
                return g
            }
            out.ladder = form.ladder
            var found: [String: [Message]] = [:]
            for f in form.fields where !f.problems.isEmpty { found[f.path] = f.problems }
            out.memo.found = found
            out.memo.foundGeneral = form.general
            return out.present()
        }

        func mapPhotos(_ change: (FormPhoto) -> FormPhoto) -> Editing {
            var out = self
            out.fields = fields.map { fs in
                guard !fs.photos.isEmpty else { return fs }
                var g = fs
                g.photos = fs.photos.map(change)
                return g
            }
            return out
        }

        /// New photos of a field: its value follows (attached ones only), and its photo message.
        func withPhotos(_ path: String, _ photos: [FormPhoto], error: Message?) -> Editing {
            var out = self
            out.memo.photoErrors[path] = error
            out.fields = fields.map { f in
                guard f.path == path else { return f }
                var g = f
                g.photos = photos
                g.value = Self.photoValue(f.input, photos)
                return g
            }
            out.memo.touched.insert(path)
            return out.present()
        }

        private static func photoValue(_ input: Input, _ photos: [FormPhoto]) -> FieldValue {
            let attached = photos.compactMap(\.asAttached)
            if input == .photo { return .text(text: attached.first?.sha256 ?? "") }
            return .photos(photos: attached.compactMap { a in
                PhotoStage(code: a.stage).map { PhotoRef(sha256: a.sha256, stage: $0) }
            })
        }

        /// A failed save or submit: problems naming a field go under it, the rest above the form.
        func failed(_ error: CoreError) -> Editing {
            let paths = Set(fields.map(\.path))
            var problems: [FieldProblem] = []
            if case .invalid(_, let p) = error { problems = p }
            let placed = problems.filter { paths.contains($0.field) }
            let failure: Message? = (!problems.isEmpty && placed.count == problems.count) ? nil : error.words()
            var out = self
            out.saving = false
            var found: [String: [Message]] = [:]
            for p in placed { found[p.field, default: []].append(p.message) }
            out.memo.found = found
            out.memo.foundGeneral = []
            out.memo.failure = failure
            return out.present()
        }
    }
}

/// The form of any record kind, driven by the core's `FormState`: the core declares the fields
/// (labels, inputs, sections, what is required), reads what was typed (counts "1.200", kilograms
/// "12,5", dates "28/11/2026"), checks it, and says every problem under its field. This holder
/// only keeps what the person typed, asks the core to check it after a pause in typing, saves it,
/// and does the phone's part: photo files, GPS fixes and map taps, the area's outline.
///
/// Events name a field by its `path`. A photo taken for this form and then removed, or left
/// behind with the form (`abandon()`, or the holder going away unsaved), is forgotten on the phone.
@MainActor
final class RecordFormViewModel: ObservableObject {
    @Published private(set) var state: RecordFormUiState = .loading

    let kind: RecordKind
    private let core: Sachxanh
    /// `nil` for a new record.
    private let recordId: String?
    /// Where a new record starts: the area the person came from; their first area otherwise.
    private let areaId: String?
    /// A new record about this household (a sorting check started from the household).
    private let householdId: String?
    /// Typing pauses this long before the core checks it: one check per word, not per letter.
    private let checkPauseNs: UInt64
    private var checkTask: Task<Void, Never>?

    private lazy var photoDesk = PhotoDesk(
        core: core,
        current: { [weak self] in self?.editing },
        publish: { [weak self] e in self?.setEditing(e) },
        changed: { [weak self] _ in self?.requestCheck(pause: false) }
    )

    init(
        core: Sachxanh,
        kind: RecordKind,
        recordId: String? = nil,
        areaId: String? = nil,
        householdId: String? = nil,
        checkPauseMs: UInt64 = 600
    ) {
        self.core = core
        self.kind = kind
        self.recordId = recordId
        self.areaId = areaId
        self.householdId = householdId
        self.checkPauseNs = checkPauseMs * 1_000_000
        Task { [weak self] in await self?.load() }
    }

    convenience init(core: Sachxanh, target: FormTarget) {
        self.init(core: core, kind: target.kind, recordId: target.recordId, areaId: target.areaId, householdId: target.householdId)
    }

    private var editing: RecordFormUiState.Editing? {
        if case .editing(let e) = state { return e }
        return nil
    }

    /// Writes the form back while it is being edited (not once it is saved).
    private func setEditing(_ e: RecordFormUiState.Editing) {
        if case .editing = state { state = .editing(e) }
    }

    private func load() async {
        let core = self.core
        let kind = self.kind
        let recordId = self.recordId
        let areaId = self.areaId
        let householdId = self.householdId
        let loaded = await runCore { () -> RecordFormUiState.Editing in
            let caps = core.capabilities()
            let areas = caps?.areas ?? []
            let view = try recordId.map { try core.record(id: $0) }
            let form: FormState
            if let recordId {
                form = try core.form(id: recordId)
            } else {
                // A household's check belongs to the household's area.
                var start = areaId
                if start == nil, let h = householdId,
                   let areaField = try core.form(id: h).fields.first(where: { $0.input == .area }),
                   case .text(let a) = areaField.value {
                    start = a
                }
                form = core.newForm(kind: kind, areaId: start ?? areas.first?.id ?? "")
            }
            let fields = try form.fields.map { f -> FieldState in
                let preset = (recordId == nil && f.input == .household) ? householdId : nil
                var chosen = preset
                if chosen == nil, f.input == .household, case .text(let t) = f.value, !t.isBlank { chosen = t }
                // A preset household must be on the phone; a stored one may be missing (its name is then unknown).
                var name: Message?
                if let preset {
                    name = try core.record(id: preset).title
                } else if let chosen {
                    name = try? core.record(id: chosen).title
                }
                var field = FieldState(f, household: name)
                if let preset { field.value = .text(text: preset) }
                return field
            }
            let area = fields.first { $0.input == .area }?.text ?? areaId ?? ""
            return RecordFormUiState.Editing(
                kind: kind,
                title: form.title,
                recordId: recordId,
                recordTitle: view?.title,
                fields: fields,
                general: form.general,
                ladder: form.ladder,
                areas: areas,
                outline: core.areaOutline(areaId: area),
                mayWrite: caps?.kinds.first(where: { $0.kind == kind })?.mayWrite == true,
                status: view?.status,
                statusLabel: view?.statusLabel,
                reviewerReason: view?.reason,
                conflicts: view?.conflicts ?? []
            )
        }
        switch loaded {
        case .success(let e):
            state = .editing(e)
            let shas = e.attached().map(\.sha256)
            photoDesk.savedPhotos = Set(shas)
            await photoDesk.loadPreviews(shas)
        case .failure(let err):
            state = .error(err.message)
        }
    }

    /// Asks the core to check the form: after the pause when typing, at once for a tap. A newer
    /// request replaces one still waiting.
    private func requestCheck(pause: Bool) {
        checkTask?.cancel()
        let pauseNs = pause ? checkPauseNs : 0
        checkTask = Task { [weak self] in
            if pauseNs > 0 { try? await Task.sleep(nanoseconds: pauseNs) }
            guard !Task.isCancelled else { return }
            await self?.check()
        }
    }

    private func check() async {
        guard var s = editing, !s.saving, s.mayWrite else { return }
        let values = s.values()
        s.checking = true
        state = .editing(s)
        let core = self.core
        let kind = self.kind
        let recordId = s.recordId
        let areaId = s.areaId
        let checked = await runCore { try core.checkForm(kind: kind, id: recordId, areaId: areaId, values: values) }
        let similar = await runCore { try core.similarHouseholds(kind: kind, id: recordId, areaId: areaId, values: values) }
        guard var cur = editing, !cur.saving else { return }
        // Typed meanwhile: a newer check reads that.
        guard cur.values() == values else { return }
        // Not being able to check is no reason to stop typing; saving says what is wrong.
        if case .success(let form) = checked { cur = cur.withFound(form) }
        if case .success(let rows) = similar { cur.similar = rows }
        cur.checking = false
        state = .editing(cur)
    }

    /// Changes one field; `pause`: typing (checked after a pause), not a tap (checked at once).
    private func edit(_ path: String, pause: Bool, _ change: (inout FieldState) -> Void) {
        guard let e = editing, let f = e[path], !e.saving, e.mayWrite else { return }
        var g = f
        change(&g)
        guard g != f else { return }
        var out = e
        out.fields = e.fields.map { $0.path == path ? g : $0 }
        out.memo.touched.insert(path)
        state = .editing(out.present())
        requestCheck(pause: pause)
    }

    /// Text typed or picked for a Text, Count, Quantity, Date, Area or Household field: the core
    /// reads it (a count "1.200", kilograms "12,5", a date "28/11/2026").
    func onText(path: String, text: String) {
        guard let input = editing?[path]?.input else { return }
        let typed = input != .area && input != .household
        edit(path, pause: typed) { $0.value = .text(text: text) }
        if input == .area { loadOutline(text) }
    }

    /// A day picked in the calendar, written the way the core reads it (DD/MM/YYYY).
    func onDatePicked(path: String, date: Date) {
        let text = DayText.text(date)
        edit(path, pause: false) { $0.value = .text(text: text) }
    }

    func onFlag(path: String, on: Bool) {
        edit(path, pause: false) { $0.value = .flag(on: on) }
    }

    /// One of the field's `Input.choice(options:)` (its code); `nil` clears it.
    func onChoice(path: String, code: String?) {
        edit(path, pause: false) { $0.value = .choice(code: code) }
    }

    /// A Lines field typed as text, one item per line (blank lines are dropped by the core).
    func onLinesText(path: String, text: String) {
        let lines = text.components(separatedBy: "\n")
        edit(path, pause: true) { $0.value = .lines(lines: lines) }
    }

    func onLines(path: String, lines: [String]) {
        edit(path, pause: true) { $0.value = .lines(lines: lines) }
    }

    /// A household picked (from `HouseholdsViewModel` opened on the form's `areaId`).
    func pickHousehold(path: String, householdId: String) {
        edit(path, pause: false) {
            $0.value = .text(text: householdId)
            $0.household = nil
        }
        let core = self.core
        Task {
            let title = await runCore { try core.record(id: householdId).title }
            guard case .success(let t) = title, var e = editing, e[path]?.text == householdId else { return }
            e.fields = e.fields.map { f in
                var g = f
                if f.path == path { g.household = t }
                return g
            }
            state = .editing(e)
        }
    }

    private func loadOutline(_ area: String) {
        let core = self.core
        Task {
            let outline = await runCore { core.areaOutline(areaId: area) }
            guard case .success(let o) = outline, var e = editing, e.areaId == area else { return }
            e.outline = o
            state = .editing(e)
        }
    }

    private func editPlace(_ path: String, _ change: (PlaceDraft) -> PlaceDraft) {
        edit(path, pause: true) { f in
            guard let draft = f.place else { return }
            var next = change(draft)
            if f.input == .point { next = next.withShape(.point) }
            f.place = next
            f.value = .place(place: next.toPlace())
        }
    }

    /// One of the field's `Input.place(shapes:)` (its code): point, line or polygon.
    func onShape(path: String, code: String) {
        guard let shape = SachxanhCore.Shape(code: code) else { return }
        editPlace(path) { $0.withShape(shape) }
    }

    /// A fix from the phone's GPS (CoreLocation): the person is at the place.
    func onGpsFix(path: String, lon: Double, lat: Double, accuracyM: Double?) {
        editPlace(path) { $0.withGpsFix(lon: lon, lat: lat, accuracyM: accuracyM) }
    }

    /// A tap on the map over the area's `outline`.
    func onMapTap(path: String, lon: Double, lat: Double) {
        editPlace(path) { $0.withMapTap(lon: lon, lat: lat) }
    }

    func undoLastPoint(path: String) { editPlace(path) { $0.withoutLastPoint() } }
    func clearPlace(path: String) { editPlace(path) { $0.cleared() } }

    /// A photo from the camera or the library, as a file the screen wrote (`file`), for the field
    /// at `path`, under `stage` (a code of its `Input.photos(stages:)`; ignored by a Photo field).
    /// The core scales and re-encodes it and keeps it on the phone; a file that is not a photo is
    /// said under the field. Returns once the core holds its copy: the file may then be deleted.
    func addPhoto(path: String, file: String, stage: String? = nil) async {
        await photoDesk.add(path: path, file: file, stage: stage)
    }

    /// Takes a photo out of the form; one only this form used is forgotten on the phone.
    func removePhoto(key: String) { photoDesk.remove(key: key) }

    /// Opens a photo full size: from the phone, or downloaded when someone else took it.
    func openPhoto(sha256: String) { photoDesk.view(sha256: sha256) }

    /// "Thử lại" in the viewer, e.g. once there is a network again.
    func retryPhoto() { photoDesk.retry() }

    func closePhoto() { photoDesk.close() }

    /// The next step of the ladder (reported → verified → cleaned → closed): sets the status to
    /// the core's `ladder.next` and, when still blank, that step's date to today (the person can
    /// correct it). The core then says what the step needs (an after photo once cleaned).
    func moveUp() {
        guard let e = editing, let ladder = e.ladder, let next = ladder.next, e.canMoveUp else { return }
        let today = DayText.text(Date())
        var out = e
        out.fields = e.fields.map { f in
            var g = f
            if f.path == ladder.statusPath {
                g.value = .choice(code: next.code)
            } else if f.path == ladder.nextDatePath, f.text.isBlank {
                g.value = .text(text: today)
                g.shown = true
            }
            return g
        }
        // The step after this one is the core's to say: none is offered until it is checked.
        out.ladder = LadderState(statusPath: ladder.statusPath, current: next, next: nil, nextDatePath: nil)
        out.memo.touched.insert(ladder.statusPath)
        if let datePath = ladder.nextDatePath { out.memo.touched.insert(datePath) }
        state = .editing(out.present())
        requestCheck(pause: false)
    }

    private enum Done {
        case problems(FormState)
        case saved(RecordView)
        /// Saved, but the core would not send it for review.
        case notSubmitted(RecordView, CoreError)

        var isProblems: Bool {
            if case .problems = self { return true }
            return false
        }
    }

    /// Saves on the phone (a draft, or the edit) and, with `submit`, sends it for review. Every
    /// problem is then shown, each under its field. Does nothing while photos are being prepared.
    func save(submit: Bool) {
        guard var e = editing, e.canSave else { return }
        e.saving = true
        e.memo.showAll = true
        e.memo.failure = nil
        let started = e.present()
        state = .editing(started)
        let values = started.values()
        let core = self.core
        let kind = self.kind
        let recordId = started.recordId
        let areaId = started.areaId
        Task {
            let done = await runCore { () -> Done in
                switch try core.saveForm(kind: kind, id: recordId, areaId: areaId, values: values) {
                case .problems(let form):
                    return .problems(form)
                case .saved(let record):
                    guard submit else { return .saved(record) }
                    do {
                        try core.submit(id: record.id)
                        return .saved(try core.record(id: record.id))
                    } catch let x as ApiError {
                        return .notSubmitted(record, CoreError(x))
                    }
                }
            }
            if case .success(let d) = done, !d.isProblems {
                photoDesk.savedPhotos = Set(started.attached().map(\.sha256))
            }
            // From the current state, not the one before saving: a thumbnail or the viewer may
            // have loaded meanwhile.
            let cur = editing ?? started
            switch done {
            case .failure(let err):
                state = .editing(cur.failed(err))
            case .success(.problems(let form)):
                var c = cur
                c.saving = false
                state = .editing(c.withFound(form))
            case .success(.saved(let record)):
                state = .saved(id: record.id, submitted: submit, record: record)
            case .success(.notSubmitted(let record, let err)):
                var c = cur
                c.recordId = record.id
                c.status = record.status
                c.statusLabel = record.statusLabel
                state = .editing(c.failed(err))
            }
        }
    }

    /// The person left the form without saving it: the photos taken for it are forgotten. Does
    /// nothing once saved. (The holder going away unsaved does the same.)
    func abandon() { photoDesk.abandon() }
}
