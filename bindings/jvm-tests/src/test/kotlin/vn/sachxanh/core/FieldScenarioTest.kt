package vn.sachxanh.core

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.time.LocalDate
import java.time.format.DateTimeFormatter

/**
 * A whole field scenario through the Kotlin API, as the Android app drives it: enrol, record
 * offline, sync with progress, a record returned by staff, fix and resubmit, approved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FieldScenarioTest {
    private lateinit var server: TestServer
    private val dir = Files.createTempDirectory("sachxanh-phones")
    private val area = "rs-ap-my-hoa"

    @BeforeAll
    fun start() {
        server = TestServer()
    }

    @AfterAll
    fun stop() {
        server.close()
    }

    private fun phone(name: String) = Sachxanh.open(dir.resolve("$name.db").toString(), DeviceSettings(server.url, null))

    /** Sync off the main thread, as the app does, collecting progress for a progress bar. */
    private fun syncCollecting(p: Sachxanh): Pair<SyncReport, List<Progress>> = runBlocking {
        withContext(Dispatchers.IO) {
            val seen = java.util.Collections.synchronizedList(mutableListOf<Progress>())
            val report = p.sync(object : SyncObserver {
                override fun onProgress(progress: Progress) {
                    seen.add(progress)
                }
            })
            report to seen.toList()
        }
    }

    /** A household's form as typed: only the fields named, the others as a new form has them. */
    private fun household(name: String, members: String = "4", areaId: String = area) = buildList {
        add(FieldInput("area_id", FieldValue.Text(areaId)))
        add(FieldInput("head_name", FieldValue.Text(name)))
        add(FieldInput("address", FieldValue.Text("Số 3, đường ven kênh Rạch Sen")))
        add(FieldInput("members", FieldValue.Text(members)))
        if (areaId == area) add(FieldInput("location", FieldValue.Place(Place(Shape.POINT, listOf(Coord(105.631, 9.998))))))
    }

    private fun Sachxanh.save(kind: RecordKind, values: List<FieldInput>, id: String? = null, areaId: String = area): String =
        when (val out = saveForm(kind, id, areaId, values)) {
            is SaveOutcome.Saved -> out.record.id
            is SaveOutcome.Problems -> throw AssertionError("not saved: ${out.form}")
        }

    @Test
    fun `volunteer records offline, staff return, the volunteer fixes, staff approve`() {
        val volunteer = phone("volunteer")
        assertEquals(null, volunteer.me())
        val enrolled = volunteer.enrol(server.volunteerCode(area))
        assertEquals(Role.VOLUNTEER, enrolled.person.role)
        assertEquals(listOf(AreaInfo(area, "Ấp Mỹ Hòa")), enrolled.person.areas)
        assertTrue(enrolled.token.length > 20)

        // Offline: a form with mistakes is not saved; each problem is under its field, in both
        // languages, next to the field's own label.
        val bad = volunteer.saveForm(RecordKind.HOUSEHOLD, null, area, household("", "0")) as SaveOutcome.Problems
        val wrong = bad.form.fields.filter { it.problems.isNotEmpty() }
        assertEquals(listOf("head_name", "members"), wrong.map { it.path })
        assertEquals("Số nhân khẩu", wrong[1].label.vi)
        assertEquals("Household members", wrong[1].label.en)
        assertTrue(wrong[1].problems.single().vi.isNotBlank() && wrong[1].problems.single().en.isNotBlank())
        assertEquals(0uL, volunteer.syncStatus().waiting, "nothing saved")
        // A day that does not exist is read by the core and said under the date, not a crash;
        // checking saves nothing.
        val checked = volunteer.checkForm(RecordKind.SORTING_CHECK, null, area, check("x", "31/02/2026"))
        assertTrue(checked.fields.single { it.path == "check_date" }.problems.isNotEmpty())
        assertEquals(0uL, volunteer.syncStatus().waiting)
        // Something typed outside a record form is a typed error with the problem.
        val code = assertThrows<ApiException.Invalid> { parseEnrolmentCode("K7QM-3XPA") }
        assertEquals("code", code.problems.single().field)
        assertTrue(code.problems.single().message.vi.startsWith("Mã đăng ký"))

        val house = volunteer.save(RecordKind.HOUSEHOLD, household("Nguyễn Thị Mười"))
        val check = volunteer.save(RecordKind.SORTING_CHECK, check(house, LocalDate.now().format(DateTimeFormatter.ofPattern("dd/MM/yyyy"))))
        volunteer.submit(house)
        volunteer.submit(check)
        // Two records, each saved and then submitted: two records wait, four changes go out.
        assertEquals(2uL, volunteer.syncStatus().waiting)
        val found = volunteer.households(area, "nguyen thi muoi", null, 20u)
        assertEquals(listOf("Nguyễn Thị Mười"), found.items.map { it.headName })

        val (report, progress) = syncCollecting(volunteer)
        assertEquals(2uL, report.pushed, "two records, whatever their changes")
        assertEquals(SyncPhase.PUSHING, progress.first().phase)
        assertEquals(2uL, progress.first().total)
        assertEquals(SyncPhase.DONE, progress.last().phase)
        assertEquals(0uL, volunteer.syncStatus().waiting)
        assertTrue(volunteer.syncStatus().lastSyncMs != null)

        // Staff on a phone: the queue, a return with a reason.
        val staff = phone("staff")
        assertEquals(Role.COMMUNE_STAFF, staff.enrol(server.staffCode()).person.role)
        syncCollecting(staff)
        val queue = staff.reviewQueue()
        assertEquals(setOf(house, check), queue.map { it.id }.toSet())
        assertTrue(queue.first { it.id == house }.title.vi.startsWith("Nguyễn Thị Mười"))
        staff.review(house, Decision.RETURNED, "Thiếu số nhà cụ thể")
        staff.review(check, Decision.APPROVED, "")
        syncCollecting(staff)
        // A volunteer cannot review.
        assertEquals(ErrorCode.FORBIDDEN, assertThrows<ApiException.Server> { volunteer.review(house, Decision.APPROVED, "") }.code)

        // The volunteer's phone gets the decision with its reason.
        syncCollecting(volunteer)
        val returned = volunteer.needsAttention().single()
        assertEquals(house, returned.id)
        assertEquals(ReviewStatus.RETURNED, returned.status)
        assertEquals("Thiếu số nhà cụ thể", returned.reason)
        assertEquals(ReviewStatus.APPROVED, volunteer.record(check).status)
        assertEquals("Thiếu số nhà cụ thể", volunteer.record(house).reason)

        // Fix and resubmit; staff approve the new version.
        volunteer.save(RecordKind.HOUSEHOLD, listOf(FieldInput("address", FieldValue.Text("Số 27, đường ven kênh Rạch Sen"))), id = house)
        assertEquals(ReviewStatus.AWAITING_REVIEW, volunteer.record(house).status)
        syncCollecting(volunteer)
        syncCollecting(staff)
        assertEquals(listOf(house), staff.reviewQueue().map { it.id })
        staff.review(house, Decision.APPROVED, "")
        syncCollecting(staff)
        syncCollecting(volunteer)
        assertEquals(ReviewStatus.APPROVED, volunteer.record(house).status)
        assertTrue(volunteer.needsAttention().isEmpty())

        val figures = volunteer.areaFigures(area)
        assertEquals(1uL, figures.households)
        assertEquals(1uL, figures.householdsChecked)
        volunteer.close()
        staff.close()
    }

    @Test
    fun `a sync can be cancelled from its progress callback and resumed`() {
        // Another hamlet, so the scenario above never sees these households.
        val other = "rs-ap-vam-xang"
        val p = phone("canceller")
        p.enrol(server.volunteerCode(other))
        repeat(5) { p.save(RecordKind.HOUSEHOLD, household("Hộ thử $it", areaId = other), areaId = other) }
        assertThrows<ApiException.Cancelled> {
            p.sync(object : SyncObserver {
                override fun onProgress(progress: Progress) {
                    p.cancelSync()
                }
            })
        }
        assertEquals(5uL, p.syncStatus().waiting)
        val (report, _) = syncCollecting(p)
        assertEquals(5uL, report.pushed)
        p.close()
    }

    @Test
    fun `lists and forms stay usable while a sync runs`() {
        val other = "rs-ap-rach-sung"
        val p = phone("busy")
        p.enrol(server.volunteerCode(other))
        repeat(3) { p.save(RecordKind.HOUSEHOLD, household("Hộ đang gửi $it", areaId = other), areaId = other) }
        val seenDuringSync = mutableListOf<Int>()
        val report = p.sync(object : SyncObserver {
            override fun onProgress(progress: Progress) {
                // The app reads (and saves) while the sync holds its own connection.
                if (progress.phase == SyncPhase.PUSHING) {
                    seenDuringSync.add(p.households(other, "", null, 10u).items.size)
                    p.syncStatus()
                }
            }
        })
        assertEquals(3uL, report.pushed)
        assertTrue(seenDuringSync.isNotEmpty())
        assertTrue(seenDuringSync.all { it == 3 })
        p.close()
    }

    @Test
    fun `without enrolment, sync says so in both languages`() {
        val p = phone("stranger")
        val e = assertThrows<ApiException.NotEnrolled> {
            p.sync(object : SyncObserver {
                override fun onProgress(progress: Progress) {}
            })
        }
        // `reason` is the FFI error's `message: Message`, renamed for Kotlin (it clashes with
        // Throwable.message otherwise).
        assertTrue(e.reason.vi.contains("đăng ký"))
        assertTrue(e.reason.en.contains("enrol"))
        p.close()
    }

    private fun check(household: String, date: String) = listOf(
        FieldInput("area_id", FieldValue.Text(area)),
        FieldInput("household_id", FieldValue.Text(household)),
        FieldInput("check_date", FieldValue.Text(date)),
        FieldInput("recyclable_sorted", FieldValue.Flag(true)),
        FieldInput("food_sorted", FieldValue.Flag(true)),
        FieldInput("other_sorted", FieldValue.Flag(true)),
        FieldInput("served_by_collection", FieldValue.Flag(true)),
    )

    @Test
    fun `the store is encrypted with the key the shell keeps, and useless without it`() {
        val path = dir.resolve("encrypted.db").toString()
        val key = newStoreKey()
        assertEquals(32, key.size)
        val settings = DeviceSettings(server.url, null, storeKey = key)
        Sachxanh.open(path, settings).use { p ->
            p.enrol(server.volunteerCode(area))
            p.save(RecordKind.HOUSEHOLD, household("Trương Văn Kín"))
            assertEquals(1uL, p.syncStatus().waiting)
        }
        // On disk: neither SQLite's header nor the name.
        val bytes = java.io.File(path).readBytes()
        assertTrue(!String(bytes.copyOfRange(0, 15), Charsets.ISO_8859_1).startsWith("SQLite format"))
        assertTrue(!String(bytes, Charsets.UTF_8).contains("Trương Văn Kín"))
        // Without the key, or with another, a typed error in both languages and nothing touched.
        val none = assertThrows<ApiException.Storage> { Sachxanh.open(path, DeviceSettings(server.url, null)) }
        assertTrue(none.reason.vi.contains("khóa bảo vệ không đúng"), none.reason.vi)
        assertTrue(none.reason.en.contains("protection key is wrong"), none.reason.en)
        assertThrows<ApiException.Storage> { Sachxanh.open(path, DeviceSettings(server.url, null, storeKey = newStoreKey())) }
        val short = assertThrows<ApiException.Storage> { Sachxanh.open(path, DeviceSettings(server.url, null, storeKey = ByteArray(16))) }
        assertTrue(short.reason.en.contains("32 bytes"))
        // With it: everything, still waiting to be sent.
        Sachxanh.open(path, settings).use { p ->
            assertEquals(1uL, p.syncStatus().waiting)
            assertEquals("Trương Văn Kín", p.households(area, "truong van kin", null, 10u).items.single().headName)
        }
    }
}
