import SachxanhCore
import SwiftUI

/// A waste-sorting check visit: the three groups of the law, hazardous waste kept apart,
/// collection service, burning or dumping seen.
struct SortingCheckScreen: View {
    @StateObject private var vm: SortingCheckViewModel
    @Environment(\.dismiss) private var dismiss

    init(vm: @autoclosure @escaping () -> SortingCheckViewModel) {
        _vm = StateObject(wrappedValue: vm())
    }

    var body: some View {
        StateView(state: vm.state, emptyKey: "common.not_found", retry: { await vm.load() }) { standing in
            Form {
                StandingSection(standing: standing)
                GeneralErrors(errors: vm.errors)
                Section {
                    LabeledContent {
                        Text(vm.form.householdName)
                    } label: {
                        Text("sorting.household")
                    }
                    FieldMessage(text: vm.errors[.household])
                    DatePicker("sorting.date", selection: $vm.form.date, in: ...Date(), displayedComponents: .date)
                    FieldMessage(text: vm.errors[.date])
                }
                Section {
                    ForEach(SortingAnswer.allCases.filter { !$0.isProblem }, id: \.self) { answer in
                        Toggle(answer.titleKey, isOn: binding(answer))
                    }
                } header: {
                    Text("sorting.groups")
                } footer: {
                    Text("sorting.groups_footer")
                }
                Section("sorting.seen") {
                    ForEach(SortingAnswer.allCases.filter(\.isProblem), id: \.self) { answer in
                        Toggle(answer.titleKey, isOn: binding(answer))
                    }
                }
                Section("common.note") {
                    TextField("common.note", text: $vm.form.note, axis: .vertical)
                        .lineLimit(2...6)
                    FieldMessage(text: vm.errors[.note])
                    FieldMessage(text: vm.errors[.checkedBy])
                }
                SaveButtons(saving: vm.saving) { submit in await vm.save(submit: submit) }
            }
        }
        .navigationTitle("sorting.title")
        .task { await vm.load() }
        .onChange(of: vm.saved) { saved in
            if saved != nil { dismiss() }
        }
    }

    private func binding(_ answer: SortingAnswer) -> Binding<Bool> {
        Binding(get: { vm.form.yes.contains(answer) }, set: { vm.onAnswer(answer, yes: $0) })
    }
}
