package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.advanceUntilIdle
import kotlinx.coroutines.test.runTest
import vn.sachxanh.core.HouseholdPage
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

/** HouseholdsScreen and HouseholdFormScreen: search, page, add (with a mistake first), fix. */
class HouseholdsFlowTest : FlowTest() {
    private fun add(vm: HouseholdFormViewModel, name: String, members: String = "4") {
        vm.onHeadNameChanged(name)
        vm.onAddressChanged("Số 8, đường ven kênh")
        vm.onMembersChanged(members)
        vm.save(submit = false)
    }

    @Test
    fun `adding a household shows the mistakes under their fields, in Vietnamese, then saves`() {
        val (phone, _) = h.enrolled("form", server.volunteerCode(Areas.MY_HOA))
        val form = HouseholdFormViewModel(phone, h.scope, h.io, Areas.MY_HOA)
        form.onMembersChanged("0")
        form.save(submit = true)
        val mistakes = form.state.awaitIs<HouseholdFormUiState.Editing> { !it.errors.isEmpty }
        assertEquals(setOf(HouseholdField.HEAD_NAME, HouseholdField.ADDRESS, HouseholdField.MEMBERS), mistakes.errors.byField.keys)
        assertTrue(mistakes.errors[HouseholdField.MEMBERS]!!.vi.startsWith("Số nhân khẩu"), mistakes.errors[HouseholdField.MEMBERS]!!.vi)
        assertTrue(mistakes.errors[HouseholdField.MEMBERS]!!.en.startsWith("Household members"))
        assertFalse(mistakes.saving)

        // Typed letters in a number field: said under the field, nothing saved.
        form.onHeadNameChanged("Võ Thị Thử")
        form.onAddressChanged("Số 1, ấp Mỹ Hòa")
        form.onMembersChanged("bốn")
        form.save(submit = true)
        val notNumber = form.state.awaitIs<HouseholdFormUiState.Editing> { it.errors[HouseholdField.MEMBERS] == Texts.notAWholeNumber }
        assertEquals(setOf(HouseholdField.MEMBERS), notNumber.errors.byField.keys)
        assertEquals("bốn", notNumber.form.members, "what was typed stays")

        form.onMembersChanged("4")
        form.onLocation(Areas.inMyHoa.lon, Areas.inMyHoa.lat)
        form.save(submit = true)
        val saved = form.state.awaitIs<HouseholdFormUiState.Saved>()
        assertTrue(saved.submitted)
        val stored = phone.household(saved.id)
        assertEquals("Võ Thị Thử", stored.value.headName)
        assertEquals(4u, stored.value.members)
        assertEquals(ReviewStatus.AWAITING_REVIEW, stored.status)
    }

    @Test
    fun `the list searches without diacritics, pages with the core's cursor, and shows what was added`() {
        val (phone, _) = h.enrolled("list", server.volunteerCode(Areas.BEN_DINH))
        val list = HouseholdsViewModel(phone, h.scope, h.io, pageSize = 2)
        val empty = list.state.awaitIs<HouseholdsUiState.Empty>()
        assertEquals("Ấp Bến Đình", empty.area.name)
        assertEquals("", empty.query)

        val names = listOf("Nguyễn Văn Một", "Nguyễn Thị Hai", "Trần Văn Ba", "Lê Thị Bốn", "Nguyễn Văn Năm")
        for (n in names) {
            val form = HouseholdFormViewModel(phone, h.scope, h.io, Areas.BEN_DINH)
            add(form, n)
            form.state.awaitIs<HouseholdFormUiState.Saved>()
        }
        list.refresh()
        val first = list.state.awaitIs<HouseholdsUiState.Content>()
        assertEquals(2, first.items.size)
        assertNotNull(first.next)
        assertTrue(first.canLoadMore)

        list.loadMore()
        list.state.awaitIs<HouseholdsUiState.Content> { it.items.size == 4 && !it.loadingMore }
        list.loadMore()
        val all = list.state.awaitIs<HouseholdsUiState.Content> { it.items.size == 5 && !it.loadingMore }
        assertNull(all.next)
        assertFalse(all.canLoadMore)
        assertEquals(names.toSet(), all.items.map { it.headName }.toSet())
        assertTrue(all.items.all { it.status == ReviewStatus.DRAFT })

        // Typed on a phone without Vietnamese keyboard.
        list.onQueryChanged("nguyen van")
        val found = list.state.awaitIs<HouseholdsUiState.Content> { it.query == "nguyen van" && it.next == null && it.items.size == 2 }
        assertEquals(setOf("Nguyễn Văn Một", "Nguyễn Văn Năm"), found.items.map { it.headName }.toSet())

        list.onQueryChanged("khong co ai")
        assertEquals("khong co ai", list.state.awaitIs<HouseholdsUiState.Empty> { it.query == "khong co ai" }.query)
    }

    /** The core as the app sees it, counting searches (the interface is the seam for that). */
    private class CountingCore(private val inner: SachxanhInterface) : SachxanhInterface by inner {
        val searches = mutableListOf<String>()
        override fun households(areaId: String, query: String, after: String?, limit: UInt): HouseholdPage {
            searches += query
            return inner.households(areaId, query, after, limit)
        }
    }

    @Test
    fun `typing a name searches once, after the pause, not at every letter`() = runTest {
        val (phone, _) = h.enrolled("typing", server.volunteerCode(Areas.RACH_SUNG))
        phone.createHousehold(household("Nguyễn Văn Gõ", Areas.RACH_SUNG))
        val core = CountingCore(phone)
        // Virtual time for the typing pause; the core calls run on the test scheduler too. The
        // holder's scope is the screen's: closed at the end (advanceUntilIdle skips backgroundScope).
        val screen = Job()
        val list = HouseholdsViewModel(core, CoroutineScope(coroutineContext + screen), StandardTestDispatcher(testScheduler))
        advanceUntilIdle()
        assertEquals(listOf(""), core.searches)
        for (typed in listOf("n", "ng", "ngu", "nguy", "nguye", "nguyen")) {
            list.onQueryChanged(typed)
            advanceTimeBy(120)
        }
        assertEquals(listOf(""), core.searches, "nothing is searched while the person is typing")
        advanceUntilIdle()
        assertEquals(listOf("", "nguyen"), core.searches)
        assertEquals(listOf("Nguyễn Văn Gõ"), (list.state.value as HouseholdsUiState.Content).items.map { it.headName })
        screen.cancel()
    }

    @Test
    fun `staff switch between the commune's hamlets`() {
        val (staff, _) = h.enrolled("staff", server.staffCode())
        val list = HouseholdsViewModel(staff, h.scope, h.io)
        val first = list.state.awaitIs<HouseholdsUiState.Empty>()
        assertEquals(5, first.areas.size)
        list.selectArea(Areas.VAM_XANG)
        assertEquals("Ấp Vàm Xáng", list.state.awaitIs<HouseholdsUiState.Empty> { it.area.id == Areas.VAM_XANG }.area.name)
    }
}
