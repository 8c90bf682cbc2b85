import SachxanhCore
import SwiftUI

/// Once per phone: scan the QR code commune staff show, or type the code printed under it.
struct EnrolScreen: View {
    @ObservedObject var vm: EnrolViewModel
    @State private var scanning = false
    @State private var cameraDenied = false
    @FocusState private var codeFocused: Bool

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text("enrol.intro")
                }
                Section {
                    Button {
                        Task {
                            if await QRScannerView.requestAccess() {
                                scanning = true
                            } else {
                                cameraDenied = true
                            }
                        }
                    } label: {
                        Label("enrol.scan", systemImage: "qrcode.viewfinder")
                    }
                    if cameraDenied {
                        Text("enrol.camera_denied").font(.footnote).foregroundStyle(.secondary)
                    }
                }
                Section {
                    TextField("enrol.code_placeholder", text: Binding(get: { vm.state.code }, set: { vm.onCodeChanged($0) }))
                        .textInputAutocapitalization(.characters)
                        .autocorrectionDisabled()
                        .font(.title3.monospaced())
                        .focused($codeFocused)
                        .submitLabel(.go)
                        .onSubmit { vm.submit() }
                    message
                } header: {
                    Text("enrol.code")
                }
                Section {
                    Button {
                        codeFocused = false
                        vm.submit()
                    } label: {
                        HStack {
                            Text(retrying ? LocalizedStringKey("common.retry") : LocalizedStringKey("enrol.submit")).fontWeight(.semibold)
                            Spacer()
                            if case .enrolling = vm.state { ProgressView() }
                        }
                    }
                    .disabled(!vm.state.canSubmit)
                }
            }
            .navigationTitle("enrol.title")
            .sheet(isPresented: $scanning) {
                NavigationStack {
                    QRScannerView { payload in
                        scanning = false
                        vm.onScanned(payload)
                    }
                    .ignoresSafeArea()
                    .navigationTitle("enrol.scan")
                    .navigationBarTitleDisplayMode(.inline)
                    .toolbar {
                        ToolbarItem(placement: .cancellationAction) {
                            Button("common.cancel") { scanning = false }
                        }
                    }
                }
            }
        }
    }

    private var retrying: Bool {
        if case .offline = vm.state { return true }
        return false
    }

    @ViewBuilder
    private var message: some View {
        switch vm.state {
        case .entering(_, let error?):
            Label(error.text, systemImage: "exclamationmark.circle").foregroundStyle(.red)
        case .offline(_, let m):
            Label(m.text, systemImage: "wifi.slash").foregroundStyle(.orange)
        default:
            EmptyView()
        }
    }
}
