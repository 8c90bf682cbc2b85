package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.AnyRecord
import vn.sachxanh.core.ErrorCode
import vn.sachxanh.core.FieldInput
import vn.sachxanh.core.FieldValue
import vn.sachxanh.core.Input
import vn.sachxanh.core.Place
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SaveOutcome
import vn.sachxanh.core.Shape
import java.nio.file.Files
import java.time.LocalDate

/**
 * The kinds that had no form before the core declared them: a collection point, a briefing and
 * a self-managed model, recorded by an area head through the one generic form; and what a
 * volunteer may not record, refused by the server when a phone sends it anyway.
 */
class AreaRecordsFlowTest : FlowTest() {
    private val files = Files.createTempDirectory("sachxanh-camera").toFile()

    @AfterAll
    fun removeFiles() {
        files.deleteRecursively()
    }

    private fun RecordFormUiState.Editing.options(path: String) = (this[path]!!.input as Input.Choice).options

    @Test
    fun `an area head records a collection point, a briefing and a self-managed model, and staff get them to review`() {
        val (head, _) = h.enrolled("head", server.areaHeadCode(Areas.RACH_SUNG))
        val home = HomeViewModel(head, h.sync(head), h.scope, h.io)
        val menu = home.state.awaitIs<HomeUiState.Ready>().newRecord.map { it.kind }
        for (kind in listOf(RecordKind.COLLECTION_POINT, RecordKind.BRIEFING, RecordKind.SELF_MANAGED_MODEL)) {
            assertTrue(kind in menu, "$kind in the new record menu: $menu")
        }

        // A collection point at the bridge, inspected today, meeting every condition, with a photo.
        val target = home.newRecord(RecordKind.COLLECTION_POINT)
        val point = h.form(head, target.kind, target.recordId, target.areaId)
        val blankPoint = point.editing()
        assertEquals(Areas.RACH_SUNG, blankPoint.areaId)
        assertTrue(blankPoint.mayWrite)
        val conditions = blankPoint.fields.filter { it.input is Input.Flag }
        assertTrue(conditions.first().section != null, "the conditions start under their heading")
        point.onText("name", "Đầu cầu Rạch Sung")
        point.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 6f)
        conditions.forEach { point.onFlag(it.path, true) }
        point.addPhoto("photos", cameraJpeg(files, "diem-tap-ket.jpg", 41, 800, 600).path)
        point.editing { it.attachedPhotos().size == 1 && !it.preparingPhotos }
        point.save(submit = true)
        val savedPoint = point.saved()
        val cp = (savedPoint.record.value as AnyRecord.CollectionPoint).v1
        assertEquals("Đầu cầu Rạch Sung", cp.name)
        assertTrue(cp.sealedFloor && cp.roofed && cp.enclosed && cp.sortedContainers && cp.collectedOnSchedule)
        assertEquals(1, cp.photos.size)
        assertEquals(ReviewStatus.AWAITING_REVIEW, savedPoint.record.status)

        // A briefing: the topic forgotten first; attendance typed with a thousands dot.
        val briefing = h.form(head, RecordKind.BRIEFING, areaId = Areas.RACH_SUNG)
        val blankBriefing = briefing.editing()
        val audience = blankBriefing.options("audience").last()
        briefing.onChoice("audience", audience.code)
        briefing.onText("attendance", "1.200")
        briefing.save(submit = true)
        val noTopic = briefing.editing { !it.saving && it.hasProblems }
        assertEquals(listOf("topic"), noTopic.fields.filter { it.problems.isNotEmpty() }.map { it.path })
        briefing.onText("topic", "Phân loại rác tại nguồn theo Luật Bảo vệ môi trường 2020")
        briefing.save(submit = true)
        val b = (briefing.saved().record.value as AnyRecord.Briefing).v1
        assertEquals(1200u, b.attendance)
        assertEquals(audience.code, b.audience.name.lowercase())

