package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.Decision
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus

/**
 * ReviewQueueScreen on a staff phone, and the volunteer's side of it: a return with a reason,
 * seen on HomeScreen and OutboxScreen, fixed in the form, resubmitted and approved; a rejection.
 */
class ReviewFlowTest : FlowTest() {
    @Test
    fun `staff return a household with a reason, the volunteer fixes and resubmits, staff approve`() {
        val (volunteer, _) = h.enrolled("volunteer", server.volunteerCode(Areas.MY_HOA))
        val vSync = h.sync(volunteer)
        val form = h.form(volunteer, RecordKind.HOUSEHOLD, areaId = Areas.MY_HOA)
        form.editing()
        form.onText("head_name", "Tô Văn Sửa")
        form.onText("address", "ấp Mỹ Hòa")
        form.onText("members", "4")
        form.save(submit = true)
        val house = form.saved().id
        val rejectMe = volunteer.addHousehold("Hộ Trùng Lặp")
        volunteer.submit(rejectMe)
        runBlocking { vSync.sync() }

        val (staff, _) = h.enrolled("staff", server.staffCode())
        val sSync = h.sync(staff)
        runBlocking { sSync.sync() }
        val queue = ReviewQueueViewModel(staff, sSync, h.scope, h.io)
        val waiting = queue.state.awaitIs<ReviewQueueUiState.Content>()
        assertEquals(setOf(house, rejectMe), waiting.items.map { it.id }.toSet())
        assertEquals("Ấp Mỹ Hòa", waiting.items.first().areaName)

        // The reviewer reads the record before deciding: its fields and values, in words.
        queue.open(house)
        val read = queue.state.awaitIs<ReviewQueueUiState.Content> { it.reading is Reading.Shown }.reading as Reading.Shown
        assertEquals(house, read.item.id)
        assertTrue(read.fields.any { it.value.vi == "Tô Văn Sửa" }, read.fields.toString())
        assertTrue(read.fields.any { it.value.vi == "ấp Mỹ Hòa" }, read.fields.toString())
        queue.closeReading()

        // A return needs a reason: the core says so under the reason box.
        queue.startReturn(house)
        queue.confirm()
        val noReason = queue.state.awaitIs<ReviewQueueUiState.Content> { it.deciding?.problems?.isNotEmpty() == true }
        assertTrue(noReason.deciding!!.problems.single().vi.isNotBlank())
        queue.onReasonChanged("Thiếu số nhà cụ thể")
        queue.confirm()
        val returned = queue.state.awaitIs<ReviewQueueUiState.Content> { it.lastDecided != null }
        assertEquals(Decided(waiting.items.single { it.id == house }, Decision.RETURNED), returned.lastDecided)
        assertEquals(listOf(rejectMe), returned.items.map { it.id })
        queue.startReject(rejectMe)
        queue.onReasonChanged("Trùng với hộ đã ghi")
        queue.confirm()
        assertEquals(Decision.REJECTED, queue.state.awaitIs<ReviewQueueUiState.Empty>().lastDecided!!.decision)
        runBlocking { sSync.sync() }

        // The volunteer's phone: the reason on home and in the outbox.
        val home = HomeViewModel(volunteer, vSync, h.scope, h.io)
        val outbox = OutboxViewModel(volunteer, vSync, h.scope, h.io)
        home.syncNow()
        val todo = home.state.awaitIs<HomeUiState.Ready> { r -> r.todo.any { it.status == ReviewStatus.RETURNED } }.todo.single()
        assertEquals(house, todo.id)
        assertEquals("Thiếu số nhà cụ thể", todo.reviewerReason)
        val listed = outbox.state.awaitIs<OutboxUiState.Content> { c -> c.items.any { it.status == ReviewStatus.RETURNED } }
        assertEquals("Thiếu số nhà cụ thể", listed.items.single { it.id == house }.reviewerReason)
        val rejected = listed.items.single { it.id == rejectMe }
        assertEquals(ReviewStatus.REJECTED, rejected.status)
        assertEquals("Trùng với hộ đã ghi", rejected.reviewerReason)

        // Fixing it: the form shows the reason (the record's own view carries it), the fix is
        // resubmitted. The rejected one's form says why too.
        val fix = h.form(volunteer, todo.target.kind, todo.target.recordId)
        val opened = fix.editing()
        assertEquals("Thiếu số nhà cụ thể", opened.reviewerReason)
        assertEquals(ReviewStatus.RETURNED, opened.status)
        assertEquals(todo.statusLabel, opened.statusLabel)
        val rejectedForm = h.form(volunteer, RecordKind.HOUSEHOLD, recordId = rejectMe)
        assertEquals("Trùng với hộ đã ghi", rejectedForm.editing().reviewerReason)
        fix.onText("address", "Số 27, ấp Mỹ Hòa")
        fix.save(submit = true)
        assertEquals(ReviewStatus.AWAITING_REVIEW, fix.saved().record.status)
        home.syncNow()
        home.state.awaitIs<HomeUiState.Ready> { it.sync.activity is SyncUiState.Done && it.todo.isEmpty() && it.sync.waiting == 0L }

        runBlocking { sSync.sync() }
        queue.refresh()
        val again = queue.state.awaitIs<ReviewQueueUiState.Content>()
        assertEquals(listOf(house), again.items.map { it.id })
        queue.approve(house)
        queue.state.awaitIs<ReviewQueueUiState.Empty> { it.lastDecided?.decision == Decision.APPROVED }
        runBlocking { sSync.sync() }

        outbox.syncNow()
        val approved = outbox.state.awaitIs<OutboxUiState.Content> { c -> c.items.any { it.id == house && it.status == ReviewStatus.APPROVED } }
        assertNull(approved.items.single { it.id == house }.reviewerReason, "an old reason is not shown on an approved record")
        val reopened = h.form(volunteer, RecordKind.HOUSEHOLD, recordId = house).editing()
        assertNull(reopened.reviewerReason, "nor in its form")
        assertEquals("Số 27, ấp Mỹ Hòa", reopened["address"]!!.text)
    }

