package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.RecordKind

/** HomeScreen: my areas, what needs doing, and how much waits to be sent. */
class HomeFlowTest : FlowTest() {
    @Test
    fun `home shows what waits to be sent, a draft to finish, then nothing waiting after sync`() {
        val (phone, _) = h.enrolled("home", server.volunteerCode(Areas.MY_HOA))
        val sync = h.sync(phone)
        val home = HomeViewModel(phone, sync, h.scope, h.io)
        val fresh = home.state.awaitIs<HomeUiState.Ready>()
        assertEquals(0L, fresh.sync.waiting)
        assertNull(fresh.sync.lastSyncMs)
        assertTrue(fresh.nothingToDo)

        // One household sent for review, one left as a draft.
        val sent = HouseholdFormViewModel(phone, h.scope, h.io, Areas.MY_HOA)
        sent.onHeadNameChanged("Lê Văn Thử")
        sent.onAddressChanged("Số 12, ấp Mỹ Hòa")
        sent.onMembersChanged("5")
        sent.save(submit = true)
        sent.state.awaitIs<HouseholdFormUiState.Saved>()
        val draft = HouseholdFormViewModel(phone, h.scope, h.io, Areas.MY_HOA)
        draft.onHeadNameChanged("Phạm Thị Nháp")
        draft.onAddressChanged("Số 3, ấp Mỹ Hòa")
        draft.onMembersChanged("2")
        draft.save(submit = false)
        val draftId = draft.state.awaitIs<HouseholdFormUiState.Saved>().id

        home.refresh()
        val waiting = home.state.awaitIs<HomeUiState.Ready> { it.sync.waiting == 3L }
        assertEquals(listOf(draftId), waiting.todo.map { it.id })
        assertEquals(TodoReason.DRAFT, waiting.todo.single().why)
        assertEquals(RecordKind.HOUSEHOLD, waiting.todo.single().kind)
        assertEquals("Phạm Thị Nháp", waiting.todo.single().title)
        assertEquals(2uL, waiting.areas.single().figures!!.households)

        home.syncNow()
        val after = home.state.awaitIs<HomeUiState.Ready> { it.sync.activity is SyncUiState.Done && it.sync.waiting == 0L }
        assertNotNull(after.sync.lastSyncMs)
        assertEquals(0L, after.sync.refused)
        assertTrue(!after.sync.offline)
    }

    @Test
    fun `staff see how many records wait for their review`() {
        // A commune of its own, so the other tests' submissions are not counted.
        TestServer().use { commune ->
            Harness(commune).use { c ->
                val (volunteer, _) = c.enrolled("v", commune.volunteerCode(Areas.CAU_TRE))
                val id = volunteer.createHousehold(household("Đoàn Văn Cầu", Areas.CAU_TRE))
                volunteer.submit(id)
                volunteer.createHousehold(household("Đoàn Thị Nháp", Areas.CAU_TRE))
                kotlinx.coroutines.runBlocking { c.sync(volunteer).sync() }

                val (staff, _) = c.enrolled("staff", commune.staffCode())
                val home = HomeViewModel(staff, c.sync(staff), c.scope, c.io)
                val before = home.state.awaitIs<HomeUiState.Ready>()
                assertEquals(0, before.reviewWaiting)
                assertEquals(5, before.areas.size)
                home.syncNow()
                // The submitted household waits for review; the draft is not staff's business yet.
                val after = home.state.awaitIs<HomeUiState.Ready> { it.sync.activity is SyncUiState.Done && it.sync.lastSyncMs != null }
                assertEquals(1, after.reviewWaiting)
            }
        }
    }

    @Test
    fun `a phone nobody enrolled is sent to the enrolment screen`() {
        val phone = h.phone("nobody")
        val home = HomeViewModel(phone, h.sync(phone), h.scope, h.io)
        home.state.awaitIs<HomeUiState.NotEnrolled>()
    }
}