        // A self-managed model started a month ago.
        val model = h.form(head, RecordKind.SELF_MANAGED_MODEL, areaId = Areas.RACH_SUNG)
        val blankModel = model.editing()
        model.onText("name", "Tổ phụ nữ tự quản bến sông Rạch Sung")
        model.onText("members", "25")
        model.onDatePicked("start_date", LocalDate.now(h.clock).minusDays(30))
        model.onChoice("status", blankModel.options("status").first().code)
        model.onText("activities", "Vớt rác bến sông mỗi sáng Chủ nhật")
        model.save(submit = true)
        val m = (model.saved().record.value as AnyRecord.SelfManagedModel).v1
        assertEquals(25u, m.members)
        assertEquals(LocalDate.now(h.clock).minusDays(30).toString(), m.startDate)

        // Sent, accepted, and on the commune's review queue with the kinds' names.
        val done = runBlocking { h.sync(head).sync() }
        assertTrue(done is SyncUiState.Done && done.refused == 0L && done.photosUploaded == 1L, done.toString())
        val (staff, _) = h.enrolled("staff", server.staffCode())
        val sSync = h.sync(staff)
        runBlocking { sSync.sync() }
        val queue = ReviewQueueViewModel(staff, sSync, h.scope, h.io).state.awaitIs<ReviewQueueUiState.Content>()
        val kinds = queue.items.filter { it.areaName == "Ấp Rạch Sung" }.map { it.kind }.toSet()
        assertEquals(setOf(RecordKind.COLLECTION_POINT, RecordKind.BRIEFING, RecordKind.SELF_MANAGED_MODEL), kinds)
    }

    @Test
    fun `a volunteer may not record area undertakings, and a forged one is refused by the server with its reason`() {
        val (volunteer, _) = h.enrolled("volunteer", server.volunteerCode(Areas.VAM_XANG))
        val caps = volunteer.capabilities()!!
        val mayWrite = caps.kinds.associate { it.kind to it.mayWrite }
        assertFalse(mayWrite.getValue(RecordKind.COLLECTION_POINT))
        assertFalse(mayWrite.getValue(RecordKind.SELF_MANAGED_MODEL))
        assertFalse(mayWrite.getValue(RecordKind.COVENANT))
        val home = HomeViewModel(volunteer, h.sync(volunteer), h.scope, h.io)
        val menu = home.state.awaitIs<HomeUiState.Ready>().newRecord.map { it.kind }
        assertEquals(caps.kinds.filter { it.mayWrite }.map { it.kind }, menu, "the menu offers exactly what the person may record")
        for (kind in listOf(RecordKind.COLLECTION_POINT, RecordKind.SELF_MANAGED_MODEL)) {
            val form = h.form(volunteer, kind, areaId = Areas.VAM_XANG).editing()
            assertFalse(form.mayWrite, "$kind opens read only")
            assertFalse(form.canSave)
        }

        // An altered app saves one anyway, straight through the core: the phone keeps it...
        val blank = volunteer.newForm(RecordKind.COLLECTION_POINT, Areas.VAM_XANG)
        val values = blank.fields.map { f ->
            when (f.path) {
                "name" -> FieldInput(f.path, FieldValue.Text("Bãi tập kết chợ Vàm Xáng"))
                "place" -> FieldInput(f.path, FieldValue.Place(Place(Shape.POINT, listOf(Areas.inMyHoa))))
                else -> FieldInput(f.path, f.value)
            }
        }
        val forged = (volunteer.saveForm(RecordKind.COLLECTION_POINT, null, Areas.VAM_XANG, values) as SaveOutcome.Saved).record
        // ...and the server refuses it, saying why.
        val sync = h.sync(volunteer)
        val outbox = OutboxViewModel(volunteer, sync, h.scope, h.io)
        val done = runBlocking { sync.sync() }
        assertTrue(done is SyncUiState.Done && done.refused == 1L, done.toString())
        val refusal = outbox.state.awaitIs<OutboxUiState.Content> { it.refused.isNotEmpty() }.refused.single()
        assertEquals(forged.id, refusal.recordId)
        assertEquals(ErrorCode.NOT_ALLOWED_FOR_ROLE, refusal.code)
        assertEquals(forged.kindLabel, refusal.kindLabel)
        assertTrue(refusal.message.vi.isNotBlank() && refusal.message.en.isNotBlank())
        assertTrue(refusal.message.vi != refusal.message.en, "said in both languages")
    }
}
