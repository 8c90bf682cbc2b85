package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.AnyRecord
import vn.sachxanh.core.Input
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SpotStatus
import java.nio.file.Files
import java.time.LocalDate
import java.time.format.DateTimeFormatter

/**
 * The black spot form: a volunteer reports a spontaneous dump with a photo, later moves it up
 * the ladder to closed (refused without an after photo), submits it, and the server holds the
 * record and both photos.
 */
class BlackSpotFlowTest : FlowTest() {
    private val files = Files.createTempDirectory("sachxanh-camera").toFile()
    private val dateFields = listOf("reported_date", "verified_date", "cleaned_date", "closed_date")

    @AfterAll
    fun removeFiles() {
        files.deleteRecursively()
    }

    @Test
    fun `a dump reported with a before photo, refused closed without an after photo, then closed, submitted and on the server`() {
        val (phone, _) = h.enrolled("reporter", server.volunteerCode(Areas.MY_HOA))
        val staffToken = h.phone("staff").enrol(server.staffCode()).token
        val before = PhotoStage.BEFORE.name.lowercase()
        val after = PhotoStage.AFTER.name.lowercase()

        // Reported today, at the spot, with a photo of the pile.
        val report = h.form(phone, RecordKind.BLACK_SPOT, areaId = Areas.MY_HOA)
        val blank = report.editing()
        val ladder = blank.ladder!!
        assertEquals("status", ladder.statusPath)
        assertEquals(blank["status"]!!.code, ladder.current.code, "a new report starts at the ladder's first step")
        val today = blank["reported_date"]!!.text
        assertEquals(LocalDate.now(h.clock).format(DateTimeFormatter.ofPattern("dd/MM/yyyy")), today, "reported today by default")
        assertTrue(dateFields.drop(1).none { blank[it]!!.shown }, "the dates of steps not reached are not shown")

        // Nothing typed: the core's words under the description and the place.
        report.save(submit = false)
        val empty = report.editing { !it.saving && it.hasProblems }
        assertTrue(empty["description"]!!.problems.isNotEmpty(), empty.toString())
        assertTrue(empty["place"]!!.problems.isNotEmpty(), empty.toString())

        val kinds = (blank["spot_kind"]!!.input as Input.Choice).options
        report.onChoice("spot_kind", kinds.first().code)
        report.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 7f)
        report.onText("description", "Đống rác sinh hoạt khoảng 2 m³ bên bờ kênh, cạnh cầu khỉ")
        report.addPhoto("photos", cameraJpeg(files, "bai-rac.jpg", 11, 800, 600).path, before)
        val ready = report.editing { it.attachedPhotos().size == 1 && !it.preparingPhotos }
        val beforePhoto = ready.attachedPhotos().single()
        assertEquals(before, beforePhoto.stage)
        report.save(submit = false)
        val id = report.saved().id

        // Opened again from the outbox: cleaned up and closed on the same day, no after photo yet.
        val outbox = OutboxViewModel(phone, h.sync(phone), h.scope, h.io)
        val line = outbox.state.awaitIs<OutboxUiState.Content> { s -> s.items.any { it.id == id } }.items.first { it.id == id }
        assertEquals(RecordKind.BLACK_SPOT, line.kind)
        val target = line.target
        val vm = h.form(phone, target.kind, target.recordId)
        val opened = vm.editing { s -> s.attachedPhotos().all { it.preview != null } }
        assertEquals("Đống rác sinh hoạt khoảng 2 m³ bên bờ kênh, cạnh cầu khỉ", opened["description"]!!.text)
        assertEquals(listOf(Areas.inMyHoa), opened["place"]!!.place!!.points)
        val statuses = (opened["status"]!!.input as Input.Choice).options
        assertEquals(statuses[1], opened.ladder!!.next)

        // Up the ladder step by step, each dated today, to the last step.
        for (step in statuses.drop(1)) {
            assertTrue(vm.state.value.let { it is RecordFormUiState.Editing && it.canMoveUp })
            vm.moveUp()
            vm.editing { it.ladder?.current == step && !it.checking && (step == statuses.last() || it.ladder?.next != null) }
        }
        val closing = vm.editing { it.ladder?.current == statuses.last() && !it.checking }
        for (d in dateFields) {
            assertEquals(today, closing[d]!!.text, "$d dated today")
            assertTrue(closing[d]!!.shown, "$d shown once reached")
        }
        assertNull(closing.ladder!!.next)
        assertFalse(closing.canMoveUp)
        vm.save(submit = true)
        val refused = vm.editing { !it.saving && it["photos"]!!.problems.isNotEmpty() }
        val photoProblem = refused["photos"]!!.problems.single()
        assertTrue(photoProblem.vi.contains("bắt buộc khi trạng thái là «${statuses.last().label.vi}»"), photoProblem.vi)
        assertTrue(photoProblem.en.contains(statuses.last().label.en), photoProblem.en)
        val kept = phone.record(id)
        assertEquals(SpotStatus.REPORTED, (kept.value as AnyRecord.BlackSpot).v1.status, "nothing saved")

        // The after photo and the dates as they really were: then it closes.
        vm.addPhoto("photos", cameraJpeg(files, "da-don.jpg", 12, 800, 600).path, after)
        val withAfter = vm.editing { it.attachedPhotos().size == 2 && !it.preparingPhotos && !it.checking && it["photos"]!!.problems.isEmpty() }
        val afterPhoto = withAfter["photos"]!!.photos(after).single() as FormPhoto.Attached
        val day = LocalDate.now(h.clock)
        vm.onDatePicked("reported_date", day.minusDays(3))
        vm.onDatePicked("verified_date", day.minusDays(2))
        vm.onDatePicked("cleaned_date", day.minusDays(1))
        vm.onDatePicked("closed_date", day)
        vm.save(submit = true)
        val saved = vm.saved()
        assertTrue(saved.submitted)
        val stored = (saved.record.value as AnyRecord.BlackSpot).v1
        assertEquals(SpotStatus.CLOSED, stored.status)
        assertEquals(day.toString(), stored.closedDate)
        assertEquals(day.minusDays(3).toString(), stored.reportedDate)
        assertEquals(ReviewStatus.AWAITING_REVIEW, saved.record.status)
        assertEquals(listOf(PhotoRef(beforePhoto.sha256, PhotoStage.BEFORE), PhotoRef(afterPhoto.sha256, PhotoStage.AFTER)), stored.photos)

        // Sync: the record, then its photos; the server holds both.
        val done = runBlocking { h.sync(phone).sync() }
        assertTrue(done is SyncUiState.Done && done.refused == 0L && done.photosUploaded == 2L, done.toString())
        val record = server.staffGet("/api/v1/records/$id", staffToken)
        assertEquals(200, record.statusCode())
        val json = String(record.body(), Charsets.UTF_8)
        for (expected in listOf("\"black_spot\"", "\"closed\"", "Đống rác sinh hoạt", beforePhoto.sha256, afterPhoto.sha256)) {
            assertTrue(json.contains(expected), "the server's record has $expected: $json")
        }
        for (p in listOf(beforePhoto, afterPhoto)) {
            val photo = server.staffGet("/api/v1/photos/${p.sha256}", staffToken)
            assertEquals(200, photo.statusCode())
            assertArrayEquals(phone.photo(p.sha256), photo.body())
        }
    }
}
