import SachxanhCore
import SwiftUI

/// A whole-screen message: loading failed, nothing to show, offline; with "Thử lại" when a
/// retry can help.
struct MessageView: View {
    let systemImage: String
    let text: Text
    var retry: (() -> Void)? = nil

    var body: some View {
        VStack(spacing: 12) {
            Image(systemName: systemImage).font(.largeTitle).foregroundStyle(.secondary)
            text.multilineTextAlignment(.center)
            if let retry {
                Button("common.retry", action: retry)
                    .buttonStyle(.bordered)
            }
        }
        .padding()
        .frame(maxWidth: .infinity, maxHeight: .infinity)
    }
}

/// A spinner over the whole screen while the phone's own store is read.
struct LoadingView: View {
    var body: some View {
        ProgressView().frame(maxWidth: .infinity, maxHeight: .infinity)
    }
}

/// The core's words for what is wrong, one line each, in red.
struct ProblemLines: View {
    let problems: [Message]

    var body: some View {
        ForEach(Array(problems.enumerated()), id: \.offset) { _, m in
            Text(m.text).font(.footnote).foregroundStyle(.red)
        }
    }
}

/// A banner over a list: the data stays on the phone, it goes out later.
struct OfflineBanner: View {
    let message: Message

    var body: some View {
        Label(message.text, systemImage: "wifi.slash")
            .font(.footnote)
            .foregroundStyle(.orange)
    }
}

/// A record's review standing, in the core's words. The colour is only a reading aid.
struct StatusTag: View {
    let label: Message
    let status: ReviewStatus?

    var body: some View {
        Text(label.text)
            .font(.caption.weight(.semibold))
            .padding(.horizontal, 8)
            .padding(.vertical, 2)
            .background(tint.opacity(0.15), in: Capsule())
            .foregroundStyle(tint)
    }

    private var tint: Color {
        switch status {
        case .approved?: return .green
        case .returned?, .changedSinceApproval?: return .orange
        case .rejected?: return .red
        default: return .secondary
        }
    }
}

/// The sync line's moving part: progress with "Dừng", or how the last sync went and "Đồng bộ ngay".
struct SyncActivityRow: View {
    let activity: SyncUiState
    let syncNow: () -> Void
    let cancel: () -> Void

    var body: some View {
        switch activity {
        case .running(let step):
            VStack(alignment: .leading, spacing: 6) {
                if let fraction = step.fraction {
                    ProgressView(value: fraction) { Text(step.titleKey) }
                } else {
                    ProgressView { Text(step.titleKey) }
                }
                Button("sync.cancel", role: .cancel, action: cancel)
                    .buttonStyle(.borderless)
            }
        default:
            if case .done(let pushed, let pulled, let refused, _, let uploaded, let waiting, let notices) = activity {
                Text("sync.done \(Int(pushed)) \(Int(pulled)) \(Int(refused))")
                    .font(.footnote).foregroundStyle(.secondary)
                if waiting > 0 {
                    Text("sync.photos_not_sent \(Int(waiting))").font(.footnote).foregroundStyle(.secondary)
                } else if uploaded > 0 {
                    Text("sync.done_photos \(Int(uploaded))").font(.footnote).foregroundStyle(.secondary)
                }
                // Taken, but the server wants the person to check something.
                ForEach(notices.indices, id: \.self) { i in
                    Text(notices[i].text).font(.footnote).foregroundStyle(.orange)
                }
            }
            if let message = activity.message {
                Text(message.text).font(.footnote).foregroundStyle(.orange)
            }
            Button(action: syncNow) {
                Label("sync.now", systemImage: "arrow.triangle.2.circlepath")
            }
        }
    }
}

extension SyncStep {
    var titleKey: LocalizedStringKey {
        switch self {
        case .starting: return "sync.starting"
        case .sending(let done, let total): return "sync.sending \(Int(done)) \(Int(total))"
        case .receiving(let received): return "sync.receiving \(Int(received))"
        case .uploadingPhotos(let sent, let total):
            return "sync.uploading_photos \(Self.size(sent)) \(Self.size(total))"
        case .finishing: return "sync.finishing"
        case .working: return "sync.working"
        }
    }

    private static func size(_ bytes: UInt64) -> String {
        ByteCountFormatter.string(fromByteCount: Int64(clamping: bytes), countStyle: .file)
    }
}

extension SyncUiState {
    /// The core's words for a sync that did not finish.
    var message: Message? {
        switch self {
        case .offline(let m), .cancelled(let m), .failed(let m), .notEnrolled(let m): return m
        default: return nil
        }
    }
}

/// Runs `action` each time the screen comes back into view (after a form pushed over it was
/// saved), not the first time: the state holder loads on its own when it is made.
struct OnReturn: ViewModifier {
    let action: () -> Void
    @State private var appeared = false

    func body(content: Content) -> some View {
        content.onAppear {
            if appeared { action() }
            appeared = true
        }
    }
}

extension View {
    func onReturn(_ action: @escaping () -> Void) -> some View {
        modifier(OnReturn(action: action))
    }
}

/// A number of milliseconds since 1970, as the core counts time.
func dateOf(ms: Int64) -> Date {
    Date(timeIntervalSince1970: TimeInterval(ms) / 1000)
}
