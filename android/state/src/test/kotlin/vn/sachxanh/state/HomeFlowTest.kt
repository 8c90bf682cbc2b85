package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus

/** HomeScreen: my areas, what needs doing, and how much waits to be sent. */
class HomeFlowTest : FlowTest() {
    private fun RecordFormViewModel.fillHousehold(name: String, address: String, members: String) {
        editing()
        onText("head_name", name)
        onText("address", address)
        onText("members", members)
    }

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
        val sent = h.form(phone, RecordKind.HOUSEHOLD, areaId = Areas.MY_HOA)
        sent.fillHousehold("Lê Văn Mười", "Số 12, ấp Mỹ Hòa", "5")
        sent.save(submit = true)
        sent.saved()
        val draft = h.form(phone, RecordKind.HOUSEHOLD, areaId = Areas.MY_HOA)
        draft.fillHousehold("Phạm Thị Nháp", "Số 3, ấp Mỹ Hòa", "2")
        draft.save(submit = false)
        val draftId = draft.saved().id

        home.refresh()
        // Two records wait (one of them saved, then submitted: two changes, one record).
        val waiting = home.state.awaitIs<HomeUiState.Ready> { it.sync.waiting == 2L }
        val todo = waiting.todo.single()
        assertEquals(draftId, todo.id)
        assertEquals(ReviewStatus.DRAFT, todo.status)
        assertEquals(RecordKind.HOUSEHOLD, todo.kind)
        assertEquals(FormTarget(RecordKind.HOUSEHOLD, draftId), todo.target)
        assertTrue(todo.title.vi.startsWith("Phạm Thị Nháp"), todo.title.vi)
        assertEquals("Ấp Mỹ Hòa", todo.areaName)
        assertEquals(2uL, waiting.areas.single().figures!!.households)

        home.syncNow()
        val after = home.state.awaitIs<HomeUiState.Ready> { it.sync.activity is SyncUiState.Done && it.sync.waiting == 0L }
        assertNotNull(after.sync.lastSyncMs)
        assertEquals(0L, after.sync.refused)
        assertTrue(!after.sync.offline)
    }

    @Test
    fun `a hamlet staff rename reaches home at the next sync, with no new app`() {
        // A commune of its own: the other tests name Ấp Mỹ Hòa and Ấp Cầu Tre as built in.
        TestServer().use { commune ->
            Harness(commune).use { c ->
                val (phone, _) = c.enrolled("v", commune.volunteerCode(Areas.CAU_TRE))
                val home = HomeViewModel(phone, c.sync(phone), c.scope, c.io)
                assertEquals("Ấp Cầu Tre", home.state.awaitIs<HomeUiState.Ready>().areas.single().area.name)
                val staff = commune.staffKey()
                val renamed = commune.staffPost(
                    "/api/v1/areas/changes",
                    staff,
                    """{"change": "rename", "area_id": "${Areas.CAU_TRE}", "name": "Ấp Cầu Tre Mới"}""",
                )
                assertEquals(200, renamed.statusCode(), renamed.body())
                home.syncNow()
                val after = home.state.awaitIs<HomeUiState.Ready> { it.areas.singleOrNull()?.area?.name == "Ấp Cầu Tre Mới" }
                assertEquals(Areas.CAU_TRE, after.areas.single().area.id)
                // The phone keeps the commune's areas: opened again, offline, it still says so.
                c.close(phone)
                val again = c.phone("v")
                assertEquals("Ấp Cầu Tre Mới", again.capabilities()!!.areas.single().name)
            }
        }
    }

    @Test
    fun `staff see how many records wait for their review`() {
        // A commune of its own, so the other tests' submissions are not counted.
        TestServer().use { commune ->
            Harness(commune).use { c ->
                val (volunteer, _) = c.enrolled("v", commune.volunteerCode(Areas.CAU_TRE))
                val id = volunteer.addHousehold("Đoàn Văn Cầu", Areas.CAU_TRE)
                volunteer.submit(id)
                volunteer.addHousehold("Đoàn Thị Nháp", Areas.CAU_TRE)
                runBlocking { c.sync(volunteer).sync() }

                val (staff, _) = c.enrolled("staff", commune.staffCode())
                val home = HomeViewModel(staff, c.sync(staff), c.scope, c.io)
                val before = home.state.awaitIs<HomeUiState.Ready>()
                assertEquals(0, before.reviewWaiting)
                assertEquals(staff.capabilities()!!.areas, before.areas.map { it.area })
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
