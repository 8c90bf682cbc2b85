import Foundation
import SachxanhCore

/// A photo's JPEG bytes. Photos are named by the SHA-256 of their bytes, so two are equal when
/// their names are: exact and cheap, and a published value holding one stays comparable.
struct PhotoBytes: Equatable {
    let sha256: String
    let jpeg: Data

    static func == (a: PhotoBytes, b: PhotoBytes) -> Bool { a.sha256 == b.sha256 }
}

/// One photo of a form (a cleanup's before and after), shown as a thumbnail under its stage.
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
