package vn.sachxanh.ui

import kotlinx.coroutines.runBlocking
import vn.sachxanh.state.SyncUiState
import vn.sachxanh.core.Message
import vn.sachxanh.core.Decision
import vn.sachxanh.core.FieldInput
import vn.sachxanh.core.FieldValue
import vn.sachxanh.core.Input
import vn.sachxanh.core.Network
import vn.sachxanh.core.Place
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.Sachxanh
import vn.sachxanh.core.SaveOutcome
import vn.sachxanh.core.Shape
import vn.sachxanh.core.catalog
import vn.sachxanh.state.Areas
import vn.sachxanh.state.CovenantUiState
import vn.sachxanh.state.CovenantViewModel
import vn.sachxanh.state.EnrolUiState
import vn.sachxanh.state.EnrolViewModel
import vn.sachxanh.state.Harness
import vn.sachxanh.state.HomeUiState
import vn.sachxanh.state.HomeViewModel
import vn.sachxanh.state.HouseholdsUiState
import vn.sachxanh.state.HouseholdsViewModel
import vn.sachxanh.state.MemoryTokenStore
import vn.sachxanh.state.OutboxUiState
import vn.sachxanh.state.OutboxViewModel
import vn.sachxanh.state.RecordFormUiState
import vn.sachxanh.state.ReviewQueueUiState
import vn.sachxanh.state.ReviewQueueViewModel
import vn.sachxanh.state.TestServer
import vn.sachxanh.state.addHousehold
import vn.sachxanh.state.attachedPhotos
import vn.sachxanh.state.awaitIs
import vn.sachxanh.state.cameraJpeg
import vn.sachxanh.state.editing
import vn.sachxanh.state.saved
import java.nio.file.Files

/**
 * The real states every screenshot draws: phones enrolled on a real server, records saved,
 * sent, returned and refused through the real core, read by the real state holders. What changes
 * from run to run (today's date, the time of the last sync) is then pinned, so the pictures are
 * the same on every run. Built once for the screenshot and accessibility tests. Every person,
 * household and place is invented.
 */
object World {
    /** The day every form's dates show in screenshots (the core dates new forms today). */
    const val DAY = "22/11/2026"

    /** 2026-11-22 07:30 in Vietnam: the last sync on home. */
    const val LAST_SYNC_MS = 1_795_307_400_000L

    val server = TestServer()
    val h = Harness(server)
    private val files = Files.createTempDirectory("sachxanh-screens").toFile()

    val volunteer: Sachxanh
    val newcomer: Sachxanh
    val head: Sachxanh
    val staff: Sachxanh

    /** Records of the volunteer's phone. */
    val returnedHousehold: String
    val cleanup: String

    init {
        // The server process must not outlive the tests.
        Runtime.getRuntime().addShutdownHook(Thread { server.close() })
        volunteer = h.enrolled("volunteer", server.volunteerCode(Areas.MY_HOA, "Nguyễn Thị Mai")).first
        newcomer = h.enrolled("newcomer", server.volunteerCode(Areas.CAU_TRE, "Phạm Văn Đức")).first
        head = h.enrolled("head", server.areaHeadCode(Areas.MY_HOA)).first
        staff = h.enrolled("staff", server.staffCode()).first

        // Households: two sent for review, one draft, one that staff will return. Lists are in
        // the order records were made (to the millisecond): a pause keeps that order certain.
        volunteer.submit(volunteer.addHousehold("Nguyễn Văn Bảy", members = "5"))
        Thread.sleep(5)
        volunteer.addHousehold("Trần Thị Lan", members = "3")
        Thread.sleep(5)
        volunteer.submit(volunteer.addHousehold("Lê Văn Tám", members = "6"))
        Thread.sleep(5)
        returnedHousehold = volunteer.addHousehold("Võ Thị Hồng", members = "4")
        volunteer.submit(returnedHousehold)
        Thread.sleep(5)

        // A weekend cleanup with a photo before and one after.
        val form = h.form(volunteer, RecordKind.CLEANUP, areaId = Areas.MY_HOA)
        // Dated a week back, the same day every run: its title carries the date.
        form.onText(form.editing().fields.first { it.input is Input.Date }.path, DAY)
        form.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 8f)
        form.onFlag("work.waterways", true)
        form.onFlag("work.drains", true)
        form.onText("participants.womens_union", "8")
        form.onText("participants.youth_union", "12")
        form.onText("participants.residents", "20")
        form.onText("waste_kg", "35,5")
        form.onText("bags", "7")
        form.onText("note", "Vớt lục bình đoạn kênh Rạch Sen")
        val stages = (form.editing()["photos"]!!.input as Input.Photos).stages
        form.addPhoto("photos", cameraJpeg(files, "truoc.jpg", 3, 640, 480).path, stages.first().code)
        form.editing { it.attachedPhotos().size == 1 && !it.preparingPhotos }
        form.addPhoto("photos", cameraJpeg(files, "sau.jpg", 4, 640, 480).path, stages.last().code)
        form.editing { it.attachedPhotos().size == 2 && !it.preparingPhotos }
        form.save(submit = true)
        cleanup = form.saved().id

