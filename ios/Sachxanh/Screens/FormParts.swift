import PhotosUI
import SachxanhCore
import SwiftUI
import UIKit

// The inputs of the generic form that need more than a text field: a day, a household, a place
// (GPS fix or map taps) and photos (camera or library). Each draws one `FieldState` and hands
// what the person did to the form's state holder; none judges a value.

/// The field's name from the core, with a mark when it must be filled.
struct FieldLabel: View {
    let field: FieldState

    var body: some View {
        if field.required {
            Text(field.label.text) + Text(verbatim: " *").foregroundColor(.red)
        } else {
            Text(field.label.text)
        }
    }
}

/// A day: typed as the core reads it (DD/MM/YYYY), or picked in a calendar.
struct DateFieldRow: View {
    let field: FieldState
    let enabled: Bool
    let onText: (String) -> Void
    let onPicked: (Date) -> Void

    @State private var picking = false

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            FieldLabel(field: field).font(.subheadline)
            HStack {
                TextField("form.date_placeholder", text: Binding(get: { field.text }, set: onText))
                    .keyboardType(.numbersAndPunctuation)
                    .autocorrectionDisabled()
                Button {
                    picking.toggle()
                } label: {
                    Image(systemName: "calendar")
                }
                .buttonStyle(.borderless)
                .accessibilityLabel(Text("form.pick_date"))
            }
            if picking {
                DatePicker(
                    "form.pick_date",
                    selection: Binding(
                        get: { DayText.date(field.text) ?? Date() },
                        set: { day in
                            onPicked(day)
                            picking = false
                        }
                    ),
                    displayedComponents: .date
                )
                .datePickerStyle(.graphical)
                .labelsHidden()
            }
        }
        .disabled(!enabled)
    }
}

/// A household of the record's area, picked from the households list of that area.
struct HouseholdFieldRow: View {
    let field: FieldState
    let enabled: Bool
    let areaId: String
    let picker: (_ areaId: String) -> HouseholdsViewModel
    let onPick: (_ householdId: String) -> Void

    @State private var picking = false

    var body: some View {
        HStack {
            VStack(alignment: .leading, spacing: 4) {
                FieldLabel(field: field).font(.subheadline)
                if let name = field.household {
                    Text(name.text)
                } else if field.text.isBlank {
                    Text("form.household_none").foregroundStyle(.secondary)
                } else {
                    // Chosen on another phone and not on this one yet.
                    Text("form.household_unknown").foregroundStyle(.secondary)
                }
            }
            Spacer()
            if enabled {
                Button("form.household_pick") { picking = true }
                    .buttonStyle(.borderless)
            }
        }
        .sheet(isPresented: $picking) {
            NavigationStack {
                HouseholdsScreen(vm: picker(areaId), navigate: { _ in }, onPick: { row in
                    picking = false
                    onPick(row.id)
                })
                .toolbar {
                    ToolbarItem(placement: .cancellationAction) {
                        Button("common.cancel") { picking = false }
                    }
                }
            }
        }
    }
}

/// A place: its shape (when the field offers several), a map over the area's outline to tap on,
/// one GPS fix, undo and clear.
struct PlaceEditor: View {
    let field: FieldState
    /// The field's shapes from the core; empty for a Point field.
    let shapes: [Choice]
    let outline: [Coord]
    let enabled: Bool
    let onShape: (_ code: String) -> Void
    let onGpsFix: (_ lon: Double, _ lat: Double, _ accuracyM: Double?) -> Void
    let onMapTap: (_ lon: Double, _ lat: Double) -> Void
    let onUndo: () -> Void
    let onClear: () -> Void

    @StateObject private var location = LocationProvider()
    @State private var locationFailed = false

