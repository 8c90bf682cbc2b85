import Foundation
import SachxanhCore

/// A photo's JPEG bytes. Photos are named by the SHA-256 of their bytes, so two are equal when
/// their names are: exact and cheap, and a published value holding one stays comparable.
struct PhotoBytes: Equatable {
    let sha256: String
    let jpeg: Data

    static func == (a: PhotoBytes, b: PhotoBytes) -> Bool { a.sha256 == b.sha256 }
}

/// One photo of a form's Photos or Photo field, shown as a thumbnail.
enum FormPhoto: Identifiable, Equatable {
    /// Being scaled and re-encoded on the phone (a second or two on an older iPhone). `stage`:
    /// the code of one of the field's `Input.photos(stages:)`; `nil` in a Photo field.
    case preparing(key: String, stage: String?)
    case attached(Attached)

    /// In the record, named by `sha256`. `info` is known for a photo added in this form;
    /// `preview` once the phone has read the bytes (added here, already on the phone when the
    /// form opened, or opened). A `nil` preview is a photo not on the phone: it is downloaded
    /// only when it is opened.
    struct Attached: Equatable {
        let sha256: String
        let stage: String?
        var info: PhotoInfo? = nil
        var preview: PhotoBytes? = nil

        var key: String { sha256 }
    }

    /// Stable while the photo is in the form: list identity and `removePhoto(key:)`.
    var key: String {
        switch self {
        case .preparing(let key, _): return key
        case .attached(let a): return a.key
        }
    }

    var id: String { key }

    var stage: String? {
        switch self {
        case .preparing(_, let stage): return stage
        case .attached(let a): return a.stage
        }
    }

    var asAttached: Attached? {
        if case .attached(let a) = self { return a }
        return nil
    }

    var isPreparing: Bool {
        if case .preparing = self { return true }
        return false
    }
}

/// A photo opened full size, over the form; `stage` as in `FormPhoto.stage`.
struct PhotoViewer: Identifiable, Equatable {
    let sha256: String
    let path: String?
    let stage: String?
    var content: PhotoContent

    var id: String { sha256 }
}

enum PhotoContent: Equatable {
    /// Read from the phone, or downloaded from the server (someone else's photo).
    case loading
    case shown(PhotoBytes)
    /// Not on this phone and no connection: it can be opened once there is one.
    case offline(Message)
    case error(Message)
}

/// The photo work of `RecordFormViewModel`: preparing a camera or library file, thumbnails of
/// photos already on the phone, opening one full size, and forgetting on the phone a photo taken
/// for the form and then removed, or left in a form closed unsaved: the core never uploads a
/// photo no saved record uses, and `discardPhoto` frees its space (it refuses while a saved
/// record still uses the photo).
///
/// It reads and writes the form's state through the closures its owner gives it. It lives as
/// long as its owner, or as long as an addition still runs: its `deinit` is the form's being
/// left (iOS has no explicit "left" event for a screen popped off a navigation stack).
@MainActor
final class PhotoDesk {
    private let core: Sachxanh
    private let current: @MainActor () -> RecordFormUiState.Editing?
    private let publish: @MainActor (RecordFormUiState.Editing) -> Void
    /// The photos of `path` changed: the form is checked again (an after photo may be required).
    private let changed: @MainActor (_ path: String) -> Void

    private var keys = 0
    /// The photos of the record as last saved: never discarded from here.
    var savedPhotos: Set<String> = []
    /// Photos added here and still in the form: forgotten if the form is left unsaved.
    private var takenHere: Set<String> = []
    /// Adding and forgetting photos run one at a time, in the order the person did them: a photo
    /// removed and then taken again (the same bytes, the same name) must not be forgotten after
    /// it was added back.
    private var lane: Task<Void, Never>?
    /// Left without saving: a photo still being prepared is forgotten once it is ready.
    private var abandoned = false

    init(
        core: Sachxanh,
        current: @escaping @MainActor () -> RecordFormUiState.Editing?,
        publish: @escaping @MainActor (RecordFormUiState.Editing) -> Void,
        changed: @escaping @MainActor (_ path: String) -> Void
    ) {
        self.core = core
        self.current = current
        self.publish = publish
        self.changed = changed
    }

    /// The form went away without `abandon()`: what was taken here and not saved is forgotten.
    deinit {
        let core = self.core
        let left = takenHere.subtracting(savedPhotos)
        guard !abandoned, !left.isEmpty else { return }
        Task.detached(priority: .utility) {
            for sha in left { _ = try? core.discardPhoto(sha256: sha) }
        }
    }

    /// Thumbnails of the photos already on the phone (taken here, or opened before), read with
    /// no network. The others would be downloaded — data the person pays for — so they wait for
    /// a tap.
    func loadPreviews(_ names: [String]) async {
        let core = self.core
        for sha in names {
            let read = await runCore { () -> Data? in
                try core.hasPhoto(sha256: sha) ? try core.photo(sha256: sha) : nil
            }
            // A photo that cannot be read just has no thumbnail; opening it says why.
            if case .success(let jpeg?) = read { setPreview(PhotoBytes(sha256: sha, jpeg: jpeg)) }
        }
    }

    /// Runs a photo call after the ones before it (see `lane`).
    private func inLane<T>(_ work: @escaping @Sendable () throws -> T) async -> Result<T, CoreError> {
        let previous = lane
        let task = Task { () -> UncheckedSendable<Result<T, CoreError>> in
            await previous?.value
            return UncheckedSendable(value: await runCore(work))
        }
        lane = Task { _ = await task.value }
        return await task.value.value
    }

