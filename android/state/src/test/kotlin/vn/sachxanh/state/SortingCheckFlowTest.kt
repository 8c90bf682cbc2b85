package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.Input
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import java.time.LocalDate
import java.time.format.DateTimeFormatter

/** The sorting check form: a visit to one household, saved and sent for review. */
class SortingCheckFlowTest : FlowTest() {
    private val day = DateTimeFormatter.ofPattern("dd/MM/yyyy")

    @Test
    fun `a check is filled for today, a wrong date is shown under the date, then saved and submitted`() {
        val (phone, me) = h.enrolled("check", server.volunteerCode(Areas.MY_HOA))
        val house = phone.addHousehold("Huỳnh Thị Kiểm")
        // Started from the household's page: the form knows the household and its hamlet.
        val vm = h.form(phone, RecordKind.SORTING_CHECK, householdId = house)
        val blank = vm.editing()
        assertEquals(Areas.MY_HOA, blank.areaId)
        val household = blank.fields.single { it.input is Input.Household }
        assertEquals(house, household.text)
        assertTrue(household.household!!.vi.startsWith("Huỳnh Thị Kiểm"), household.household!!.vi)
        assertEquals(LocalDate.now(h.clock).format(day), blank["check_date"]!!.text, "today, written the Vietnamese way")
        assertFalse(blank["checked_by"]!!.shown, "who checked is the app's to fill, not a field to type")
        assertEquals(me.personId, blank["checked_by"]!!.text)

        // A day that does not exist, then one in the future: the core's words under the date.
        vm.onText("check_date", "31/02/2026")
        val malformed = vm.editing { it["check_date"]!!.problems.isNotEmpty() }
        assertTrue(malformed.problemsVi("check_date").single().contains("không hợp lệ"), malformed.problemsVi("check_date").toString())
        vm.onDatePicked("check_date", LocalDate.now(h.clock).plusDays(5))
        val future = vm.editing { it.problemsVi("check_date").any { p -> p.contains("tương lai") } }
        assertEquals(listOf("check_date"), future.fields.filter { it.problems.isNotEmpty() }.map { it.path })

        vm.onDatePicked("check_date", LocalDate.now(h.clock))
        for (yes in listOf("recyclable_sorted", "food_sorted", "other_sorted", "hazardous_separated", "served_by_collection")) vm.onFlag(yes, true)
        vm.onFlag("hazardous_separated", false)
        vm.onText("note", "Hộ có thùng rác ba ngăn")
        vm.save(submit = true)
        val saved = vm.saved()
        assertTrue(saved.submitted)
        assertEquals(ReviewStatus.AWAITING_REVIEW, saved.record.status)
        val latest = phone.latestChecks(Areas.MY_HOA).single()
        assertEquals(house, latest.householdId)
        assertTrue(latest.allSorted)

        // Opened again, the form shows what was recorded.
        val reopened = h.form(phone, RecordKind.SORTING_CHECK, recordId = saved.id).editing()
        val ticked = reopened.fields.filter { it.input is Input.Flag && it.on }.map { it.path }.toSet()
        assertEquals(setOf("recyclable_sorted", "food_sorted", "other_sorted", "served_by_collection"), ticked)
        assertEquals("Hộ có thùng rác ba ngăn", reopened["note"]!!.text)
        assertTrue(reopened.fields.single { it.input is Input.Household }.household!!.vi.startsWith("Huỳnh Thị Kiểm"))
        assertEquals(ReviewStatus.AWAITING_REVIEW, reopened.status)
        assertEquals(saved.record.statusLabel, reopened.statusLabel)
    }

    @Test
    fun `a household that is not on the phone cannot be checked`() {
        val (phone, _) = h.enrolled("missing", server.volunteerCode(Areas.MY_HOA))
        val vm = h.form(phone, RecordKind.SORTING_CHECK, householdId = "0190d5a8-0000-7000-8000-000000000000")
        assertTrue(vm.state.awaitIs<RecordFormUiState.Error>().message.vi.contains("Không tìm thấy"))
    }
}
