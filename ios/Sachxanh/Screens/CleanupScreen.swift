import SachxanhCore
import SwiftUI

/// A weekend cleanup: the place (GPS, or taps on the map), kinds of work, who came per
/// organisation, kilograms and bags collected, photos before and after.
struct CleanupScreen: View {
    @StateObject private var vm: CleanupViewModel
    @Environment(\.dismiss) private var dismiss

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
                PlaceSection(
                    place: vm.form.place,
                    error: vm.errors[.place],
                    header: "cleanup.place",
                    footer: "cleanup.place_footer",
                    onShape: { vm.onShapeChanged($0) },
                    onGpsFix: { vm.onGpsFix(lon: $0, lat: $1, accuracyM: $2) },
                    onMapTap: { vm.onMapTap(lon: $0, lat: $1) },
                    onUndo: { vm.undoLastPoint() },
                    onClear: { vm.clearPlace() }
                )
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
                PhotosSection(
                    photos: { vm.photos($0) },
                    enabled: !vm.saving,
                    error: vm.errors[.photos],
                    header: "cleanup.photos",
                    footer: "cleanup.photos_footer",
                    addPhoto: { await vm.addPhoto(path: $0, stage: $1) },
                    onOpen: { await vm.openPhoto(sha256: $0) },
                    onRemove: { vm.removePhoto(key: $0) }
                )
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
}
