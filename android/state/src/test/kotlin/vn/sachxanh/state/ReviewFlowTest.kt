package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.Decision
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
        val form = HouseholdFormViewModel(volunteer, h.scope, h.io, Areas.MY_HOA)
        form.onHeadNameChanged("Tô Văn Sửa")
        form.onAddressChanged("ấp Mỹ Hòa")
        form.onMembersChanged("4")
        form.save(submit = true)
        val house = form.state.awaitIs<HouseholdFormUiState.Saved>().id
        val rejectMe = volunteer.createHousehold(household("Hộ Trùng Lặp"))
        volunteer.submit(rejectMe)
        runBlocking { vSync.sync() }

        val (staff, _) = h.enrolled("staff", server.staffCode())
        val sSync = h.sync(staff)
        runBlocking { sSync.sync() }
        val queue = ReviewQueueViewModel(staff, sSync, h.scope, h.io)
        val waiting = queue.state.awaitIs<ReviewQueueUiState.Content>()
        assertEquals(setOf(house, rejectMe), waiting.items.map { it.id }.toSet())
        assertEquals("Ấp Mỹ Hòa", waiting.items.first().areaName)

        // A return needs a reason: the core says so under the reason box.
        queue.startReturn(house)
        queue.confirm()
        val noReason = queue.state.awaitIs<ReviewQueueUiState.Content> { it.deciding?.errors?.isEmpty == false }
        assertTrue(noReason.deciding!!.errors[ReviewField.REASON]!!.vi.isNotBlank())
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
        val todo = home.state.awaitIs<HomeUiState.Ready> { r -> r.todo.any { it.why == TodoReason.RETURNED } }.todo.single()
        assertEquals(house, todo.id)
        assertEquals("Thiếu số nhà cụ thể", todo.reviewerReason)
        val listed = outbox.state.awaitIs<OutboxUiState.Content> { c -> c.items.any { it.status == ReviewStatus.RETURNED } }
        assertEquals("Thiếu số nhà cụ thể", listed.items.single { it.id == house }.reviewerReason)
        val rejected = listed.items.single { it.id == rejectMe }
        assertEquals(ReviewStatus.REJECTED, rejected.status)
        assertEquals("Trùng với hộ đã ghi", rejected.reviewerReason)

        // Fixing it: the form shows the reason (the record's own view carries it), the fix is
        // resubmitted. The rejected one's form says why too.
        val fix = HouseholdFormViewModel(volunteer, h.scope, h.io, Areas.MY_HOA, householdId = house)
        val opened = fix.state.awaitIs<HouseholdFormUiState.Editing>()
        assertEquals("Thiếu số nhà cụ thể", opened.reviewerReason)
        assertEquals(ReviewStatus.RETURNED, opened.status)
        assertEquals("Thiếu số nhà cụ thể", volunteer.household(house).reason)
        val rejectedForm = HouseholdFormViewModel(volunteer, h.scope, h.io, Areas.MY_HOA, householdId = rejectMe)
        assertEquals("Trùng với hộ đã ghi", rejectedForm.state.awaitIs<HouseholdFormUiState.Editing>().reviewerReason)
        fix.onAddressChanged("Số 27, ấp Mỹ Hòa")
        fix.save(submit = true)
        fix.state.awaitIs<HouseholdFormUiState.Saved>()
        assertEquals(ReviewStatus.AWAITING_REVIEW, volunteer.household(house).status)
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
        val reopened = HouseholdFormViewModel(volunteer, h.scope, h.io, Areas.MY_HOA, householdId = house)
        assertNull(reopened.state.awaitIs<HouseholdFormUiState.Editing>().reviewerReason, "nor in its form")
        assertEquals("Số 27, ấp Mỹ Hòa", volunteer.household(house).value.address)
    }

    @Test
    fun `a returned cleanup's form says why, to its author and to another volunteer of the hamlet`() {
        val (author, _) = h.enrolled("cleanup-author", server.volunteerCode(Areas.MY_HOA))
        val form = CleanupViewModel(author, h.clock, h.scope, h.io, areaId = Areas.MY_HOA)
        form.state.awaitIs<CleanupUiState.Editing>()
        form.onGpsFix(Areas.inMyHoa.lon, Areas.inMyHoa.lat, 8f)
        form.onWork(WorkKind.DRAINS, true)
        form.onParticipants(Organisation.YOUTH_UNION, "20")
        form.onBagsChanged("6")
        form.save(submit = true)
        val id = form.state.awaitIs<CleanupUiState.Saved>().id
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
            val opened = CleanupViewModel(phone, h.clock, h.scope, h.io, cleanupId = id).state.awaitIs<CleanupUiState.Editing>()
            assertEquals(ReviewStatus.RETURNED, opened.status)
            assertEquals("Ghi rõ số bao rác thu gom", opened.reviewerReason)
        }
    }

    @Test
    fun `the review queue is only for commune staff`() {
        val (volunteer, _) = h.enrolled("not-staff", server.volunteerCode(Areas.CAU_TRE))
        assertEquals(ReviewQueueUiState.NotAllowed, ReviewQueueViewModel(volunteer, h.sync(volunteer), h.scope, h.io).state.await { it != ReviewQueueUiState.Loading })
    }
}