    @Test
    fun `a returned cleanup's form says why, to its author and to another volunteer of the hamlet`() {
        val (author, _) = h.enrolled("cleanup-author", server.volunteerCode(Areas.MY_HOA))
        val form = h.form(author, RecordKind.CLEANUP, areaId = Areas.MY_HOA)
        form.editing()
        form.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 8f)
        form.onFlag("work.drains", true)
        form.onText("participants.youth_union", "20")
        form.onText("bags", "6")
        form.save(submit = true)
        val id = form.saved().id
        runBlocking { h.sync(author).sync() }

        val (staff, _) = h.enrolled("cleanup-staff", server.staffCode())
        val sSync = h.sync(staff)
        runBlocking { sSync.sync() }
        val queue = ReviewQueueViewModel(staff, sSync, h.scope, h.io)
        queue.state.awaitIs<ReviewQueueUiState.Content> { c -> c.items.any { it.id == id } }
        queue.startReturn(id)
        queue.onReasonChanged("Ghi rõ số bao rác thu gom")
        queue.confirm()
        // Other tests of this class share the server, so the queue may still hold their records.
        queue.state.await(what = "the return recorded") { s ->
            when (s) {
                is ReviewQueueUiState.Empty -> s.lastDecided?.decision == Decision.RETURNED
                is ReviewQueueUiState.Content ->
                    s.lastDecided?.decision == Decision.RETURNED && s.items.none { it.id == id }
                else -> false
            }
        }
        runBlocking { sSync.sync() }

        val (neighbour, _) = h.enrolled("cleanup-neighbour", server.volunteerCode(Areas.MY_HOA, "Tình nguyện viên Hàng Xóm"))
        for (phone in listOf(author, neighbour)) {
            runBlocking { h.sync(phone).sync() }
            val opened = h.form(phone, RecordKind.CLEANUP, recordId = id).editing()
            assertEquals(ReviewStatus.RETURNED, opened.status)
            assertEquals("Ghi rõ số bao rác thu gom", opened.reviewerReason)
        }
    }

    @Test
    fun `a sync finishing while the reviewer types a reason keeps the reason`() {
        val (author, _) = h.enrolled("typing-author", server.volunteerCode(Areas.MY_HOA))
        val form = h.form(author, RecordKind.CLEANUP, areaId = Areas.MY_HOA)
        form.editing()
        form.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 8f)
        form.onFlag("work.drains", true)
        form.onText("participants.youth_union", "12")
        form.onText("bags", "3")
        form.save(submit = true)
        val id = form.saved().id
        runBlocking { h.sync(author).sync() }

        val (staff, _) = h.enrolled("typing-staff", server.staffCode())
        val sSync = h.sync(staff)
        runBlocking { sSync.sync() }
        val queue = ReviewQueueViewModel(staff, sSync, h.scope, h.io)
        queue.state.awaitIs<ReviewQueueUiState.Content> { c -> c.items.any { it.id == id } }
        queue.startReturn(id)
        queue.onReasonChanged("Thiếu ảnh")

        // Meanwhile another volunteer submits; the reviewer's phone syncs in the background.
        val (other, _) = h.enrolled("typing-other", server.volunteerCode(Areas.MY_HOA, "Tình nguyện viên Thứ Hai"))
        val second = h.form(other, RecordKind.CLEANUP, areaId = Areas.MY_HOA)
        second.editing()
        second.onGpsFix("place", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 8f)
        second.onFlag("work.drains", true)
        second.onText("participants.youth_union", "7")
        second.onText("bags", "2")
        second.save(submit = true)
        val secondId = second.saved().id
        runBlocking { h.sync(other).sync() }
        runBlocking { sSync.sync() }
        queue.refresh()

        // The queue reloads with the new submission; the reason being written is still there.
        val after = queue.state.awaitIs<ReviewQueueUiState.Content> { c -> c.items.any { it.id == secondId } }
        assertEquals("Thiếu ảnh", after.deciding?.reason)
        assertEquals(id, after.deciding?.item?.id)

        // Decide both, so the class's other tests (sharing this server) find the queue as they left it.
        queue.confirm()
        queue.state.awaitIs<ReviewQueueUiState.Content> { c -> c.items.none { it.id == id } }
        queue.approve(secondId)
        queue.state.awaitIs<ReviewQueueUiState.Empty>()
        runBlocking { sSync.sync() }
    }

    @Test
    fun `the review queue is only for reviewers`() {
        val (volunteer, _) = h.enrolled("not-staff", server.volunteerCode(Areas.CAU_TRE))
        assertEquals(false, volunteer.capabilities()!!.mayReview)
        assertEquals(ReviewQueueUiState.NotAllowed, ReviewQueueViewModel(volunteer, h.sync(volunteer), h.scope, h.io).state.await { it != ReviewQueueUiState.Loading })
    }
}
