package vn.sachxanh.ui

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import vn.sachxanh.app.ui.Fix
import vn.sachxanh.core.DeviceSettings
import vn.sachxanh.core.Input
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.Sachxanh
import vn.sachxanh.core.catalog
import vn.sachxanh.state.Areas
import vn.sachxanh.state.TestServer
import vn.sachxanh.state.addHousehold
import vn.sachxanh.state.cameraJpeg
import java.nio.file.Files

/**
 * The app as people use it: the real screens, navigation, state holders and core, a real server,
 * driven through taps and typing and checked by what the screen says. Every person and place is
 * invented.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiFlowTest {
    private val server = TestServer()
    private val dir = Files.createTempDirectory("sachxanh-ui-flows")
    private val files = dir.toFile()
    private val phones = mutableListOf<AutoCloseable>()

    @AfterAll
    fun stop() {
        phones.forEach { runCatching { it.close() } }
        server.close()
    }

    private fun phone(name: String, url: String = server.url) = PhoneApp(name, url, dir).also { phones += it }

    /** A staff member's key for the dashboard's API (the token of an enrolled staff device). */
    private val staffToken: String by lazy {
        Sachxanh.open(dir.resolve("staff-desk.db").toString(), DeviceSettings(server.url, null)).also { phones += it }.enrol(server.staffCode()).token
    }

    private fun Driver.enrolWith(code: String, name: String) {
        waitFor(vi("enrol_code"))
        type(vi("enrol_code"), code.lowercase())
        tap(vi("enrol_submit"))
        waitFor(name)
    }

    private fun Driver.save(submit: Boolean = true) = tap(vi(if (submit) "save_submit" else "save_draft"))

    @Test
    fun `a volunteer enrols, records a household, a sorting check and a cleanup with two photos, syncs with progress shown, and sees staff approve them`() {
        val link = SlowLink(server.url).also { phones += it }
        val app = phone("volunteer-day", link.url)
        app.devices.fix = Fix(Areas.inMyHoa.lon, Areas.inMyHoa.lat, 6f)
        val code = server.volunteerCode(Areas.MY_HOA, "Huỳnh Thị Sen")
        drive(app) {
            // Enrolment: the code typed in lower case, with its dashes; home greets the person.
            enrolWith(code, "Huỳnh Thị Sen")
            waitFor(vi("never_synced"))

            // A household, added from the hamlet's list.
            tap(vi("households_open"))
            tap(vi("household_add"))
            waitFor(fieldLabel(RecordKind.HOUSEHOLD, "head_name"), substring = true)
            type(fieldLabel(RecordKind.HOUSEHOLD, "head_name"), "Nguyễn Văn Hai")
            type(fieldLabel(RecordKind.HOUSEHOLD, "address"), "Số 12, đường ven kênh Mỹ Hòa")
            type(fieldLabel(RecordKind.HOUSEHOLD, "members"), "5")
            save()
            waitFor(vi("household_add"))
            waitFor("Nguyễn Văn Hai")

            // Searching without diacritics finds it.
            type(vi("households_search"), "nguyen van hai")
            waitFor("Nguyễn Văn Hai")
            type(vi("households_search"), "tran thi")
            waitFor(vi("households_none_match", "tran thi"))
            type(vi("households_search"), "nguyen van")
            waitFor("Nguyễn Văn Hai")

            // Its sorting check: the household is filled in; all three groups sorted.
            tap(vi("sorting_check_new"))
            waitFor(kindLabel(RecordKind.SORTING_CHECK))
            waitFor("Nguyễn Văn Hai", substring = true)
            for (path in listOf("recyclable_sorted", "food_sorted", "other_sorted")) tap(fieldLabel(RecordKind.SORTING_CHECK, path), substring = true)
            save()
            waitFor(vi("household_add"))
            back()

            // A cleanup: GPS, the work, who came, what was collected, a photo before and one after.
            waitFor(vi("home_new_record"))
            tap(kindLabel(RecordKind.CLEANUP))
            waitFor(vi("use_gps"))
            tap(vi("use_gps"))
            waitFor(vi("place_gps", 1, 6))
            tap(fieldLabel(RecordKind.CLEANUP, "work.waterways"), substring = true)
            type(fieldLabel(RecordKind.CLEANUP, "participants.youth_union"), "12")
            type(fieldLabel(RecordKind.CLEANUP, "bags"), "5")
            app.devices.photos += cameraJpeg(files, "truoc-khi-lam.jpg", 21)
            app.devices.photos += cameraJpeg(files, "sau-khi-lam.jpg", 22)
            tap(vi("photo_take"), index = 0)
            // Prepared on the phone: its thumbnail shows (saving waits until then).
            waitForIcon(vi("photo_numbered", 1) + " · " + stageLabel(0))
            tap(vi("photo_take"), index = 1)
            waitForIcon(vi("photo_numbered", 1) + " · " + stageLabel(1))
            save()
            waitFor(vi("home_new_record"))
            waitFor(vi("sync_photos_waiting", 2))

            // Sync over a slow link: the progress is on the screen, then the outcome.
            tap(vi("sync_now"))
            waitFor(vi("sync_cancel"))
            waitFor(vi("sync_uploading_photos", "", "").substringBefore("…"), substring = true)
            waitFor(vi("sync_done_photos", 2), timeoutMs = 60_000)
            waitFor(vi("sync_nothing_waiting"))
            assertFalse(sees(vi("sync_photos_waiting", 2)))

            // Staff approve the three on the commune's dashboard; the phone learns it at its next sync.
            val ids = app.core.outbox().map { it.id }
            assertEquals(3, ids.size)
            ids.forEach { Dashboard.decide(server.url, staffToken, it, "approved") }
            tap(vi("sync_now"))
            waitFor(vi("sync_done", 0, 3), substring = true, timeoutMs = 60_000)
            tap(vi("outbox_title"))
            waitFor(vi("outbox_unsent", 0))
            for (kind in listOf(RecordKind.HOUSEHOLD, RecordKind.SORTING_CHECK, RecordKind.CLEANUP)) {
                waitFor(kindLabel(kind) + " · ", substring = true)
            }
            waitFor(statusLabel("approved"), substring = true)
            assertEquals(3, app.core.outbox().count { it.status == ReviewStatus.APPROVED })
            assertFalse(sees(statusLabel("awaiting_review"), substring = true), "nothing still awaits review: ${screenText()}")
        }
    }

    private fun stageLabel(i: Int): String =
        (catalog().kinds.single { it.kind == RecordKind.CLEANUP }.fields.single { it.path == "photos" }.input as Input.Photos).stages[i].label.vi

    @Test
    fun `a returned record shows the reviewer's reason, is fixed and sent again`() {
        val app = phone("returned")
        val code = server.volunteerCode(Areas.BEN_DINH, "Lâm Văn Sáu")
        drive(app) {
            enrolWith(code, "Lâm Văn Sáu")
            tap(kindLabel(RecordKind.HOUSEHOLD))
            type(fieldLabel(RecordKind.HOUSEHOLD, "head_name"), "Châu Thị Bé")
            type(fieldLabel(RecordKind.HOUSEHOLD, "address"), "ấp Bến Đình")
            type(fieldLabel(RecordKind.HOUSEHOLD, "members"), "3")
            save()
            waitFor(vi("home_new_record"))
            tap(vi("sync_now"))
            waitFor(vi("sync_nothing_waiting"), timeoutMs = 60_000)

            val id = app.core.outbox().single().id
            Dashboard.decide(server.url, staffToken, id, "returned", "Thiếu số nhà, xin ghi rõ địa chỉ")
            tap(vi("sync_now"))
            // Home's to-do: the record, returned, with the reviewer's words.
            waitFor(vi("reviewer_reason_inline", "Thiếu số nhà, xin ghi rõ địa chỉ"), timeoutMs = 60_000)
            tap("Châu Thị Bé", substring = true)
            waitFor(vi("reviewer_reason"))
            waitFor("Thiếu số nhà, xin ghi rõ địa chỉ")
            type(fieldLabel(RecordKind.HOUSEHOLD, "address"), "Số 8, ấp Bến Đình")
            save()
            waitFor(vi("home_new_record"))
            waitFor(vi("sync_waiting", 1))
            tap(vi("sync_now"))
            waitFor(vi("sync_nothing_waiting"), timeoutMs = 60_000)
            assertFalse(sees(vi("reviewer_reason_inline", "Thiếu số nhà, xin ghi rõ địa chỉ")), "the reason is gone once re-sent: ${screenText()}")
        }
        // On the server it waits for review again, with the fix.
        val record = server.staffGet("/api/v1/records/${app.core.outbox().single().id}/detail", staffToken)
        val body = String(record.body(), Charsets.UTF_8)
        assertEquals(200, record.statusCode())
        assertTrue("Số 8, ấp Bến Đình" in body, body)
        assertEquals(ReviewStatus.AWAITING_REVIEW, app.core.outbox().single().status)
    }

    @Test
    fun `with the server stopped, saved records wait in the outbox with the reason said, and go out once it is back`() {
        val own = TestServer()
        var serverNow = own
        try {
            val app = phone("outage", own.url)
            val code = own.volunteerCode(Areas.VAM_XANG, "Tạ Văn Bình")
            drive(app) {
                enrolWith(code, "Tạ Văn Bình")
                own.close()
                for (name in listOf("Mai Văn Một", "Mai Thị Hai")) {
                    tap(kindLabel(RecordKind.HOUSEHOLD))
                    type(fieldLabel(RecordKind.HOUSEHOLD, "head_name"), name)
                    type(fieldLabel(RecordKind.HOUSEHOLD, "address"), "ấp Vàm Xáng")
                    type(fieldLabel(RecordKind.HOUSEHOLD, "members"), "4")
                    save()
                    waitFor(vi("home_new_record"))
                }
                tap(vi("outbox_title"))
                waitFor(vi("outbox_unsent", 2))
                tap(vi("sync_now"))
                // The core tries for a while before it says so: the banner with its reason.
                waitFor(vi("offline_title"), timeoutMs = 90_000)
                val offline = app.sync.state.value as vn.sachxanh.state.SyncUiState.Offline
                waitFor(offline.message.vi)
                waitFor(vi("outbox_unsent", 2))
                waitFor(vi("outbox_not_sent"))
                assertEquals(2, app.core.outbox().count { it.unsent })

                // The server is back, with what it held, at the same address.
                serverNow = TestServer(own.data, own.url.removePrefix("http://"))
                tap(vi("sync_now"))
                waitFor(vi("outbox_unsent", 0), timeoutMs = 60_000)
                waitFor(vi("outbox_sent"))
                assertFalse(sees(vi("offline_title")), screenText())
                assertEquals(2, app.core.outbox().count { !it.unsent })
            }
        } finally {
            serverNow.close()
        }
    }

    @Test
    fun `an area head records a collection point and a self-managed model, a volunteer may not`() {
        val head = phone("head")
        drive(head) {
            enrolWith(server.areaHeadCode(Areas.RACH_SUNG), "Trưởng ấp Thử")
            head.devices.fix = Fix(Areas.inMyHoa.lon, Areas.inMyHoa.lat, 5f)

            tap(kindLabel(RecordKind.COLLECTION_POINT))
            type(fieldLabel(RecordKind.COLLECTION_POINT, "name"), "Đầu cầu Rạch Sung")
            tap(vi("use_gps"))
            waitFor(vi("place_gps", 1, 5))
            val conditions = catalog().kinds.single { it.kind == RecordKind.COLLECTION_POINT }.fields.filter { it.input is Input.Flag }
            assertEquals(5, conditions.size, "five technical conditions")
            conditions.forEach { tap(it.label.vi, substring = true) }
            save()
            waitFor(vi("home_new_record"))

            tap(kindLabel(RecordKind.SELF_MANAGED_MODEL))
            val status = catalog().kinds.single { it.kind == RecordKind.SELF_MANAGED_MODEL }.fields.single { it.path == "status" }.input as Input.Choice
            type(fieldLabel(RecordKind.SELF_MANAGED_MODEL, "name"), "Tổ phụ nữ tự quản bến sông")
            type(fieldLabel(RecordKind.SELF_MANAGED_MODEL, "members"), "25")
            type(fieldLabel(RecordKind.SELF_MANAGED_MODEL, "start_date"), "01/03/2026")
            tap(status.options.first().label.vi)
            save()
            waitFor(vi("home_new_record"))
        }
        assertEquals(
            setOf(RecordKind.COLLECTION_POINT, RecordKind.SELF_MANAGED_MODEL),
            head.core.outbox().filter { it.status == ReviewStatus.AWAITING_REVIEW }.map { it.kind }.toSet(),
        )

        val volunteer = phone("not-head")
        drive(volunteer) {
            enrolWith(server.volunteerCode(Areas.RACH_SUNG, "Ông Văn Ba"), "Ông Văn Ba")
            waitFor(vi("home_new_record"))
            assertTrue(sees(kindLabel(RecordKind.CLEANUP)), screenText())
            assertFalse(sees(kindLabel(RecordKind.COLLECTION_POINT)), "no collection point in a volunteer's menu: ${screenText()}")
            assertFalse(sees(kindLabel(RecordKind.SELF_MANAGED_MODEL)), "no self-managed model in a volunteer's menu: ${screenText()}")
        }
        // Opened anyway (a link from elsewhere), the form is read only: nothing to save.
        volunteer.nav.go(vn.sachxanh.app.ui.Destination.Form(vn.sachxanh.state.FormTarget(RecordKind.COLLECTION_POINT, areaId = Areas.RACH_SUNG)))
        drive(volunteer) {
            waitFor(vi("form_read_only"))
            assertFalse(sees(vi("save_submit")))
            assertFalse(sees(vi("save_draft")))
        }
    }

    @Test
    fun `a sorting check started from home picks its household from the hamlet's list`() {
        val app = phone("picker")
        drive(app) {
            enrolWith(server.volunteerCode(Areas.CAU_TRE, "Dương Thị Chín"), "Dương Thị Chín")
            app.core.addHousehold("Kha Văn Mười", area = Areas.CAU_TRE)
            app.core.addHousehold("Kha Thị Mười Một", area = Areas.CAU_TRE)
            tap(kindLabel(RecordKind.SORTING_CHECK))
            waitFor(vi("household_none"))
            tap(vi("household_choose"))
            waitFor(vi("household_pick_title"))
            type(vi("households_search"), "kha van")
            waitFor("Kha Văn Mười")
            waitGone("Kha Thị Mười Một")
            tap("Kha Văn Mười")
            // Back in the form, the household chosen.
            waitFor(kindLabel(RecordKind.SORTING_CHECK))
            waitFor("Kha Văn Mười", substring = true)
            tap(fieldLabel(RecordKind.SORTING_CHECK, "food_sorted"), substring = true)
            save()
            waitFor(vi("home_new_record"))
        }
        val check = app.core.outbox().single { it.kind == RecordKind.SORTING_CHECK }
        assertTrue("Kha Văn Mười" in check.title.vi, check.title.vi)
        assertEquals(ReviewStatus.AWAITING_REVIEW, check.status)
    }
}
