package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.ErrorCode
import vn.sachxanh.core.RecordKind

/**
 * A refusal: the server judges every change against the person's scope. A volunteer of Ấp Mỹ Hòa
 * has a household of Ấp Bến Đình on the phone (the pickers only offer their own hamlet, so an old
 * app version or a forged call put it there): the phone keeps it, the server refuses it, and the
 * outbox says why and shows what was sent.
 */
class RefusalFlowTest : FlowTest() {
    @Test
    fun `a record for a hamlet outside my scope is refused and the outbox shows the reason`() {
        val (phone, _) = h.enrolled("refused", server.volunteerCode(Areas.MY_HOA))
        val sync = h.sync(phone)
        val home = HomeViewModel(phone, sync, h.scope, h.io)
        val outbox = OutboxViewModel(phone, sync, h.scope, h.io)

        val mine = h.form(phone, RecordKind.HOUSEHOLD)
        assertEquals(listOf(Areas.MY_HOA), mine.editing().areas.map { it.id }, "the area picker offers only my hamlet")
        mine.onText("head_name", "Đặng Văn Đúng")
        mine.onText("address", "Số 4, ấp Mỹ Hòa")
        mine.onText("members", "3")
        mine.save(submit = true)
        val kept = mine.saved().id
        val wrong = phone.addHousehold("Đặng Thị Nhầm", Areas.BEN_DINH, "2")
        phone.submit(wrong)
        outbox.refresh()
        outbox.state.awaitIs<OutboxUiState.Content> { it.unsentCount == 2 }

        home.syncNow()
        val done = sync.state.awaitIs<SyncUiState.Done>()
        assertEquals(1L, done.refused)

        val shown = outbox.state.awaitIs<OutboxUiState.Content> { it.refused.isNotEmpty() && it.unsentCount == 0 }
        val refusal = shown.refused.single()
        assertEquals(wrong, refusal.recordId)
        assertEquals(RecordKind.HOUSEHOLD, refusal.kind)
        assertEquals(phone.record(kept).kindLabel, refusal.kindLabel)
        assertEquals(ErrorCode.OUT_OF_SCOPE, refusal.code)
        assertTrue(refusal.message.vi.contains("địa bàn"), refusal.message.vi)
        assertTrue(refusal.message.en.contains("area"), refusal.message.en)
        // The refused record leaves the list of records (the server never took it); mine stays.
        assertEquals(listOf(kept), shown.items.map { it.id })

        // Opened: what was sent, in words, to record it again in the right hamlet.
        outbox.openRefused(wrong)
        val detail = outbox.state.awaitIs<OutboxUiState.Content> { it.refusedDetail != null }.refusedDetail!!
        assertEquals(refusal, detail.item)
        assertTrue(detail.fields.any { it.value.vi == "Đặng Thị Nhầm" }, detail.fields.toString())
        assertTrue(detail.fields.any { it.value.vi == "Ấp Bến Đình" }, detail.fields.toString())
        outbox.closeRefused()

        val homeShows = home.state.awaitIs<HomeUiState.Ready> { it.sync.refused == 1L }
        assertTrue(!homeShows.nothingToDo)

        outbox.dismissRefused(wrong)
        outbox.state.awaitIs<OutboxUiState.Content> { it.refused.isEmpty() }
        home.refresh()
        home.state.awaitIs<HomeUiState.Ready> { it.sync.refused == 0L && it.nothingToDo }
    }
}
