package vn.sachxanh.state

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.AnyRecord
import vn.sachxanh.core.CovenantStatus
import vn.sachxanh.core.Input
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import java.time.LocalDate

/** CovenantScreen: each area's covenant status; area heads record theirs through its form. */
class CovenantFlowTest : FlowTest() {
    @Test
    fun `an area head records the covenant in force, staff see it per area after sync`() {
        val (head, _) = h.enrolled("head", server.areaHeadCode(Areas.RACH_SUNG))
        val list = CovenantViewModel(head, h.scope, h.io)
        val before = list.state.awaitIs<CovenantUiState.Content>()
        val row = before.rows.single()
        assertEquals("Ấp Rạch Sung", row.areaName)
        assertNull(row.status, "nobody recorded it yet")
        assertTrue(row.statusLabel.vi.isNotBlank(), "the core says it is not recorded yet")
        assertTrue(row.canEdit)

        val target = list.edit(Areas.RACH_SUNG)!!
        assertEquals(FormTarget(RecordKind.COVENANT, null, Areas.RACH_SUNG), target)
        val form = h.form(head, target.kind, target.recordId, target.areaId)
        val blank = form.editing()
        val statuses = (blank["status"]!!.input as Input.Choice).options
        val inForce = statuses.last()
        // Straight to the last step: every date it needs and the clauses are said missing.
        form.onChoice("status", inForce.code)
        form.save(submit = true)
        val mistakes = form.editing { !it.saving && it.hasProblems }
        val missing = mistakes.fields.filter { it.problems.isNotEmpty() }.map { it.path }.toSet()
        assertTrue("clauses" in missing, mistakes.toString())
        assertTrue("in_force_date" in missing, mistakes.toString())
        assertTrue(mistakes["in_force_date"]!!.shown, "the dates of a reached step are shown")
        assertTrue(mistakes.problemsVi("clauses").single().contains(inForce.label.vi))

        val today = LocalDate.now(h.clock)
        form.onLinesText("clauses", "Phân loại rác tại nguồn\nKhông đổ rác xuống kênh\n")
        form.onDatePicked("drafting_started", today.minusDays(40))
        form.onDatePicked("consultation_date", today.minusDays(30))
        form.onDatePicked("approved_date", today.minusDays(10))
        form.onDatePicked("in_force_date", today)
        form.save(submit = true)
        val saved = form.saved()
        val covenant = (saved.record.value as AnyRecord.Covenant).v1
        assertEquals(listOf("Phân loại rác tại nguồn", "Không đổ rác xuống kênh"), covenant.clauses, "blank lines are not clauses")

        list.refresh()
        val recorded = list.state.awaitIs<CovenantUiState.Content> { it.rows.single().status != null }.rows.single()
        assertEquals(CovenantStatus.IN_FORCE, recorded.status)
        assertEquals(inForce.label, recorded.statusLabel)
        assertTrue(recorded.withEnvironment)
        assertEquals(ReviewStatus.AWAITING_REVIEW, recorded.reviewStatus)
        assertEquals(saved.id, recorded.recordId)
        assertEquals(FormTarget(RecordKind.COVENANT, saved.id, Areas.RACH_SUNG), list.edit(Areas.RACH_SUNG))
        runBlocking { h.sync(head).sync() }

        val (staff, _) = h.enrolled("staff", server.staffCode())
        runBlocking { h.sync(staff).sync() }
        val all = CovenantViewModel(staff, h.scope, h.io).state.awaitIs<CovenantUiState.Content>()
        assertEquals(staff.capabilities()!!.areas.map { it.id }, all.rows.map { it.areaId })
        assertEquals(CovenantStatus.IN_FORCE, all.rows.single { it.areaId == Areas.RACH_SUNG }.status)
        assertTrue(all.rows.filter { it.areaId != Areas.RACH_SUNG }.all { it.status == null })
    }

    @Test
    fun `a volunteer reads the covenant status but cannot record it`() {
        val (volunteer, _) = h.enrolled("volunteer", server.volunteerCode(Areas.VAM_XANG))
        val vm = CovenantViewModel(volunteer, h.scope, h.io)
        val content = vm.state.awaitIs<CovenantUiState.Content>()
        assertFalse(content.rows.single().canEdit)
        assertNull(vm.edit(Areas.VAM_XANG))
        // Opened anyway (a link, an old screen): the form is read only and nothing is saved.
        val form = h.form(volunteer, RecordKind.COVENANT, areaId = Areas.VAM_XANG)
        val readOnly = form.editing()
        assertFalse(readOnly.mayWrite)
        assertFalse(readOnly.canSave)
        form.onLinesText("clauses", "Không đốt rác")
        form.save(submit = false)
        Thread.sleep(200)
        assertEquals("", (form.state.value as RecordFormUiState.Editing)["clauses"]!!.linesText)
    }

    @Test
    fun `the covenant list shows exactly the person's areas`() {
        val people = listOf(
            h.enrolled("list-volunteer", server.volunteerCode(Areas.BEN_DINH)).first,
            h.enrolled("list-head", server.areaHeadCode(Areas.CAU_TRE)).first,
            h.enrolled("list-staff", server.staffCode()).first,
        )
        for (phone in people) {
            val rows = CovenantViewModel(phone, h.scope, h.io).state.awaitIs<CovenantUiState.Content>().rows
            assertEquals(phone.capabilities()!!.areas.map { it.id to it.name }, rows.map { it.areaId to it.areaName })
        }
    }
}
