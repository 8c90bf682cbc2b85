import SachxanhCore
import SwiftUI

/// Add or fix a household; from here, its waste-sorting checks.
struct HouseholdFormScreen: View {
    @StateObject private var vm: HouseholdFormViewModel
    @StateObject private var location = LocationProvider()
    @Environment(\.dismiss) private var dismiss
    @State private var locationFailed = false

    init(vm: @autoclosure @escaping () -> HouseholdFormViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        StateView(state: vm.state, emptyKey: "common.not_found", retry: { await vm.load() }) { standing in
            Form {
                StandingSection(standing: standing)
                GeneralErrors(errors: vm.errors)
                Section {
                    TextField("household.head_name", text: $vm.form.headName)
                        .textContentType(.name)
                    FieldMessage(text: vm.errors[.headName])
                    TextField("household.address", text: $vm.form.address, axis: .vertical)
                    FieldMessage(text: vm.errors[.address])
                    NumberField(titleKey: "household.members", text: $vm.form.members)
                    FieldMessage(text: vm.errors[.members])
                    FieldMessage(text: vm.errors[.area])
                }
                Section("household.location") {
                    if let c = vm.form.location {
                        LabeledContent {
                            Button("common.clear", role: .destructive) { vm.clearLocation() }
                        } label: {
                            Text(String(format: "%.5f, %.5f", c.lat, c.lon)).monospacedDigit()
                        }
                    }
                    Button {
                        Task {
                            do {
                                let fix = try await location.currentFix()
                                vm.onLocation(lon: fix.lon, lat: fix.lat)
                                locationFailed = false
                            } catch {
                                locationFailed = true
                            }
                        }
                    } label: {
                        HStack {
                            Label("household.use_my_location", systemImage: "location")
                            if location.locating { Spacer(); ProgressView() }
                        }
                    }
                    if locationFailed {
                        Text(location.denied ? LocalizedStringKey("location.denied") : LocalizedStringKey("location.unavailable"))
                            .font(.footnote).foregroundStyle(.secondary)
                    }
                    FieldMessage(text: vm.errors[.location])
                }
                Section("common.note") {
                    TextField("common.note", text: $vm.form.note, axis: .vertical)
                        .lineLimit(2...6)
                    FieldMessage(text: vm.errors[.note])
                }
                if let id = standing.recordId {
                    Section {
                        NavigationLink(value: Route.sortingCheck(householdId: id, areaId: vm.form.areaId, recordId: nil)) {
                            Label("household.new_sorting_check", systemImage: "trash")
                        }
                    }
                }
                SaveButtons(saving: vm.saving) { submit in await vm.save(submit: submit) }
            }
        }
        .navigationTitle(titleKey)
        .task { await vm.load() }
        .onChange(of: vm.saved) { saved in
            if saved != nil { dismiss() }
        }
    }

    private var titleKey: LocalizedStringKey {
        vm.state.value?.recordId == nil ? "household.new_title" : "household.edit_title"
    }
}
