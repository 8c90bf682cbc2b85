package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.ReviewStatus
import java.time.LocalDate

/** SortingCheckScreen: a visit to one household, saved and sent for review. */
class SortingCheckFlowTest : FlowTest() {
    @Test
    fun `a check is filled for today, a wrong date is shown under the date, then saved and submitted`() {
        val (phone, me) = h.enrolled("check", server.volunteerCode(Areas.MY_HOA))
        val house = phone.createHousehold(household("Huỳnh Thị Kiểm"))
        val vm = SortingCheckViewModel(phone, h.clock, h.scope, h.io, householdId = house)
        val blank = vm.state.awaitIs<SortingCheckUiState.Editing>()
        assertEquals("Huỳnh Thị Kiểm", blank.form.householdName)
        assertEquals(LocalDate.now(h.clock).toString(), blank.form.date)
        assertEquals(me.personId, blank.form.checkedBy)

        // A date typed the Vietnamese way is not read as a date; a future one is refused.
        vm.onDateChanged("21/11/2026")
        vm.save(submit = true)
        val malformed = vm.state.awaitIs<SortingCheckUiState.Editing> { !it.errors.isEmpty }
        assertTrue(malformed.errors[SortingCheckField.DATE]!!.vi.contains("không hợp lệ"), malformed.errors.toString())
        vm.onDateChanged(LocalDate.now(h.clock).plusDays(5).toString())
        vm.save(submit = true)
        val future = vm.state.awaitIs<SortingCheckUiState.Editing> { it.errors[SortingCheckField.DATE]?.vi?.contains("tương lai") == true }
        assertEquals(setOf(SortingCheckField.DATE), future.errors.byField.keys)

        vm.onDateChanged(LocalDate.now(h.clock).toString())
        SortingAnswer.entries.filter { it != SortingAnswer.BURNING_SEEN && it != SortingAnswer.DUMPING_SEEN }
            .forEach { vm.onAnswer(it, true) }
        vm.onAnswer(SortingAnswer.HAZARDOUS_SEPARATED, false)
        vm.onNoteChanged("Hộ có thùng rác ba ngăn")
        vm.save(submit = true)
        val saved = vm.state.awaitIs<SortingCheckUiState.Saved>()
        assertTrue(saved.submitted)

        val stored = phone.sortingCheck(saved.id)
        assertEquals(ReviewStatus.AWAITING_REVIEW, stored.status)
        assertTrue(stored.value.recyclableSorted && stored.value.foodSorted && stored.value.otherSorted)
        assertTrue(!stored.value.hazardousSeparated && !stored.value.burningSeen)
        val latest = phone.latestChecks(Areas.MY_HOA).single()
        assertEquals(house, latest.householdId)
        assertTrue(latest.allSorted)

        // Opened again, the form shows what was recorded.
        val reopened = SortingCheckViewModel(phone, h.clock, h.scope, h.io, checkId = saved.id)
        val shown = reopened.state.awaitIs<SortingCheckUiState.Editing>()
        assertEquals(setOf(SortingAnswer.RECYCLABLE_SORTED, SortingAnswer.FOOD_SORTED, SortingAnswer.OTHER_SORTED, SortingAnswer.SERVED_BY_COLLECTION), shown.form.yes)
        assertEquals(ReviewStatus.AWAITING_REVIEW, shown.status)
    }

    @Test
    fun `a household that is not on the phone cannot be checked`() {
        val (phone, _) = h.enrolled("missing", server.volunteerCode(Areas.MY_HOA))
        val vm = SortingCheckViewModel(phone, h.clock, h.scope, h.io, householdId = "0190d5a8-0000-7000-8000-000000000000")
        assertTrue(vm.state.awaitIs<SortingCheckUiState.Error>().message.vi.contains("Không tìm thấy"))
    }
}
