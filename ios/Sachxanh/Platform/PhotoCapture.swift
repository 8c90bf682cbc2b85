import SwiftUI
import UIKit

/// The system camera for a cleanup photo (SwiftUI has none of its own). Hands back the photo
/// as taken; `PhotoFiles` writes it for the core.
struct CameraPicker: UIViewControllerRepresentable {
    let onPhoto: (UIImage) -> Void
    let onCancel: () -> Void

    /// The simulator and some iPads have no camera: the screen then offers the library only.
    static var isAvailable: Bool { UIImagePickerController.isSourceTypeAvailable(.camera) }

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = .camera
        picker.cameraCaptureMode = .photo
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ picker: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator { Coordinator(self) }

    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        private let parent: CameraPicker

        init(_ parent: CameraPicker) {
            self.parent = parent
        }

        func imagePickerController(
            _ picker: UIImagePickerController,
            didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
        ) {
            if let image = info[.originalImage] as? UIImage {
                parent.onPhoto(image)
            } else {
                parent.onCancel()
            }
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            parent.onCancel()
        }
    }
}

/// Files handed to the core's `addPhoto(path:)`, in the app's temporary folder (never backed up,
/// never in the photo library). The core keeps its own scaled copy, so the screen deletes each
/// file once `addPhoto` has returned; one left by an app closed mid-way goes with the system's
/// purge of temporary files.
enum PhotoFiles {
    private static var folder: URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("photos", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Twice the core's 1600 px: enough for it to scale down from, small enough for memory.
    private static let maxEdge: CGFloat = 3200

    /// Writes what the photo library handed over. JPEG and PNG go as they are; anything else
    /// (HEIC, the iPhone camera's default) is drawn upright and written as JPEG, since the core
    /// reads only those two. `nil` when it is not an image.
    static func write(_ data: Data) async -> URL? {
        await Task.detached(priority: .userInitiated) { () -> URL? in
            let jpeg = data.starts(with: [0xFF, 0xD8, 0xFF])
            let png = data.starts(with: [0x89, 0x50, 0x4E, 0x47])
            if jpeg || png {
                return save(data, ext: jpeg ? "jpg" : "png")
            }
            guard let image = UIImage(data: data), let out = encode(image) else { return nil }
            return save(out, ext: "jpg")
        }.value
    }

    /// Writes a photo from the camera.
    static func write(_ image: UIImage) async -> URL? {
        let box = UncheckedSendable(value: image)
        return await Task.detached(priority: .userInitiated) { () -> URL? in
            guard let out = encode(box.value) else { return nil }
            return save(out, ext: "jpg")
        }.value
    }

    static func delete(_ url: URL) {
        try? FileManager.default.removeItem(at: url)
    }

    // Drawing applies the photo's orientation, so the JPEG is upright whatever EXIF said; quality
    // 0.95 because the core re-encodes once more at its own quality.
    private static func encode(_ image: UIImage) -> Data? {
        let longest = max(image.size.width, image.size.height)
        let scale = longest > maxEdge ? maxEdge / longest : 1
        let size = CGSize(width: (image.size.width * scale).rounded(), height: (image.size.height * scale).rounded())
        let format = UIGraphicsImageRendererFormat.default()
        format.scale = 1
        let upright = UIGraphicsImageRenderer(size: size, format: format).image { _ in
            image.draw(in: CGRect(origin: .zero, size: size))
        }
        return upright.jpegData(compressionQuality: 0.95)
    }

    private static func save(_ data: Data, ext: String) -> URL? {
        let url = folder.appendingPathComponent("\(UUID().uuidString).\(ext)")
        do {
            try data.write(to: url, options: .atomic)
            return url
        } catch {
            return nil
        }
    }
}
