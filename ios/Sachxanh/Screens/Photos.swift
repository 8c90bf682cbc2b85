import PhotosUI
import SachxanhCore
import SwiftUI
import UIKit

/// One group of a photo field (a stage's photos, or a Photo field's one photo): thumbnails, each
/// tapped to open or crossed to remove, and the two ways to add one (camera, photo library).
struct PhotoStageRow: View {
    /// The stage's name from the core; `nil` for a field with one photo.
    let title: String?
    let photos: [FormPhoto]
    let enabled: Bool
    let onTake: () -> Void
    let onPicked: (PhotosPickerItem) -> Void
    let onOpen: (String) -> Void
    let onRemove: (String) -> Void

    @State private var picked: PhotosPickerItem?

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            if let title {
                Text(title).font(.subheadline.weight(.semibold))
            }
            if photos.isEmpty {
                Text("photos.none").font(.footnote).foregroundStyle(.secondary)
            } else {
                ScrollView(.horizontal, showsIndicators: false) {
                    HStack(spacing: 8) {
                        ForEach(photos) { photo in
                            PhotoThumbnail(photo: photo, enabled: enabled, onOpen: onOpen, onRemove: onRemove)
                        }
                    }
                }
            }
            if enabled {
                HStack(spacing: 16) {
                    if CameraPicker.isAvailable {
                        Button(action: onTake) {
                            Label("photos.take", systemImage: "camera")
                        }
                    }
                    PhotosPicker(selection: $picked, matching: .images, photoLibrary: .shared()) {
                        Label("photos.pick", systemImage: "photo.on.rectangle")
                    }
                }
                // Several buttons in one form row: each must react only to its own taps.
                .buttonStyle(.borderless)
            }
        }
        .padding(.vertical, 4)
        .onChange(of: picked) { item in
            guard let item else { return }
            picked = nil
            onPicked(item)
        }
    }
}

struct PhotoThumbnail: View {
    let photo: FormPhoto
    let enabled: Bool
    let onOpen: (String) -> Void
    let onRemove: (String) -> Void

    @State private var image: UIImage?

    var body: some View {
        ZStack(alignment: .topTrailing) {
            Button {
                if let sha = photo.asAttached?.sha256 { onOpen(sha) }
            } label: {
                tile
            }
            .buttonStyle(.borderless)
            .disabled(photo.isPreparing)
            .accessibilityLabel(Text("photos.open"))
            if enabled {
                Button {
                    onRemove(photo.key)
                } label: {
                    Image(systemName: "xmark.circle.fill")
                        .symbolRenderingMode(.palette)
                        .foregroundStyle(.white, .black.opacity(0.6))
                        .padding(4)
                }
                .buttonStyle(.borderless)
                .accessibilityLabel(Text("photos.remove"))
            }
        }
        .task(id: photo.asAttached?.preview?.sha256) {
            image = await decodePhoto(photo.asAttached?.preview, maxPixel: 240)
        }
    }

    private var tile: some View {
        ZStack {
            RoundedRectangle(cornerRadius: 8).fill(Color(.secondarySystemBackground))
            if photo.isPreparing {
                VStack(spacing: 4) {
                    ProgressView()
                    Text("photos.preparing").font(.caption2)
                }
            } else if let image {
                Image(uiImage: image).resizable().scaledToFill()
            } else if photo.asAttached?.preview == nil {
                // Not on this phone: downloaded only when opened (the person's data plan).
                Text("photos.not_loaded").font(.caption2).multilineTextAlignment(.center).padding(4)
            } else {
                ProgressView()
            }
        }
        .frame(width: 88, height: 88)
        .clipShape(RoundedRectangle(cornerRadius: 8))
    }
}

/// A photo full size: loading, shown, offline (a photo not on this phone) or an error.
struct PhotoViewerView: View {
    let viewer: PhotoViewer
    /// The stage's or the field's name from the core.
    let title: String?
    let onRetry: () -> Void
    let onClose: () -> Void

    @State private var image: UIImage?

    private var shown: PhotoBytes? {
        if case .shown(let photo) = viewer.content { return photo }
        return nil
    }

    var body: some View {
        NavigationStack {
            ZStack {
                Color.black.ignoresSafeArea()
                content
            }
            .navigationTitle(title.map { Text($0) } ?? Text("photos.open"))
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("photos.close", action: onClose)
                }
            }
        }
        .task(id: shown?.sha256) {
            // The prepared photos are at most 1600 px: shown whole.
            image = await decodePhoto(shown, maxPixel: 1600)
        }
    }

    @ViewBuilder
    private var content: some View {
        switch viewer.content {
        case .loading:
            ProgressView { Text("photos.loading").foregroundStyle(.white) }.tint(.white)
        case .shown:
            if let image {
                Image(uiImage: image).resizable().scaledToFit()
            } else {
                ProgressView().tint(.white)
            }
        case .offline(let message):
            MessageView(systemImage: "wifi.slash", text: Text("photos.not_on_phone") + Text("\n") + Text(message.text), retry: onRetry)
                .foregroundStyle(.white)
        case .error(let message):
            MessageView(systemImage: "exclamationmark.triangle", text: Text(message.text), retry: onRetry)
                .foregroundStyle(.white)
        }
    }
}

/// Decodes off the main actor, scaled down: a 1600 px photo is 7 MB as a bitmap, too many of
/// those for a list of thumbnails.
func decodePhoto(_ photo: PhotoBytes?, maxPixel: CGFloat) async -> UIImage? {
    guard let photo else { return nil }
    let decoded = await Task.detached(priority: .userInitiated) { () -> UncheckedSendable<UIImage?> in
        let image = UIImage(data: photo.jpeg)
        let longest = max(image?.size.width ?? 0, image?.size.height ?? 0)
        guard let image, longest > maxPixel else { return UncheckedSendable(value: image) }
        let scale = maxPixel / longest
        let size = CGSize(width: image.size.width * scale, height: image.size.height * scale)
        return UncheckedSendable(value: image.preparingThumbnail(of: size) ?? image)
    }.value
    return decoded.value
}
