import PhotosUI
import SachxanhCore
import SwiftUI
import UIKit

/// A weekend cleanup: the place (GPS, or taps on the map), kinds of work, who came per
/// organisation, kilograms and bags collected, photos before and after.
struct CleanupScreen: View {
    @StateObject private var vm: CleanupViewModel
    @StateObject private var location = LocationProvider()
    @Environment(\.dismiss) private var dismiss
    @State private var locationFailed = false
    /// The stage the camera is open for; `nil` when it is closed.
    @State private var cameraStage: PhotoStage?
    /// A problem the app met before the core saw the photo (camera refused, unreadable file).
    @State private var photoProblem: LocalizedStringKey?

    init(vm: @autoclosure @escaping () -> CleanupViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        StateView(state: vm.state, emptyKey: "common.not_found", retry: { await vm.load() }) { standing in
            Form {
                StandingSection(standing: standing)
                GeneralErrors(errors: vm.errors)
                Section {
                    if vm.areas.count > 1 {
                        Picker("cleanup.area", selection: $vm.form.areaId) {
                            ForEach(vm.areas, id: \.id) { a in Text(a.name).tag(a.id) }
                        }
                    }
                    FieldMessage(text: vm.errors[.area])
                    DatePicker("cleanup.date", selection: $vm.form.date, in: ...Date(), displayedComponents: .date)
                    FieldMessage(text: vm.errors[.date])
                }
                placeSection
                Section("cleanup.work") {
                    ForEach(WorkKind.allCases, id: \.self) { kind in
                        Toggle(kind.titleKey, isOn: Binding(
                            get: { vm.form.work.contains(kind) },
                            set: { vm.onWork(kind, done: $0) }
                        ))
                    }
                    FieldMessage(text: vm.errors[.work])
                }
                Section {
                    ForEach(Organisation.allCases, id: \.self) { org in
                        NumberField(titleKey: org.titleKey, text: Binding(
                            get: { vm.form.participants[org] ?? "" },
                            set: { vm.form.participants[org] = $0 }
                        ))
                        FieldMessage(text: vm.errors[org.field])
                    }
                    FieldMessage(text: vm.errors[.participants])
                } header: {
                    Text("cleanup.participants")
                } footer: {
                    Text("cleanup.participants_footer")
                }
                Section {
                    NumberField(titleKey: "cleanup.waste_kg", text: $vm.form.wasteKg, decimal: true)
                    FieldMessage(text: vm.errors[.wasteKg])
                    NumberField(titleKey: "cleanup.bags", text: $vm.form.bags)
                    FieldMessage(text: vm.errors[.bags])
                } header: {
                    Text("cleanup.collected")
                } footer: {
                    Text("cleanup.collected_footer")
                }
                photosSection
                Section("common.note") {
                    TextField("common.note", text: $vm.form.note, axis: .vertical)
                        .lineLimit(2...6)
                    FieldMessage(text: vm.errors[.note])
                }
                if vm.preparingPhotos {
                    Text("photos.wait_to_save").font(.footnote).foregroundStyle(.secondary)
                }
                SaveButtons(saving: !vm.canSave) { submit in await vm.save(submit: submit) }
            }
            .fullScreenCover(item: Binding(get: { vm.viewer }, set: { if $0 == nil { vm.closePhoto() } })) { viewer in
                PhotoViewerView(viewer: viewer, onRetry: { await vm.retryPhoto() }, onClose: { vm.closePhoto() })
            }
        }
        .navigationTitle("cleanup.title")
        .task { await vm.load() }
        .onChange(of: vm.saved) { saved in
            if saved != nil { dismiss() }
        }
    }

    private var placeSection: some View {
        Section {
            Picker("cleanup.shape", selection: Binding(get: { vm.form.shape }, set: { vm.onShapeChanged($0) })) {
                ForEach([SachxanhCore.Shape.point, .line, .polygon], id: \.self) { shape in
                    Text(shape.titleKey).tag(shape)
                }
            }
            .pickerStyle(.segmented)
            PlaceMapView(shape: vm.form.shape, points: vm.form.points) { lon, lat in
                vm.onMapTap(lon: lon, lat: lat)
            }
            .frame(height: 260)
            .listRowInsets(EdgeInsets())
            HStack {
                Button {
                    Task {
                        do {
                            let fix = try await location.currentFix()
                            vm.onGpsFix(lon: fix.lon, lat: fix.lat, accuracyM: fix.accuracyM)
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
                    vm.undoLastPoint()
                } label: {
                    Image(systemName: "arrow.uturn.backward")
                }
                .disabled(vm.form.points.isEmpty)
                .accessibilityLabel(Text("cleanup.undo_point"))
                Button(role: .destructive) {
                    vm.clearPlace()
                } label: {
                    Image(systemName: "trash")
                }
                .disabled(vm.form.points.isEmpty)
                .accessibilityLabel(Text("common.clear"))
            }
            .buttonStyle(.borderless)
            placeNote
            FieldMessage(text: vm.errors[.place])
        } header: {
            Text("cleanup.place")
        } footer: {
            Text("cleanup.place_footer")
        }
    }

    private var photosSection: some View {
        Section {
            ForEach([PhotoStage.before, .after], id: \.self) { stage in
                PhotoStageRow(
                    stage: stage,
                    photos: vm.photos(stage),
                    enabled: !vm.saving,
                    onTake: { Task { await openCamera(for: stage) } },
                    onPicked: { item in Task { await addFromLibrary(item, stage: stage) } },
                    onOpen: { sha in Task { await vm.openPhoto(sha256: sha) } },
                    onRemove: { key in vm.removePhoto(key: key) }
                )
            }
            FieldMessage(text: vm.errors[.photos])
            if let photoProblem {
                Text(photoProblem).font(.footnote).foregroundStyle(.red)
            }
        } header: {
            Text("cleanup.photos")
        } footer: {
            Text("cleanup.photos_footer")
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
        await vm.addPhoto(path: url.path, stage: stage)
        PhotoFiles.delete(url) // the core keeps its own copy
    }

    private func addFromLibrary(_ item: PhotosPickerItem, stage: PhotoStage) async {
        photoProblem = nil
        guard let data = try? await item.loadTransferable(type: Data.self),
              let url = await PhotoFiles.write(data) else {
            photoProblem = "photos.unreadable"
            return
        }
        await vm.addPhoto(path: url.path, stage: stage)
        PhotoFiles.delete(url)
    }

    @ViewBuilder
    private var placeNote: some View {
        if locationFailed {
            Text(location.denied ? LocalizedStringKey("location.denied") : LocalizedStringKey("location.unavailable"))
                .font(.footnote).foregroundStyle(.secondary)
        }
        if let accuracy = vm.form.gpsAccuracyM, vm.form.placeSource == .gps {
            Text("cleanup.gps_accuracy \(Int(accuracy.rounded()))").font(.footnote).foregroundStyle(.secondary)
        }
        Text("cleanup.points \(vm.form.points.count)").font(.footnote).foregroundStyle(.secondary)
    }
}
