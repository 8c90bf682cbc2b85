package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus

/** OutboxScreen: each of my records, its state, and whether it still waits to be sent. */
class OutboxFlowTest : FlowTest() {
    @Test
    fun `the outbox lists my records with their state, and the unsent flag clears after sync`() {
        val (phone, _) = h.enrolled("outbox", server.volunteerCode(Areas.VAM_XANG))
        val sync = h.sync(phone)
        val outbox = OutboxViewModel(phone, sync, h.scope, h.io)
        outbox.state.awaitIs<OutboxUiState.Empty>()

        val sent = phone.addHousehold("Mai Văn Gửi", Areas.VAM_XANG)
        phone.submit(sent)
        val draft = phone.addHousehold("Mai Thị Nháp", Areas.VAM_XANG)
        val checkForm = h.form(phone, RecordKind.SORTING_CHECK, householdId = sent)
        checkForm.editing()
        checkForm.onFlag("recyclable_sorted", true)
        checkForm.save(submit = true)
        val check = checkForm.saved().id
        outbox.refresh()
        val before = outbox.state.awaitIs<OutboxUiState.Content> { it.items.size == 3 }
        assertEquals(listOf(check, draft, sent), before.items.map { it.id }, "newest first")
        assertEquals(3, before.unsentCount)
        assertEquals(RecordKind.SORTING_CHECK, before.items[0].kind)
        assertTrue(before.items[0].title.vi.contains("Mai Văn Gửi"), before.items[0].title.vi)
        assertEquals(ReviewStatus.AWAITING_REVIEW, before.items[0].status)
        assertEquals(ReviewStatus.DRAFT, before.items[1].status)
        assertEquals("Ấp Vàm Xáng", before.items[2].areaName)
        assertEquals(FormTarget(RecordKind.HOUSEHOLD, draft), before.items[1].target)

        outbox.syncNow()
        val after = outbox.state.awaitIs<OutboxUiState.Content> { it.sync is SyncUiState.Done && it.unsentCount == 0 }
        assertTrue(after.items.none { it.unsent })
        assertEquals(listOf(ReviewStatus.AWAITING_REVIEW, ReviewStatus.DRAFT, ReviewStatus.AWAITING_REVIEW), after.items.map { it.status })
        assertTrue(after.refused.isEmpty())

        // An edit after sending waits again.
        val edit = h.form(phone, RecordKind.HOUSEHOLD, recordId = draft)
        edit.editing()
        edit.onText("members", "6")
        edit.save(submit = false)
        edit.saved()
        outbox.refresh()
        val edited = outbox.state.awaitIs<OutboxUiState.Content> { it.unsentCount == 1 }
        assertEquals(draft, edited.items.single { it.unsent }.id)
        runBlocking { sync.sync() }
        outbox.state.awaitIs<OutboxUiState.Content> { it.unsentCount == 0 }
    }
}