    /// Forgets `sha256` unless the record as saved uses it, or the form still does; the core also
    /// refuses while any saved record uses it, or once the server holds it. Nothing to tell the
    /// person either way: a photo no record uses never leaves the phone.
    private func discard(_ sha256: String) {
        if savedPhotos.contains(sha256) { return }
        // Still in the form (e.g. a copy taken again was refused as a duplicate): keep it.
        if !abandoned, current()?.attached().contains(where: { $0.sha256 == sha256 }) == true { return }
        takenHere.remove(sha256)
        let core = self.core
        let previous = lane
        lane = Task {
            await previous?.value
            _ = await runCore { try core.discardPhoto(sha256: sha256) }
        }
    }

    /// The form was left unsaved: the photos taken for it are forgotten. Nothing once saved.
    func abandon() {
        guard let e = current(), !abandoned else { return }
        abandoned = true
        for photo in e.attached() { discard(photo.sha256) }
    }

    private func setPreview(_ photo: PhotoBytes) {
        guard let e = current() else { return }
        publish(e.mapPhotos { p in
            guard case .attached(var a) = p, a.sha256 == photo.sha256 else { return p }
            a.preview = photo
            return .attached(a)
        })
    }

    /// A photo from the camera or the photo library, as a file the screen wrote (`file`), for the
    /// field at `path` under `stage`; the core scales and re-encodes it and keeps it on the
    /// phone, so the file may be deleted once this returns. A file that is not a photo is said
    /// under the field. A Photo field holds one photo: a new one replaces it.
    func add(path: String, file: String, stage: String?) async {
        keys += 1
        let key = "preparing-\(keys)"
        guard let e = current(), let f = e[path], f.takesPhotos, e.mayWrite, !e.saving else { return }
        publish(e.withPhotos(path, f.photos + [.preparing(key: key, stage: f.stageOrFirst(stage))], error: nil))
        let core = self.core
        let added = await inLane { () -> (PhotoInfo, PhotoBytes) in
            let info = try core.addPhoto(path: file)
            // Read back at once (from the phone, no network) for the thumbnail.
            return (info, PhotoBytes(sha256: info.sha256, jpeg: try core.photo(sha256: info.sha256)))
        }
        // Removed while it was being prepared, or the form was left: not in the form.
        guard let now = current(), let g = now[path], g.photos.contains(where: { $0.key == key }), !abandoned else {
            if case .success(let (info, _)) = added { discard(info.sha256) }
            return
        }
        let others = g.photos.filter { $0.key != key }
        var replaced: [String] = []
        switch added {
        case .failure(let err):
            publish(now.withPhotos(path, others, error: err.words()))
        case .success(let (info, preview)):
            let stage = g.photos.first { $0.key == key }?.stage
            let attached = FormPhoto.attached(FormPhoto.Attached(sha256: info.sha256, stage: stage, info: info, preview: preview))
            if now.attached().contains(where: { $0.sha256 == info.sha256 }) {
                // Already in the form (under another stage, or another field): that one keeps it.
                publish(now.withPhotos(path, others, error: Texts.photoAlreadyAdded))
            } else {
                if g.singlePhoto {
                    replaced = others.compactMap { $0.asAttached?.sha256 }
                    publish(now.withPhotos(path, [attached], error: nil))
                } else {
                    publish(now.withPhotos(path, g.photos.map { $0.key == key ? attached : $0 }, error: nil))
                }
                if !savedPhotos.contains(info.sha256) { takenHere.insert(info.sha256) }
            }
        }
        for sha in replaced { discard(sha) }
        changed(path)
    }

    /// Takes a photo out of the form, and forgets it on the phone when only this form used it
    /// (one removed before saving is never uploaded). One the saved record uses stays until the
    /// record is saved without it; it is then not uploaded either. A photo still being prepared
    /// is forgotten once ready (`add` finds it gone).
    func remove(key: String) {
        guard let e = current(), !e.saving, e.mayWrite,
              let f = e.fields.first(where: { fs in fs.photos.contains { $0.key == key } }) else { return }
        let removed = f.photos.first { $0.key == key }
        publish(e.withPhotos(f.path, f.photos.filter { $0.key != key }, error: nil))
        if let sha = removed?.asAttached?.sha256 { discard(sha) }
        changed(f.path)
    }

    /// Opens a photo full size: from the phone, or downloaded when someone else took it.
    func view(sha256: String) {
        guard var e = current() else { return }
        let field = e.fields.first { f in f.photos.contains { $0.asAttached?.sha256 == sha256 } }
        let attached = field?.photos.compactMap(\.asAttached).first { $0.sha256 == sha256 }
        let known = attached?.preview
        e.viewer = PhotoViewer(sha256: sha256, path: field?.path, stage: attached?.stage, content: known.map { PhotoContent.shown($0) } ?? .loading)
        publish(e)
        if known != nil { return }
        let core = self.core
        Task {
            let read = await runCore { try core.photo(sha256: sha256) }
            let content: PhotoContent
            switch read {
            case .success(let jpeg): content = .shown(PhotoBytes(sha256: sha256, jpeg: jpeg))
            case .failure(.offline(let m)): content = .offline(m)
            case .failure(let err): content = .error(err.words())
            }
            // The person may have closed it, or opened another, meanwhile.
            if var cur = current(), cur.viewer?.sha256 == sha256 {
                cur.viewer?.content = content
                publish(cur)
            }
            if case .shown(let photo) = content { setPreview(photo) }
        }
    }

    /// "Thử lại" in the viewer, e.g. once there is a network again.
    func retry() {
        guard let viewer = current()?.viewer else { return }
        view(sha256: viewer.sha256)
    }

    func close() {
        guard var e = current() else { return }
        e.viewer = nil
        publish(e)
    }
}
