package vn.sachxanh.ui

import androidx.compose.runtime.Composable
import vn.sachxanh.app.ui.CovenantContent
import vn.sachxanh.app.ui.EnrolContent
import vn.sachxanh.app.ui.FormEvents
import vn.sachxanh.app.ui.HomeActions
import vn.sachxanh.app.ui.HomeContent
import vn.sachxanh.app.ui.HouseholdsActions
import vn.sachxanh.app.ui.HouseholdsContent
import vn.sachxanh.app.ui.OutboxActions
import vn.sachxanh.app.ui.OutboxContent
import vn.sachxanh.app.ui.RecordFormContent
import vn.sachxanh.app.ui.ReviewActions
import vn.sachxanh.app.ui.ReviewQueueContent
import vn.sachxanh.core.Network
import vn.sachxanh.core.RecordKind
import vn.sachxanh.state.CovenantUiState
import vn.sachxanh.state.EnrolUiState
import vn.sachxanh.state.FormPhoto
import vn.sachxanh.state.FormTarget
import vn.sachxanh.state.HomeUiState
import vn.sachxanh.state.HouseholdsUiState
import vn.sachxanh.state.OutboxUiState
import vn.sachxanh.state.PhotoContent
import vn.sachxanh.state.PhotoViewer
import vn.sachxanh.state.RecordFormUiState
import vn.sachxanh.state.ReviewQueueUiState
import vn.sachxanh.state.SyncStep
import vn.sachxanh.state.SyncUiState
import vn.sachxanh.state.Texts

/**
 * One screen in one state: its reference is screens/<screen>/<state>.<lang>.<scale>.png, a
 * 360×640 dp phone screen, or [heightDp] tall to show a whole form.
 */
class Case(
    val screen: String,
    val state: String,
    val heightDp: Int = 640,
    /** The languages and font sizes it is drawn in: all four unless said. */
    val variants: List<Variant> = Variant.all,
    val content: @Composable () -> Unit,
) {
    val name: String get() = "$screen/$state"
}

private object NoEdits : FormEvents

private val sendingPhotos = SyncUiState.Running(SyncStep.UploadingPhotos(240_000, 610_000))
private val sendingRecords = SyncUiState.Running(SyncStep.Sending(3, 5))

