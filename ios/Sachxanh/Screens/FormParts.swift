import PhotosUI
import SachxanhCore
import SwiftUI
import UIKit

// Pieces the cleanup and black spot forms share: the place (GPS fix or map taps) and the photos
// before and after (camera or library).

/// The place: shape, the map to tap on, one GPS fix, undo and clear.
struct PlaceSection: View {
    let place: PlaceDraft
    let error: UserText?
    var shapes: [SachxanhCore.Shape] = [.point, .line, .polygon]
    let header: LocalizedStringKey
    let footer: LocalizedStringKey
    let onShape: (SachxanhCore.Shape) -> Void
    let onGpsFix: (_ lon: Double, _ lat: Double, _ accuracyM: Double?) -> Void
    let onMapTap: (_ lon: Double, _ lat: Double) -> Void
    let onUndo: () -> Void
    let onClear: () -> Void

    @StateObject private var location = LocationProvider()
    @State private var locationFailed = false

    var body: some View {
        Section {
            Picker("cleanup.shape", selection: Binding(get: { place.shape }, set: { onShape($0) })) {
                ForEach(shapes, id: \.self) { shape in
                    Text(shape.titleKey).tag(shape)
                }
            }
            .pickerStyle(.segmented)
            PlaceMapView(shape: place.shape, points: place.points) { lon, lat in
                onMapTap(lon, lat)
            }
            .frame(height: 260)
            .listRowInsets(EdgeInsets())
            HStack {
                Button {
                    Task {
                        do {
                            let fix = try await location.currentFix()
                            onGpsFix(fix.lon, fix.lat, fix.accuracyM)
                            locationFailed = false
                        } catch {
                            locationFailed = true
                        }
                    }
                } label: {
                    Label("cleanup.here", systemImage: "location")
                }
                if location.locating { ProgressView() }
                Spacer()
                Button {
                    onUndo()
                } label: {
                    Image(systemName: "arrow.uturn.backward")
                }
                .disabled(place.points.isEmpty)
                .accessibilityLabel(Text("cleanup.undo_point"))
                Button(role: .destructive) {
                    onClear()
                } label: {
                    Image(systemName: "trash")
                }
                .disabled(place.points.isEmpty)
                .accessibilityLabel(Text("common.clear"))
            }
            .buttonStyle(.borderless)
            placeNote
            FieldMessage(text: error)
        } header: {
            Text(header)
        } footer: {
            Text(footer)
        }
    }

    @ViewBuilder
    private var placeNote: some View {
        if locationFailed {
            Text(location.denied ? LocalizedStringKey("location.denied") : LocalizedStringKey("location.unavailable"))
                .font(.footnote).foregroundStyle(.secondary)
        }
        if let accuracy = place.gpsAccuracyM, place.source == .gps {
            Text("cleanup.gps_accuracy \(Int(accuracy.rounded()))").font(.footnote).foregroundStyle(.secondary)
        }
        Text("cleanup.points \(place.points.count)").font(.footnote).foregroundStyle(.secondary)
    }
}

/// Photos before and after: thumbnails per stage, the camera (after the camera permission) or
/// the photo library; the file written for the core is deleted once the core holds its copy.
struct PhotosSection: View {
    let photos: (PhotoStage) -> [FormPhoto]
    let enabled: Bool
    let error: UserText?
    let header: LocalizedStringKey
    let footer: LocalizedStringKey
    let addPhoto: (_ path: String, _ stage: PhotoStage) async -> Void
    let onOpen: (_ sha256: String) async -> Void
    let onRemove: (_ key: String) -> Void

    /// The stage the camera is open for; `nil` when it is closed.
    @State private var cameraStage: PhotoStage?
    /// A problem the app met before the core saw the photo (camera refused, unreadable file).
    @State private var photoProblem: LocalizedStringKey?

    var body: some View {
        Section {
            ForEach([PhotoStage.before, .after], id: \.self) { stage in
                PhotoStageRow(
                    stage: stage,
                    photos: photos(stage),
                    enabled: enabled,
                    onTake: { Task { await openCamera(for: stage) } },
                    onPicked: { item in Task { await addFromLibrary(item, stage: stage) } },
                    onOpen: { sha in Task { await onOpen(sha) } },
                    onRemove: { key in onRemove(key) }
                )
            }
            FieldMessage(text: error)
            if let photoProblem {
                Text(photoProblem).font(.footnote).foregroundStyle(.red)
            }
        } header: {
            Text(header)
        } footer: {
            Text(footer)
        }
        .fullScreenCover(isPresented: Binding(get: { cameraStage != nil }, set: { if !$0 { cameraStage = nil } })) {
            CameraPicker(
                onPhoto: { image in
                    let stage = cameraStage ?? .before
                    cameraStage = nil
                    Task { await addFromCamera(image, stage: stage) }
                },
                onCancel: { cameraStage = nil }
            )
            .ignoresSafeArea()
        }
    }

    private func openCamera(for stage: PhotoStage) async {
        photoProblem = nil
        // The same permission as the QR scanner; the system asks once.
        guard await QRScannerView.requestAccess() else {
            photoProblem = "photos.camera_denied"
            return
        }
        cameraStage = stage
    }

    private func addFromCamera(_ image: UIImage, stage: PhotoStage) async {
        guard let url = await PhotoFiles.write(image) else {
            photoProblem = "photos.unreadable"
            return
        }
        await addPhoto(url.path, stage)
        PhotoFiles.delete(url) // the core keeps its own copy
    }

    private func addFromLibrary(_ item: PhotosPickerItem, stage: PhotoStage) async {
        photoProblem = nil
        guard let data = try? await item.loadTransferable(type: Data.self),
              let url = await PhotoFiles.write(data) else {
            photoProblem = "photos.unreadable"
            return
        }
        await addPhoto(url.path, stage)
        PhotoFiles.delete(url)
    }
}
