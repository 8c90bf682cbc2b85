package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.PhotoRef
import vn.sachxanh.core.PhotoStage
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SpotKind
import vn.sachxanh.core.SpotStatus
import java.nio.file.Files

/**
 * BlackSpotScreen: a volunteer reports a spontaneous dump with a photo, later moves it up the
 * ladder to closed (refused without an after photo), submits it, and the server holds the record
 * and both photos.
 */
class BlackSpotFlowTest : FlowTest() {
    private val files = Files.createTempDirectory("sachxanh-camera").toFile()

    @AfterAll
    fun removeFiles() {
        files.deleteRecursively()
    }

    private fun attached(s: BlackSpotUiState.Editing) = s.form.photos.filterIsInstance<FormPhoto.Attached>()

    @Test
    fun `a dump reported with a before photo, refused closed without an after photo, then closed, submitted and on the server`() {
        val (phone, _) = h.enrolled("reporter", server.volunteerCode(Areas.MY_HOA))
        val staffToken = h.phone("staff").enrol(server.staffCode()).token

        // Reported today, at the spot, with a photo of the pile.
        val report = BlackSpotViewModel(phone, h.clock, h.scope, h.io, areaId = Areas.MY_HOA)
        val blank = report.state.awaitIs<BlackSpotUiState.Editing>()
        assertEquals(SpotStatus.REPORTED, blank.form.status)
        val today = blank.form.date(SpotStatus.REPORTED)
        assertTrue(today.isNotBlank(), "reported today by default")

        // Nothing typed: the core's words under the description and the place.
        report.save(submit = false)
        val empty = report.state.awaitIs<BlackSpotUiState.Editing> { !it.saving && !it.errors.isEmpty }
        assertNotNull(empty.errors[BlackSpotField.DESCRIPTION], empty.errors.toString())
        assertNotNull(empty.errors[BlackSpotField.PLACE], empty.errors.toString())

        report.onKindChanged(SpotKind.SPONTANEOUS_DUMP)
        report.onGpsFix(Areas.inMyHoa.lon, Areas.inMyHoa.lat, 7f)
        report.onDescriptionChanged("Đống rác sinh hoạt khoảng 2 m³ bên bờ kênh, cạnh cầu khỉ")
        report.addPhoto(cameraJpeg(files, "bai-rac.jpg", 11, 800, 600).path, PhotoStage.BEFORE)
        val ready = report.state.awaitIs<BlackSpotUiState.Editing> { attached(it).size == 1 && !it.preparingPhotos }
        val before = attached(ready).single()
        assertEquals(PhotoStage.BEFORE, before.stage)
        report.save(submit = false)
        val id = report.state.awaitIs<BlackSpotUiState.Saved>().id
        assertEquals(SpotStatus.REPORTED, phone.blackSpot(id).value.status)

        // Opened again from the outbox: cleaned up and closed on the same day, no after photo yet.
        val outbox = OutboxViewModel(phone, h.sync(phone), h.scope, h.io)
        val line = outbox.state.awaitIs<OutboxUiState.Content> { s -> s.items.any { it.id == id } }.items.first { it.id == id }
        assertEquals(RecordKind.BLACK_SPOT, line.kind)
        val vm = BlackSpotViewModel(phone, h.clock, h.scope, h.io, spotId = line.id)
        val opened = vm.state.awaitIs<BlackSpotUiState.Editing> { s -> attached(s).all { it.preview != null } }
        assertEquals("Đống rác sinh hoạt khoảng 2 m³ bên bờ kênh, cạnh cầu khỉ", opened.form.description)
        assertEquals(listOf(Areas.inMyHoa), opened.form.place.points)
        assertEquals(SpotStatus.VERIFIED, opened.nextStep)
        vm.onStatusChanged(SpotStatus.CLOSED)
        val closing = vm.state.awaitIs<BlackSpotUiState.Editing> { it.form.status == SpotStatus.CLOSED }
        for (step in SpotStatus.entries) assertTrue(closing.form.date(step).isNotBlank(), "$step dated")
        assertNull(closing.nextStep)
        vm.save(submit = true)
        val refused = vm.state.awaitIs<BlackSpotUiState.Editing> { !it.saving && it.errors[BlackSpotField.PHOTOS] != null }
        assertTrue(
            refused.errors[BlackSpotField.PHOTOS]!!.vi.contains("bắt buộc khi trạng thái là «Đã xử lý dứt điểm»"),
            refused.errors[BlackSpotField.PHOTOS]!!.vi,
        )
        assertEquals(SpotStatus.REPORTED, phone.blackSpot(id).value.status, "nothing saved")

        // The after photo and the dates as they really were: then it closes.
        vm.addPhoto(cameraJpeg(files, "da-don.jpg", 12, 800, 600).path, PhotoStage.AFTER)
        val withAfter = vm.state.awaitIs<BlackSpotUiState.Editing> { attached(it).size == 2 && !it.preparingPhotos }
        assertNull(withAfter.errors[BlackSpotField.PHOTOS], "a new photo clears the message")
        val after = withAfter.photos(PhotoStage.AFTER).single() as FormPhoto.Attached
        val day = java.time.LocalDate.parse(today)
        vm.onDateChanged(SpotStatus.REPORTED, day.minusDays(3).toString())
        vm.onDateChanged(SpotStatus.VERIFIED, day.minusDays(2).toString())
        vm.onDateChanged(SpotStatus.CLEANED, day.minusDays(1).toString())
        vm.onDateChanged(SpotStatus.CLOSED, today)
        vm.save(submit = true)
        assertTrue(vm.state.awaitIs<BlackSpotUiState.Saved>().submitted)
        val stored = phone.blackSpot(id)
        assertEquals(SpotStatus.CLOSED, stored.value.status)
        assertEquals(today, stored.value.closedDate)
        assertEquals(ReviewStatus.AWAITING_REVIEW, stored.status)
        assertEquals(listOf(PhotoRef(before.sha256, PhotoStage.BEFORE), PhotoRef(after.sha256, PhotoStage.AFTER)), stored.value.photos)

        // Sync: the record, then its photos; the server holds both.
        val done = runBlocking { h.sync(phone).sync() }
        assertTrue(done is SyncUiState.Done && done.refused == 0L && done.photosUploaded == 2L, done.toString())
        val record = server.staffGet("/api/v1/records/$id", staffToken)
        assertEquals(200, record.statusCode())
        val json = String(record.body(), Charsets.UTF_8)
        for (expected in listOf("\"black_spot\"", "\"closed\"", "Đống rác sinh hoạt", before.sha256, after.sha256)) {
            assertTrue(json.contains(expected), "the server's record has $expected: $json")
        }
        for (p in listOf(before, after)) {
            val photo = server.staffGet("/api/v1/photos/${p.sha256}", staffToken)
            assertEquals(200, photo.statusCode())
            assertArrayEquals(phone.photo(p.sha256), photo.body())
        }
    }
}
