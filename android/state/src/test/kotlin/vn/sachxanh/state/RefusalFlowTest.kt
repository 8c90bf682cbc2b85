package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.RecordKind

/**
 * A refusal: the server judges every change against the person's scope. A volunteer of Ấp Mỹ Hòa
 * records a household for Ấp Bến Đình (a shared phone, the wrong hamlet picked): the phone saves
 * it, the server refuses it, and the outbox says why.
 */
class RefusalFlowTest : FlowTest() {
    @Test
    fun `a record for a hamlet outside my scope is refused and the outbox shows the reason`() {
        val (phone, _) = h.enrolled("refused", server.volunteerCode(Areas.MY_HOA))
        val sync = h.sync(phone)
        val home = HomeViewModel(phone, sync, h.scope, h.io)
        val outbox = OutboxViewModel(phone, sync, h.scope, h.io)

        val mine = HouseholdFormViewModel(phone, h.scope, h.io, Areas.MY_HOA)
        mine.onHeadNameChanged("Đặng Văn Đúng")
        mine.onAddressChanged("Số 4, ấp Mỹ Hòa")
        mine.onMembersChanged("3")
        mine.save(submit = true)
        val kept = mine.state.awaitIs<HouseholdFormUiState.Saved>().id
        val theirs = HouseholdFormViewModel(phone, h.scope, h.io, Areas.BEN_DINH)
        theirs.onHeadNameChanged("Đặng Thị Nhầm")
        theirs.onAddressChanged("Số 9, ấp Bến Đình")
        theirs.onMembersChanged("2")
        theirs.save(submit = true)
        val wrong = theirs.state.awaitIs<HouseholdFormUiState.Saved>().id
        outbox.refresh()
        outbox.state.awaitIs<OutboxUiState.Content> { it.unsentCount == 2 }

        home.syncNow()
        val done = sync.state.awaitIs<SyncUiState.Done>()
        assertEquals(1L, done.refused)

        val shown = outbox.state.awaitIs<OutboxUiState.Content> { it.refused.isNotEmpty() && it.unsentCount == 0 }
        val refusal = shown.refused.single()
        assertEquals(wrong, refusal.recordId)
        assertEquals(RecordKind.HOUSEHOLD, refusal.kind)
        assertEquals("out_of_scope", refusal.code)
        assertTrue(refusal.message.vi.contains("địa bàn"), refusal.message.vi)
        assertTrue(refusal.message.en.contains("area"), refusal.message.en)
        // The refused record leaves the list of records (the server never took it); mine stays.
        assertEquals(listOf(kept), shown.items.map { it.id })

        val homeShows = home.state.awaitIs<HomeUiState.Ready> { it.sync.refused == 1L }
        assertTrue(!homeShows.nothingToDo)

        outbox.dismissRefused(wrong)
        outbox.state.awaitIs<OutboxUiState.Content> { it.refused.isEmpty() }
        home.refresh()
        home.state.awaitIs<HomeUiState.Ready> { it.sync.refused == 0L && it.nothingToDo }
    }
}
