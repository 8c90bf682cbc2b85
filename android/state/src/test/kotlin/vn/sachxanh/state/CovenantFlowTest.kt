package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.CovenantStatus
import vn.sachxanh.core.ReviewStatus
import java.time.LocalDate

/** CovenantScreen: each area's covenant status; area heads record theirs. */
class CovenantFlowTest : FlowTest() {
    @Test
    fun `an area head records the covenant in force, staff see it per area after sync`() {
        val (head, _) = h.enrolled("head", server.areaHeadCode(Areas.RACH_SUNG))
        val vm = CovenantViewModel(head, h.scope, h.io)
        val before = vm.state.awaitIs<CovenantUiState.Content>()
        val row = before.rows.single()
        assertEquals("Ấp Rạch Sung", row.areaName)
        assertNull(row.status, "nobody recorded it yet")
        assertTrue(row.canEdit)

        vm.open(Areas.RACH_SUNG)
        vm.state.awaitIs<CovenantUiState.Content> { it.editor != null }
        vm.onStatusChanged(CovenantStatus.IN_FORCE)
        vm.save(submit = true)
        val mistakes = vm.state.awaitIs<CovenantUiState.Content> { it.editor?.errors?.isEmpty == false }.editor!!
        assertTrue(CovenantField.CLAUSES in mistakes.errors.byField.keys, mistakes.errors.toString())
        assertTrue(CovenantField.IN_FORCE_DATE in mistakes.errors.byField.keys, mistakes.errors.toString())

        val today = LocalDate.now(h.clock)
        vm.onClausesChanged("Phân loại rác tại nguồn\nKhông đổ rác xuống kênh\n")
        vm.onDraftingStartedChanged(today.minusDays(40).toString())
        vm.onConsultationDateChanged(today.minusDays(30).toString())
        vm.onApprovedDateChanged(today.minusDays(10).toString())
        vm.onInForceDateChanged(today.toString())
        vm.save(submit = true)
        val saved = vm.state.awaitIs<CovenantUiState.Content> { it.editor == null && it.savedAreaId == Areas.RACH_SUNG }
        val recorded = saved.rows.single()
        assertEquals(CovenantStatus.IN_FORCE, recorded.status)
        assertTrue(recorded.withEnvironment)
        assertEquals(ReviewStatus.AWAITING_REVIEW, recorded.reviewStatus)
        assertEquals(1, saved.inForceWithEnvironment)
        assertEquals(listOf("Phân loại rác tại nguồn", "Không đổ rác xuống kênh"), head.covenant(recorded.recordId!!).value.clauses)
        kotlinx.coroutines.runBlocking { h.sync(head).sync() }

        val (staff, _) = h.enrolled("staff", server.staffCode())
        kotlinx.coroutines.runBlocking { h.sync(staff).sync() }
        val all = CovenantViewModel(staff, h.scope, h.io).state.awaitIs<CovenantUiState.Content>()
        assertEquals(5, all.rows.size)
        assertEquals(CovenantStatus.IN_FORCE, all.rows.single { it.areaId == Areas.RACH_SUNG }.status)
        assertTrue(all.rows.filter { it.areaId != Areas.RACH_SUNG }.all { it.status == null })
    }

    @Test
    fun `a volunteer reads the covenant status but cannot record it`() {
        val (volunteer, _) = h.enrolled("volunteer", server.volunteerCode(Areas.VAM_XANG))
        val vm = CovenantViewModel(volunteer, h.scope, h.io)
        val content = vm.state.awaitIs<CovenantUiState.Content>()
        assertFalse(content.rows.single().canEdit)
        vm.open(Areas.VAM_XANG)
        Thread.sleep(200)
        assertNull((vm.state.value as CovenantUiState.Content).editor)
    }
}