/** Every screen in every state it has; the screens' states come from [World]. */
fun cases(): List<Case> = buildList {
    // Enrolment.
    add(Case("enrol", "loading") { EnrolContent(EnrolUiState.Checking, {}, {}, {}) })
    add(Case("enrol", "empty") { EnrolContent(EnrolUiState.Entering(), {}, {}, {}) })
    add(Case("enrol", "error") { EnrolContent(World.enrolError, {}, {}, {}) })
    add(Case("enrol", "enrolling") { EnrolContent(EnrolUiState.Enrolling("K7QM-3XPA-TW"), {}, {}, {}) })
    add(Case("enrol", "offline") { EnrolContent(EnrolUiState.Offline("K7QM-3XPA-TW", Texts.noNetwork), {}, {}, {}) })

    // Home.
    val home = World.volunteerHome
    add(Case("home", "loading") { HomeContent(HomeUiState.Loading, HomeActions()) })
    add(Case("home", "error") { HomeContent(HomeUiState.Error(Texts.unexpected), HomeActions()) })
    add(Case("home", "not-enrolled") { HomeContent(HomeUiState.NotEnrolled(null), HomeActions()) })
    add(Case("home", "empty") { HomeContent(World.newcomerHome, HomeActions()) })
    add(Case("home", "content") { HomeContent(home, HomeActions()) })
    add(Case("home", "offline") { HomeContent(home.copy(sync = home.sync.copy(network = Network.NONE)), HomeActions()) })
    add(Case("home", "syncing") { HomeContent(home.copy(sync = home.sync.copy(activity = sendingRecords)), HomeActions()) })
    add(Case("home", "syncing-photos") { HomeContent(home.copy(sync = home.sync.copy(activity = sendingPhotos)), HomeActions()) })
    add(Case("home", "staff") { HomeContent(World.staffHome, HomeActions()) })
    add(Case("home", "late-record-notice") { HomeContent(home.copy(sync = home.sync.copy(activity = World.lateSync)), HomeActions()) })

    // Households.
    val hh = World.households
    val check = { row: vn.sachxanh.core.HouseholdRow -> FormTarget(RecordKind.SORTING_CHECK, areaId = row.areaId, householdId = row.id) }
    val rowForm = { row: vn.sachxanh.core.HouseholdRow -> FormTarget(RecordKind.HOUSEHOLD, row.id, row.areaId) }
    val newHousehold = FormTarget(RecordKind.HOUSEHOLD, areaId = hh.area.id)
    add(Case("households", "loading") { HouseholdsContent(HouseholdsUiState.Loading, "", null, { null }, rowForm, HouseholdsActions()) })
    add(Case("households", "error") { HouseholdsContent(HouseholdsUiState.Error(Texts.unexpected), "", null, { null }, rowForm, HouseholdsActions()) })
    add(Case("households", "no-areas") { HouseholdsContent(HouseholdsUiState.NoAreas, "", null, { null }, rowForm, HouseholdsActions()) })
    add(Case("households", "empty") { HouseholdsContent(World.noHouseholds, "", newHousehold, check, rowForm, HouseholdsActions()) })
    add(Case("households", "no-match") { HouseholdsContent(World.noMatch, World.noMatch.query, newHousehold, check, rowForm, HouseholdsActions()) })
    add(Case("households", "content") { HouseholdsContent(hh, "", newHousehold, check, rowForm, HouseholdsActions()) })
    add(Case("households", "search") { HouseholdsContent(World.search, World.search.query, newHousehold, check, rowForm, HouseholdsActions()) })
    add(Case("households", "picker") { HouseholdsContent(hh, "", null, { null }, rowForm, HouseholdsActions(onPick = {})) })

    // The one form, for every kind the core declares, and its states.
    for (kind in World.kinds) {
        val form = World.newForm(kind)
        add(Case("form", "new-${kind.name.lowercase()}") { RecordFormContent(form, NoEdits, {}) })
        // The whole form, every field of the kind, on one tall picture (in Vietnamese, the
        // longer words; English is checked on the screens above).
        add(Case("form", "whole-${kind.name.lowercase()}", heightDp = 2600, variants = Variant.all.filter { !it.english }) { RecordFormContent(form, NoEdits, {}) })
    }
    add(Case("form", "loading") { RecordFormContent(RecordFormUiState.Loading, NoEdits, {}) })
    add(Case("form", "error") { RecordFormContent(World.formError, NoEdits, {}) })
    add(Case("form", "problems") { RecordFormContent(World.householdProblems, NoEdits, {}) })
    add(Case("form", "similar-household", heightDp = 1100) { RecordFormContent(World.similarHousehold, NoEdits, {}) })
    add(Case("form", "returned") { RecordFormContent(World.returnedForm, NoEdits, {}) })
    add(Case("form", "read-only") { RecordFormContent(World.readOnlyForm, NoEdits, {}) })
    val cleanup = World.cleanupForm
    add(Case("form", "content-cleanup") { RecordFormContent(cleanup, NoEdits, {}) })
    add(Case("form", "saving") { RecordFormContent(cleanup.copy(saving = true), NoEdits, {}) })
    val shown = cleanup.fields.flatMap { it.photos }.filterIsInstance<FormPhoto.Attached>().first()
    add(Case("form", "photo-loading") { RecordFormContent(cleanup.copy(viewer = PhotoViewer(shown.sha256, "photos", shown.stage, PhotoContent.Loading)), NoEdits, {}) })
    add(Case("form", "photo-shown") { RecordFormContent(cleanup.copy(viewer = PhotoViewer(shown.sha256, "photos", shown.stage, PhotoContent.Shown(shown.preview!!))), NoEdits, {}) })
    add(Case("form", "photo-offline") { RecordFormContent(cleanup.copy(viewer = PhotoViewer(shown.sha256, "photos", shown.stage, PhotoContent.Offline(Texts.noNetwork))), NoEdits, {}) })

    // Covenants.
    add(Case("covenants", "loading") { CovenantContent(CovenantUiState.Loading, {}, {}, {}) })
    add(Case("covenants", "empty") { CovenantContent(CovenantUiState.Empty, {}, {}, {}) })
    add(Case("covenants", "error") { CovenantContent(CovenantUiState.Error(Texts.unexpected), {}, {}, {}) })
    add(Case("covenants", "content") { CovenantContent(World.headCovenants, {}, {}, {}) })
    add(Case("covenants", "read-only") { CovenantContent(World.volunteerCovenants, {}, {}, {}) })

    // Outbox.
    val outbox = World.outbox
    add(Case("outbox", "loading") { OutboxContent(OutboxUiState.Loading, OutboxActions()) })
    add(Case("outbox", "empty") { OutboxContent(OutboxUiState.Empty(null), OutboxActions()) })
    add(Case("outbox", "empty-offline") { OutboxContent(OutboxUiState.Empty(Texts.noNetwork), OutboxActions()) })
    add(Case("outbox", "error") { OutboxContent(OutboxUiState.Error(Texts.unexpected), OutboxActions()) })
    add(Case("outbox", "refused") { OutboxContent(outbox.copy(sync = SyncUiState.Idle), OutboxActions()) })
    add(Case("outbox", "refused-open") { OutboxContent(World.outboxRefusedOpen.copy(sync = SyncUiState.Idle), OutboxActions()) })
    add(Case("outbox", "content") { OutboxContent(outbox.copy(refused = emptyList(), sync = SyncUiState.Idle), OutboxActions()) })
    add(Case("outbox", "offline") { OutboxContent(outbox.copy(refused = emptyList(), sync = SyncUiState.Idle, offlineMessage = Texts.noNetwork), OutboxActions()) })
    add(Case("outbox", "syncing") { OutboxContent(outbox.copy(refused = emptyList(), sync = sendingPhotos), OutboxActions()) })

    // Review queue.
    add(Case("review", "loading") { ReviewQueueContent(ReviewQueueUiState.Loading, SyncUiState.Idle, ReviewActions()) })
    add(Case("review", "not-allowed") { ReviewQueueContent(World.reviewNotAllowed, SyncUiState.Idle, ReviewActions()) })
    add(Case("review", "empty") { ReviewQueueContent(ReviewQueueUiState.Empty(null), SyncUiState.Idle, ReviewActions()) })
    add(Case("review", "error") { ReviewQueueContent(ReviewQueueUiState.Error(Texts.unexpected), SyncUiState.Idle, ReviewActions()) })
    add(Case("review", "content") { ReviewQueueContent(World.review, SyncUiState.Idle, ReviewActions()) })
    add(Case("review", "reading") { ReviewQueueContent(World.reviewReading, SyncUiState.Idle, ReviewActions()) })
    add(Case("review", "reason-required") { ReviewQueueContent(World.reviewDeciding, SyncUiState.Idle, ReviewActions()) })
    add(Case("review", "syncing") { ReviewQueueContent(World.review, sendingRecords, ReviewActions()) })
    add(Case("review", "offline") { ReviewQueueContent(World.review, SyncUiState.Offline(Texts.noNetwork), ReviewActions()) })
}