    private var place: PlaceDraft { field.place ?? PlaceDraft() }

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            FieldLabel(field: field).font(.subheadline)
            if shapes.count > 1 {
                Picker(selection: Binding(get: { place.shapeCode }, set: onShape)) {
                    ForEach(shapes, id: \.code) { shape in
                        Text(shape.label.text).tag(shape.code)
                    }
                } label: {
                    Text(field.label.text)
                }
                .pickerStyle(.segmented)
                .disabled(!enabled)
            }
            PlaceMapView(shape: place.shape, points: place.points, outline: outline) { lon, lat in
                if enabled { onMapTap(lon, lat) }
            }
            .frame(height: 240)
            .clipShape(RoundedRectangle(cornerRadius: 8))
            if enabled {
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
                        Label("place.here", systemImage: "location")
                    }
                    if location.locating { ProgressView() }
                    Spacer()
                    Button(action: onUndo) {
                        Image(systemName: "arrow.uturn.backward")
                    }
                    .disabled(place.points.isEmpty)
                    .accessibilityLabel(Text("place.undo_point"))
                    Button(role: .destructive, action: onClear) {
                        Image(systemName: "trash")
                    }
                    .disabled(place.points.isEmpty)
                    .accessibilityLabel(Text("common.clear"))
                }
                .buttonStyle(.borderless)
            }
            if locationFailed {
                Text(location.denied ? LocalizedStringKey("place.location_denied") : LocalizedStringKey("place.location_unavailable"))
                    .font(.footnote).foregroundStyle(.secondary)
            }
            if let accuracy = place.gpsAccuracyM, place.source == .gps {
                Text("place.gps_accuracy \(Int(accuracy.rounded()))").font(.footnote).foregroundStyle(.secondary)
            }
            Text("place.points \(place.points.count)").font(.footnote).foregroundStyle(.secondary)
        }
    }
}

/// Which photo group the camera is open for.
private struct CameraTarget: Identifiable {
    let stage: String?
    var id: String { stage ?? "" }
}

/// A Photos field (one row per stage the core names) or a Photo field (one photo, e.g. the
/// covenant's signed text). The file written for the core is deleted once the core holds its
/// own copy.
struct PhotosEditor: View {
    let field: FieldState
    /// The field's stages from the core; `nil` for a Photo field.
    let stages: [Choice]?
    let enabled: Bool
    let add: (_ file: String, _ stage: String?) async -> Void
    let onOpen: (_ sha256: String) -> Void
    let onRemove: (_ key: String) -> Void

    @State private var camera: CameraTarget?
    /// A problem the app met before the core saw the photo (camera refused, unreadable file).
    @State private var photoProblem: LocalizedStringKey?

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            FieldLabel(field: field).font(.subheadline)
            if let stages {
                ForEach(stages, id: \.code) { stage in
                    row(title: stage.label.text, photos: field.photos(stage: stage.code), stage: stage.code)
                }
            } else {
                row(title: nil, photos: field.photos, stage: nil)
            }
            if let photoProblem {
                Text(photoProblem).font(.footnote).foregroundStyle(.red)
            }
        }
        .fullScreenCover(item: $camera) { target in
            CameraPicker(
                onPhoto: { image in
                    camera = nil
                    Task { await addFromCamera(image, stage: target.stage) }
                },
                onCancel: { camera = nil }
            )
            .ignoresSafeArea()
        }
    }

    private func row(title: String?, photos: [FormPhoto], stage: String?) -> some View {
        PhotoStageRow(
            title: title,
            photos: photos,
            enabled: enabled,
            onTake: { Task { await openCamera(for: stage) } },
            onPicked: { item in Task { await addFromLibrary(item, stage: stage) } },
            onOpen: onOpen,
            onRemove: onRemove
        )
    }

    @MainActor
    private func openCamera(for stage: String?) async {
        photoProblem = nil
        // The same permission as the QR scanner; the system asks once.
        guard await QRScannerView.requestAccess() else {
            photoProblem = "photos.camera_denied"
            return
        }
        camera = CameraTarget(stage: stage)
    }

    @MainActor
    private func addFromCamera(_ image: UIImage, stage: String?) async {
        guard let url = await PhotoFiles.write(image) else {
            photoProblem = "photos.unreadable"
            return
        }
        await add(url.path, stage)
        PhotoFiles.delete(url) // the core keeps its own copy
    }

    @MainActor
    private func addFromLibrary(_ item: PhotosPickerItem, stage: String?) async {
        photoProblem = nil
        guard let data = try? await item.loadTransferable(type: Data.self),
              let url = await PhotoFiles.write(data) else {
            photoProblem = "photos.unreadable"
            return
        }
        await add(url.path, stage)
        PhotoFiles.delete(url)
    }
}
