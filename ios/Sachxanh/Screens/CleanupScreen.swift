import SachxanhCore
import SwiftUI

/// A weekend cleanup: the place (GPS, or taps on the map), kinds of work, who came per
/// organisation, kilograms and bags collected. Photos come with the core's photo API.
struct CleanupScreen: View {
    @StateObject private var vm: CleanupViewModel
    @StateObject private var location = LocationProvider()
    @Environment(\.dismiss) private var dismiss
    @State private var locationFailed = false

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
                Section("common.note") {
                    TextField("common.note", text: $vm.form.note, axis: .vertical)
                        .lineLimit(2...6)
                    FieldMessage(text: vm.errors[.note])
                }
                SaveButtons(saving: vm.saving) { submit in await vm.save(submit: submit) }
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
