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

    private fun household(name: String, members: UInt = 4u, areaId: String = area) = Household(
        areaId = areaId,
        address = "Số 3, đường ven kênh Rạch Sen",
        headName = name,
        members = members,
        location = if (areaId == area) Coord(105.631, 9.998) else null,
        note = "",
    )

    @Test
    fun `volunteer records offline, staff return, the volunteer fixes, staff approve`() {
        val volunteer = phone("volunteer")
        assertEquals(null, volunteer.me())
        val enrolled = volunteer.enrol(server.volunteerCode(area))
        assertEquals(Role.VOLUNTEER, enrolled.person.role)
        assertEquals(listOf(AreaInfo(area, "Ấp Mỹ Hòa")), enrolled.person.areas)
        assertTrue(enrolled.token.length > 20)

        // Offline: a form with a mistake is refused field by field, in both languages.
        val bad = assertThrows<ApiException.Invalid> { volunteer.createHousehold(household("", 0u)) }
        assertEquals(listOf("head_name", "members"), bad.problems.map { it.field })
        assertTrue(bad.problems[1].messageVi.startsWith("Số nhân khẩu"))
        assertTrue(bad.problems[1].messageEn.startsWith("Household members"))
        // A malformed date from a form is a typed error too, not a crash.
        assertThrows<ApiException.Invalid> {
            volunteer.createSortingCheck(check("x", "21/11/2026"))
        }

        val house = volunteer.createHousehold(household("Nguyễn Thị Mười"))
        val check = volunteer.createSortingCheck(check(house, LocalDate.now().toString()))
        volunteer.submit(house)
        volunteer.submit(check)
        assertEquals(4uL, volunteer.syncStatus().waiting)
        val found = volunteer.households(area, "nguyen thi muoi", null, 20u)
        assertEquals(listOf("Nguyễn Thị Mười"), found.items.map { it.headName })

        val (report, progress) = syncCollecting(volunteer)
        assertEquals(4uL, report.pushed)
        assertEquals(SyncPhase.PUSHING, progress.first().phase)
        assertEquals(4uL, progress.first().total)
        assertEquals(SyncPhase.DONE, progress.last().phase)
        assertEquals(0uL, volunteer.syncStatus().waiting)
        assertTrue(volunteer.syncStatus().lastSyncMs != null)

        // Staff on a phone: the queue, a return with a reason.
        val staff = phone("staff")
        assertEquals(Role.COMMUNE_STAFF, staff.enrol(server.staffCode()).person.role)
        syncCollecting(staff)
        val queue = staff.reviewQueue()
        assertEquals(setOf(house, check), queue.map { it.id }.toSet())
        assertEquals("Nguyễn Thị Mười", queue.first { it.id == house }.title)
        staff.review(house, Decision.RETURNED, "Thiếu số nhà cụ thể")
        staff.review(check, Decision.APPROVED, "")
        syncCollecting(staff)
        // A volunteer cannot review.
        assertThrows<ApiException.Server> { volunteer.review(house, Decision.APPROVED, "") }

        // The volunteer's phone gets the decision with its reason.
        syncCollecting(volunteer)
        val returned = volunteer.needsAttention().single()
        assertEquals(house, returned.id)
        assertEquals(ReviewStatus.RETURNED, returned.status)
        assertEquals("Thiếu số nhà cụ thể", returned.reason)
        assertEquals(ReviewStatus.APPROVED, volunteer.sortingCheck(check).status)

        // Fix and resubmit; staff approve the new version.
        val view = volunteer.household(house)
        volunteer.updateHousehold(house, view.value.copy(address = "Số 27, đường ven kênh Rạch Sen"))
        assertEquals(ReviewStatus.AWAITING_REVIEW, volunteer.household(house).status)
        syncCollecting(volunteer)
        syncCollecting(staff)
        assertEquals(listOf(house), staff.reviewQueue().map { it.id })
        staff.review(house, Decision.APPROVED, "")
        syncCollecting(staff)
        syncCollecting(volunteer)
        assertEquals(ReviewStatus.APPROVED, volunteer.household(house).status)
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
        repeat(5) { p.createHousehold(household("Hộ thử $it", areaId = other)) }
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
        repeat(3) { p.createHousehold(household("Hộ đang gửi $it", areaId = other)) }
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
        assertTrue(e.messageVi.contains("đăng ký"))
        assertTrue(e.messageEn.contains("enrol"))
        p.close()
    }

    private fun check(household: String, date: String) = SortingCheck(
        householdId = household,
        areaId = area,
        checkDate = date,
        recyclableSorted = true,
        foodSorted = true,
        otherSorted = true,
        hazardousSeparated = false,
        servedByCollection = true,
        burningSeen = false,
        dumpingSeen = false,
        note = "",
        checkedBy = "p-volunteer",
    )
}
