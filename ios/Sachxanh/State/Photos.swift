import Foundation
import SachxanhCore

/// A photo's JPEG bytes. Photos are named by the SHA-256 of their bytes, so two are equal when
/// their names are: exact and cheap, and a published value holding one stays comparable.
struct PhotoBytes: Equatable {
    let sha256: String
    let jpeg: Data

    static func == (a: PhotoBytes, b: PhotoBytes) -> Bool { a.sha256 == b.sha256 }
}

/// One photo of a form (a cleanup's or a black spot's before and after), shown as a thumbnail under its stage.
enum FormPhoto: Identifiable, Equatable {
    /// Being scaled and re-encoded on the phone (a second or two on an older iPhone).
    case preparing(key: String, stage: PhotoStage)
    /// In the record, named by `sha256`. `info` is known for a photo added in this form;
    /// `preview` once the phone has read the bytes (added here, already on the phone when the
    /// form opened, or opened). A `nil` preview is a photo not on the phone: it is downloaded
    /// only when it is opened.
    case attached(sha256: String, stage: PhotoStage, info: PhotoInfo?, preview: PhotoBytes?)

    /// Stable while the photo is in the form: list identity and `removePhoto(key:)`.
    var id: String {
        switch self {
        case .preparing(let key, _): return key
        case .attached(let sha256, _, _, _): return sha256
        }
    }

    var stage: PhotoStage {
        switch self {
        case .preparing(_, let stage), .attached(_, let stage, _, _): return stage
        }
    }

    var sha256: String? {
        if case .attached(let sha256, _, _, _) = self { return sha256 }
        return nil
    }

    var preview: PhotoBytes? {
        if case .attached(_, _, _, let preview) = self { return preview }
        return nil
    }

    var isPreparing: Bool {
        if case .preparing = self { return true }
        return false
    }

    func withPreview(_ photo: PhotoBytes) -> FormPhoto {
        guard case .attached(let sha256, let stage, let info, _) = self, sha256 == photo.sha256 else { return self }
        return .attached(sha256: sha256, stage: stage, info: info, preview: photo)
    }
}

/// A photo opened full size.
struct PhotoViewer: Identifiable, Equatable {
    let sha256: String
    let stage: PhotoStage?
    var content: PhotoContent

    var id: String { sha256 }
}

enum PhotoContent: Equatable {
    /// Read from the phone, or downloaded from the server (someone else's photo).
    case loading
    case shown(PhotoBytes)
    /// Not on this phone and no connection: it can be opened once there is one.
    case offline(UserText)
    case error(UserText)
}

extension CoreError {
    /// What a failed photo call says under the form's photo field: the core names the problem
    /// (field `photo`: not a readable JPEG or PNG image, too large).
    var photoMessage: UserText {
        if case .invalid(let m, let problems) = self {
            guard !problems.isEmpty else { return m }
            return UserText(
                vi: problems.map(\.messageVi).joined(separator: "; "),
                en: problems.map(\.messageEn).joined(separator: "; ")
            )
        }
        return message
    }

    /// The viewer's state for a failed `photo(sha256:)`.
    var photoContent: PhotoContent {
        if case .offline(let m) = self { return .offline(m) }
        return .error(photoMessage)
    }
}

extension Array where Element == FormPhoto {
    /// The references a saved record keeps: the attached photos, in the form's order.
    var refs: [PhotoRef] { compactMap { p in p.sha256.map { PhotoRef(sha256: $0, stage: p.stage) } } }
}

/// The photo work every form with photos shares (cleanup, black spot): preparing a camera or
/// library file, thumbnails of photos already on the phone, opening one full size, and forgetting
/// on the phone a photo taken for the form and then removed, or left behind when the form closes
/// unsaved: the core never uploads a photo no saved record uses, and `discardPhoto` frees its
/// space (it refuses while a saved record still uses the photo).
///
/// The form's state holder keeps the published values (`form.photos`, its photo field's error,
/// `viewer`) and hands them over as `Access`; it owns the desk, so the desk's `deinit` is the
/// form's.
@MainActor
final class PhotoDesk {
    struct Access {
        let photos: () -> [FormPhoto]
        let setPhotos: ([FormPhoto]) -> Void
        /// The message under the form's photo field; `nil` clears it.
        let setError: (UserText?) -> Void
        let viewer: () -> PhotoViewer?
        let setViewer: (PhotoViewer?) -> Void
        let saving: () -> Bool
    }

    private let core: Sachxanh
    /// Set by the owner once it is initialised (its closures capture it weakly).
    var access: Access?
    private var keys = 0
    /// The photos of the record as saved when the form opened: never discarded from here.
    var savedPhotos: Set<String> = []
    /// Photos taken here and still in the form: forgotten if the form closes unsaved (`deinit`).
    private var takenHere: Set<String> = []
    /// Adding and forgetting photos run one at a time, in the order the person did them: a photo
    /// removed and then taken again (the same bytes, the same name) must not be forgotten after
    /// it was added back.
    private var lane: Task<Void, Never>?