        // A collection point the volunteer may not record, forged through the core: the server refuses it.
        val blank = volunteer.newForm(RecordKind.COLLECTION_POINT, Areas.MY_HOA)
        val values = blank.fields.map { f ->
            when (f.path) {
                "name" -> FieldInput(f.path, FieldValue.Text("Bãi tập kết chợ Mỹ Hòa"))
                "place" -> FieldInput(f.path, FieldValue.Place(Place(Shape.POINT, listOf(Areas.inMyHoa))))
                else -> FieldInput(f.path, if (f.input is Input.Date) FieldValue.Text(DAY) else f.value)
            }
        }
        Thread.sleep(5)
        check(volunteer.saveForm(RecordKind.COLLECTION_POINT, null, Areas.MY_HOA, values) is SaveOutcome.Saved)
        runBlocking { h.sync(volunteer).sync() }

        // Staff return one household with a reason; the volunteer's phone learns it.
        runBlocking { h.sync(staff).sync() }
        staff.review(returnedHousehold, Decision.RETURNED, "Thiếu số nhà cụ thể, xin ghi rõ địa chỉ")
        runBlocking { h.sync(staff).sync() }
        runBlocking { h.sync(volunteer).sync() }
        // New since the last sync: a draft on the phone.
        Thread.sleep(5)
        volunteer.addHousehold("Đặng Văn Út", members = "2")
    }

    private fun sync() = h.sync(volunteer)

    // ---- the states -------------------------------------------------------------------------

    val enrolError: EnrolUiState by lazy {
        val vm = EnrolViewModel(h.phone("enrol-error"), MemoryTokenStore(), h.scope, h.io)
        vm.state.awaitIs<EnrolUiState.Entering>()
        vm.onCodeChanged("K7QM-3X")
        vm.submit()
        vm.state.awaitIs<EnrolUiState.Entering> { it.error != null }
    }

    /** The month's data use as the core words it, with fixed figures (real ones vary by a few bytes a run). */
    private val DATA_USE = Message("Tháng 11/2026: đồng bộ dùng 1,4 MB, khoảng 2.150 đ", "11/2026: sync used 1.4 MB, about 2,150 đ")

    val volunteerHome: HomeUiState.Ready by lazy {
        val r = HomeViewModel(volunteer, sync(), h.scope, h.io).state.awaitIs<HomeUiState.Ready> { it.todo.size >= 2 }
        check(r.sync.dataUse != null) { "the core gives home its data use" }
        r.copy(sync = r.sync.copy(lastSyncMs = LAST_SYNC_MS, network = Network.UNMETERED, dataUse = DATA_USE))
    }

    val newcomerHome: HomeUiState.Ready by lazy {
        val r = HomeViewModel(newcomer, h.sync(newcomer), h.scope, h.io).state.awaitIs<HomeUiState.Ready>()
        r.copy(sync = r.sync.copy(lastSyncMs = null, network = Network.UNMETERED, dataUse = null))
    }

    val staffHome: HomeUiState.Ready by lazy {
        val r = HomeViewModel(staff, h.sync(staff), h.scope, h.io).state.awaitIs<HomeUiState.Ready>()
        r.copy(sync = r.sync.copy(lastSyncMs = LAST_SYNC_MS, network = Network.UNMETERED, dataUse = DATA_USE))
    }

    /**
     * A sync that sent a cleanup written up late, dated in a report period already closed: the
     * server's notice as the core passes it on (a phone of its own, in a hamlet no other
     * screenshot shows).
     */
    val lateSync: SyncUiState.Done by lazy {
        val late = h.enrolled("late", server.volunteerCode(Areas.BEN_DINH, "Huỳnh Văn Muộn")).first
        val form = h.form(late, RecordKind.CLEANUP, areaId = Areas.BEN_DINH)
        form.onText(form.editing().fields.first { it.input is Input.Date }.path, "06/05/2023")
        form.onMapTap("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat)
        form.onFlag("work.sweeping", true)
        form.onText("participants.residents", "14")
        form.onText("bags", "9")
        form.save(submit = true)
        form.saved()
        val done = runBlocking { h.sync(late).sync() } as SyncUiState.Done
        done.copy(finishedAtMs = LAST_SYNC_MS)
    }

    val households: HouseholdsUiState.Content by lazy {
        HouseholdsViewModel(volunteer, h.scope, h.io).state.awaitIs<HouseholdsUiState.Content> { it.items.size >= 4 }
    }

    /** "nguyen van", typed without diacritics, finds "Nguyễn Văn Bảy". */
    val search: HouseholdsUiState.Content by lazy {
        val vm = HouseholdsViewModel(volunteer, h.scope, h.io)
        vm.state.awaitIs<HouseholdsUiState.Content>()
        vm.onQueryChanged("nguyen van")
        vm.state.awaitIs<HouseholdsUiState.Content> { it.query == "nguyen van" }
    }

    val noHouseholds: HouseholdsUiState.Empty by lazy {
        HouseholdsViewModel(newcomer, h.scope, h.io).state.awaitIs<HouseholdsUiState.Empty>()
    }

    val noMatch: HouseholdsUiState.Empty by lazy {
        val vm = HouseholdsViewModel(volunteer, h.scope, h.io)
        vm.state.awaitIs<HouseholdsUiState.Content>()
        vm.onQueryChanged("Huỳnh Văn Không")
        vm.state.awaitIs<HouseholdsUiState.Empty> { it.query.isNotEmpty() }
    }

    /** Every kind people record (staff decisions aside), as the core lists them. */
    val kinds: List<RecordKind> = catalog().kinds.filter { it.reviewed }.map { it.kind }

    /** A form with its dates pinned to [DAY]. */
    private fun RecordFormUiState.Editing.pinned() = copy(
        fields = fields.map { f -> if (f.input is Input.Date && f.text.isNotBlank()) f.copy(value = FieldValue.Text(DAY)) else f },
    )

    fun newForm(kind: RecordKind): RecordFormUiState.Editing = h.form(head, kind, areaId = Areas.MY_HOA).editing().pinned()

    val householdProblems: RecordFormUiState.Editing by lazy {
        val vm = h.form(volunteer, RecordKind.HOUSEHOLD, areaId = Areas.MY_HOA)
        vm.editing()
        vm.onText("members", "bốn")
        vm.save(submit = true)
        vm.editing { !it.saving && it.hasProblems }.pinned()
    }

    /** A household typed without diacritics that is one already recorded: the form shows it. */
    val similarHousehold: RecordFormUiState.Editing by lazy {
        val vm = h.form(volunteer, RecordKind.HOUSEHOLD, areaId = Areas.MY_HOA)
        vm.editing()
        vm.onText("head_name", "Tran Thi Lan")
        vm.onText("address", "so 5 duong ven kenh Rach Sen")
        vm.onText("members", "3")
        vm.editing { it.similar.isNotEmpty() && !it.checking }.pinned()
    }

    val returnedForm: RecordFormUiState.Editing by lazy {
        h.form(volunteer, RecordKind.HOUSEHOLD, returnedHousehold).editing { it.reviewerReason != null }.pinned()
    }

    val cleanupForm: RecordFormUiState.Editing by lazy {
        h.form(volunteer, RecordKind.CLEANUP, cleanup).editing { e -> e.attachedPhotos().size == 2 && e.attachedPhotos().all { it.preview != null } }.pinned()
    }

    val readOnlyForm: RecordFormUiState.Editing by lazy {
        h.form(volunteer, RecordKind.COLLECTION_POINT, areaId = Areas.MY_HOA).editing().pinned()
    }

    val formError: RecordFormUiState.Error by lazy {
        h.form(volunteer, RecordKind.HOUSEHOLD, "khong-co-ho-nay").state.awaitIs<RecordFormUiState.Error>()
    }

    val headCovenants: CovenantUiState.Content by lazy { CovenantViewModel(head, h.scope, h.io).state.awaitIs<CovenantUiState.Content>() }
    val volunteerCovenants: CovenantUiState.Content by lazy { CovenantViewModel(volunteer, h.scope, h.io).state.awaitIs<CovenantUiState.Content>() }

    val outbox: OutboxUiState.Content by lazy {
        OutboxViewModel(volunteer, sync(), h.scope, h.io).state.awaitIs<OutboxUiState.Content> { it.refused.isNotEmpty() && it.items.size >= 6 }
    }

    val outboxRefusedOpen: OutboxUiState.Content by lazy {
        val vm = OutboxViewModel(volunteer, sync(), h.scope, h.io)
        val c = vm.state.awaitIs<OutboxUiState.Content> { it.refused.isNotEmpty() }
        vm.openRefused(c.refused.first().recordId)
        vm.state.awaitIs<OutboxUiState.Content> { it.refusedDetail != null }
    }

    private val staffQueue by lazy { ReviewQueueViewModel(staff, h.sync(staff), h.scope, h.io) }

    val review: ReviewQueueUiState.Content by lazy { staffQueue.state.awaitIs<ReviewQueueUiState.Content>() }

    val reviewReading: ReviewQueueUiState.Content by lazy {
        val first = review.items.first().id
        staffQueue.open(first)
        staffQueue.state.awaitIs<ReviewQueueUiState.Content> { it.reading is vn.sachxanh.state.Reading.Shown }.also { staffQueue.closeReading() }
    }

    val reviewDeciding: ReviewQueueUiState.Content by lazy {
        val first = review.items.first().id
        staffQueue.startReturn(first)
        staffQueue.confirm()
        staffQueue.state.awaitIs<ReviewQueueUiState.Content> { it.deciding?.problems?.isNotEmpty() == true }.also { staffQueue.dismiss() }
    }

    val reviewNotAllowed: ReviewQueueUiState by lazy {
        ReviewQueueViewModel(volunteer, sync(), h.scope, h.io).state.awaitIs<ReviewQueueUiState.NotAllowed>()
    }
}