    init(core: Sachxanh) {
        self.core = core
    }

    /// The form was closed without saving: the photos taken for it are forgotten. An addition
    /// still running keeps the form, and so this desk, alive until it is done.
    deinit {
        let core = self.core
        let left = takenHere
        guard !left.isEmpty else { return }
        Task.detached(priority: .utility) {
            for sha in left { _ = try? core.discardPhoto(sha256: sha) }
        }
    }

    private var photos: [FormPhoto] {
        get { access?.photos() ?? [] }
        set { access?.setPhotos(newValue) }
    }

    /// The record was saved: it uses these photos now, nothing to forget when the form closes.
    func saved() {
        takenHere = []
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
        takenHere.remove(sha256)
        guard !savedPhotos.contains(sha256), !photos.contains(where: { $0.sha256 == sha256 }) else { return }
        let core = self.core
        let previous = lane
        lane = Task {
            await previous?.value
            _ = await runCore { try core.discardPhoto(sha256: sha256) }
        }
    }

    private func setPreview(_ photo: PhotoBytes) {
        photos = photos.map { $0.withPreview(photo) }
    }

    /// A photo from the camera or the photo library, as a file the screen wrote (`path`); the
    /// core scales and re-encodes it and keeps it on the phone, so the file may be deleted once
    /// this returns. A file that is not a photo is said under the photo field.
    func add(path: String, stage: PhotoStage) async {
        guard let access, !access.saving() else { return }
        keys += 1
        let key = "preparing-\(keys)"
        photos.append(.preparing(key: key, stage: stage))
        access.setError(nil)
        let core = self.core
        let result = await inLane { () -> (PhotoInfo, Data) in
            let info = try core.addPhoto(path: path)
            // Read back at once (from the phone, no network) for the thumbnail.
            return (info, try core.photo(sha256: info.sha256))
        }
        // Removed while it was being prepared: not in the form, so forgotten.
        guard photos.contains(where: { $0.id == key }) else {
            if case .success(let (info, _)) = result { discard(info.sha256) }
            return
        }
        let others = photos.filter { $0.id != key }
        switch result {
        case .success(let (info, jpeg)):
            if others.contains(where: { $0.sha256 == info.sha256 }) {
                // Already in the form under the other stage: that one keeps it.
                photos = others
                access.setError(Texts.photoAlreadyAdded)
            } else {
                let attached = FormPhoto.attached(
                    sha256: info.sha256, stage: stage, info: info,
                    preview: PhotoBytes(sha256: info.sha256, jpeg: jpeg)
                )
                photos = photos.map { $0.id == key ? attached : $0 }
                if !savedPhotos.contains(info.sha256) { takenHere.insert(info.sha256) }
            }
        case .failure(let e):
            photos = others
            access.setError(e.photoMessage)
        }
    }

    /// Takes a photo out of the form, and forgets it on the phone when only this form used it
    /// (one removed before saving is never uploaded). One the saved record uses stays until the
    /// record is saved without it; it is then not uploaded either. A photo still being prepared
    /// is forgotten once ready (`add` finds it gone).
    func remove(key: String) {
        guard let access, !access.saving() else { return }
        let removed = photos.first { $0.id == key }
        photos.removeAll { $0.id == key }
        if let sha = removed?.sha256 { discard(sha) }
    }

    /// Opens a photo full size: from the phone, or downloaded when someone else took it.
    func show(sha256: String) async {
        guard let access else { return }
        let photo = photos.first { $0.sha256 == sha256 }
        if let known = photo?.preview {
            access.setViewer(PhotoViewer(sha256: sha256, stage: photo?.stage, content: .shown(known)))
            return
        }
        access.setViewer(PhotoViewer(sha256: sha256, stage: photo?.stage, content: .loading))
        let core = self.core
        let result = await runCore { try core.photo(sha256: sha256) }
        let content: PhotoContent
        switch result {
        case .success(let jpeg): content = .shown(PhotoBytes(sha256: sha256, jpeg: jpeg))
        case .failure(let e): content = e.photoContent
        }
        // The person may have closed it, or opened another, meanwhile.
        if var viewer = access.viewer(), viewer.sha256 == sha256 {
            viewer.content = content
            access.setViewer(viewer)
        }
        if case .shown(let bytes) = content { setPreview(bytes) }
    }

    /// "Thử lại" in the viewer, e.g. once there is a network again.
    func retry() async {
        guard let sha = access?.viewer()?.sha256 else { return }
        await show(sha256: sha)
    }

    func close() {
        access?.setViewer(nil)
    }
}
