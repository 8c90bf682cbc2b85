package vn.sachxanh.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.advanceUntilIdle
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.FieldInput
import vn.sachxanh.core.FormState
import vn.sachxanh.core.HouseholdPage
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.ReviewStatus
import vn.sachxanh.core.SachxanhInterface

/** HouseholdsScreen and the household form: search, page, add (with mistakes first), fix. */
@OptIn(ExperimentalCoroutinesApi::class) // virtual time for the typing pauses
class HouseholdsFlowTest : FlowTest() {
    private fun add(phone: SachxanhInterface, area: String, name: String) {
        val form = h.form(phone, RecordKind.HOUSEHOLD, areaId = area)
        form.editing()
        form.onText("head_name", name)
        form.onText("address", "Số 8, đường ven kênh")
        form.onText("members", "4")
        form.save(submit = false)
        form.saved()
    }

    @Test
    fun `adding a household shows the mistakes under their fields, in Vietnamese, then saves`() {
        val (phone, _) = h.enrolled("form", server.volunteerCode(Areas.MY_HOA))
        val form = h.form(phone, RecordKind.HOUSEHOLD, areaId = Areas.MY_HOA)
        val blank = form.editing()
        assertEquals(Areas.MY_HOA, blank.areaId)
        assertTrue(blank.mayWrite)
        assertTrue(blank.fields.all { it.problems.isEmpty() }, "a new form shows no mistakes before anything is typed")

        form.onText("members", "0")
        // Checked as typed: only the field the person has been at says something yet.
        val typed = form.editing { it["members"]!!.problems.isNotEmpty() }
        val range = typed["members"]!!.problems.single()
        assertTrue(range.vi.contains("khoảng"), range.vi)
        assertTrue(range.en.contains("between"), range.en)
        assertTrue(typed.problemsVi("head_name").isEmpty())

        form.save(submit = true)
        val mistakes = form.editing { !it.saving && it["head_name"]!!.problems.isNotEmpty() }
        assertEquals(setOf("head_name", "address", "members"), mistakes.fields.filter { it.problems.isNotEmpty() }.map { it.path }.toSet())
        assertFalse(mistakes.saving)

        // Typed letters in a number field: the core says so under the field, nothing is saved.
        form.onText("head_name", "Võ Thị Mười")
        form.onText("address", "Số 1, ấp Mỹ Hòa")
        form.onText("members", "bốn")
        form.save(submit = true)
        val notNumber = form.editing { !it.saving && it.problemsVi("members").any { p -> p.contains("số nguyên") } }
        assertEquals(listOf("members"), notNumber.fields.filter { it.problems.isNotEmpty() }.map { it.path })
        assertEquals("bốn", notNumber["members"]!!.text, "what was typed stays")

        form.onText("members", "4")
        form.onGpsFix("location", Areas.inMyHoa.lon, Areas.inMyHoa.lat, 6f)
        form.save(submit = true)
        val saved = form.saved()
        assertTrue(saved.submitted)
        assertEquals(ReviewStatus.AWAITING_REVIEW, saved.record.status)
        val stored = phone.form(saved.id)
        assertEquals("Võ Thị Mười", stored.fields.single { it.path == "head_name" }.value.let { (it as vn.sachxanh.core.FieldValue.Text).text })
        assertEquals("4", (stored.fields.single { it.path == "members" }.value as vn.sachxanh.core.FieldValue.Text).text)
        assertEquals(Areas.inMyHoa, (stored.fields.single { it.path == "location" }.value as vn.sachxanh.core.FieldValue.Place).place!!.coords.single())
    }

    @Test
    fun `the list searches without diacritics, pages with the core's cursor, and shows what was added`() {
        val (phone, _) = h.enrolled("list", server.volunteerCode(Areas.BEN_DINH))
        val list = HouseholdsViewModel(phone, h.scope, h.io, pageSize = 2)
        val empty = list.state.awaitIs<HouseholdsUiState.Empty>()
        assertEquals("Ấp Bến Đình", empty.area.name)
        assertEquals("", empty.query)
        assertEquals(FormTarget(RecordKind.HOUSEHOLD, areaId = Areas.BEN_DINH), list.add())

        val names = listOf("Nguyễn Văn Một", "Nguyễn Thị Hai", "Trần Văn Ba", "Lê Thị Bốn", "Nguyễn Văn Năm")
        for (n in names) add(phone, Areas.BEN_DINH, n)
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
        val row = all.items.first()
        assertEquals(FormTarget(RecordKind.HOUSEHOLD, row.id, Areas.BEN_DINH), list.open(row))
        assertEquals(FormTarget(RecordKind.SORTING_CHECK, null, Areas.BEN_DINH, row.id), list.check(row))

        // Typed on a phone without Vietnamese keyboard.
        list.onQueryChanged("nguyen van")
        val found = list.state.awaitIs<HouseholdsUiState.Content> { it.query == "nguyen van" && it.next == null && it.items.size == 2 }
        assertEquals(setOf("Nguyễn Văn Một", "Nguyễn Văn Năm"), found.items.map { it.headName }.toSet())

        list.onQueryChanged("khong co ai")
        assertEquals("khong co ai", list.state.awaitIs<HouseholdsUiState.Empty> { it.query == "khong co ai" }.query)
    }

    /** The core as the app sees it, counting searches and checks (the interface is the seam for that). */
    private class CountingCore(private val inner: SachxanhInterface) : SachxanhInterface by inner {
        val searches = mutableListOf<String>()
        val checks = mutableListOf<List<FieldInput>>()
        override fun households(areaId: String, query: String, after: String?, limit: UInt): HouseholdPage {
            searches += query
            return inner.households(areaId, query, after, limit)
        }

        override fun checkForm(kind: RecordKind, id: String?, areaId: String, values: List<FieldInput>): FormState {
            checks += values
            return inner.checkForm(kind, id, areaId, values)
        }
    }

    @Test
    fun `typing a name searches once, after the pause, not at every letter`() = runTest {
        val (phone, _) = h.enrolled("typing", server.volunteerCode(Areas.RACH_SUNG))
        phone.addHousehold("Nguyễn Văn Gõ", Areas.RACH_SUNG)
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
    fun `a form is checked once the person stops typing, not at every letter`() = runTest {
        val (phone, _) = h.enrolled("checking", server.volunteerCode(Areas.RACH_SUNG))
        val core = CountingCore(phone)
        val screen = Job()
        val form = RecordFormViewModel(
            core, h.clock, CoroutineScope(coroutineContext + screen), StandardTestDispatcher(testScheduler),
            RecordKind.HOUSEHOLD, areaId = Areas.RACH_SUNG,
        )
        advanceUntilIdle()
        assertTrue(form.state.value is RecordFormUiState.Editing)
        assertTrue(core.checks.isEmpty(), "nothing is checked before anything is typed")
        for (typed in listOf("1", "12", "12,", "12,5")) {
            form.onText("members", typed)
            advanceTimeBy(200)
        }
        assertTrue(core.checks.isEmpty(), "nothing is checked while the person is typing")
        advanceUntilIdle()
        assertEquals(1, core.checks.size)
        assertTrue(FieldInput("members", vn.sachxanh.core.FieldValue.Text("12,5")) in core.checks.single())
        // "12,5" is no count of people: the core says so under the field.
        val shown = form.state.value as RecordFormUiState.Editing
        assertTrue(shown.problemsVi("members").single().contains("số nguyên"), shown.problemsVi("members").toString())
        // A name typed and a point placed within one pause: one check reads both.
        form.onText("head_name", "Ông Gõ")
        advanceTimeBy(10)
        form.onGpsFix("location", Areas.outsideCommune.lon, Areas.outsideCommune.lat, 4f)
        advanceUntilIdle()
        assertEquals(2, core.checks.size, "one check for the name and the place together")
        val placed = form.state.value as RecordFormUiState.Editing
        assertTrue(placed.problemsVi("location").single().contains("ngoài"), placed.problemsVi("location").toString())
        screen.cancel()
    }

    @Test
    fun `adding a household already recorded shows it before saving, a different one shows nothing`() {
        val (first, _) = h.enrolled("known", server.volunteerCode(Areas.CAU_TRE))
        val (second, _) = h.enrolled("adding", server.volunteerCode(Areas.CAU_TRE))
        // Recorded with diacritics on another phone of the hamlet, and synced to this one.
        val known = when (
            val out = first.saveForm(
                RecordKind.HOUSEHOLD, null, Areas.CAU_TRE,
                listOf(
                    FieldInput("area_id", vn.sachxanh.core.FieldValue.Text(Areas.CAU_TRE)),
                    FieldInput("head_name", vn.sachxanh.core.FieldValue.Text("Nguyễn Văn A")),
                    FieldInput("address", vn.sachxanh.core.FieldValue.Text("số 12, hẻm 3")),
                    FieldInput("members", vn.sachxanh.core.FieldValue.Text("4")),
                ),
            )
        ) {
            is vn.sachxanh.core.SaveOutcome.Saved -> out.record.id
            is vn.sachxanh.core.SaveOutcome.Problems -> throw AssertionError("not saved: $out")
        }
        runBlocking { h.sync(first).sync() }
        runBlocking { h.sync(second).sync() }

        // Typed without diacritics or punctuation, before the number of members: the hint shows.
        val form = h.form(second, RecordKind.HOUSEHOLD, areaId = Areas.CAU_TRE)
        assertTrue(form.editing().similar.isEmpty(), "no hint before anything is typed")
        form.onText("head_name", "Nguyen Van A")
        form.onText("address", "so 12 hem 3")
        val hinted = form.editing { it.similar.isNotEmpty() }
        val shown = hinted.similar.single()
        assertEquals(known, shown.id)
        assertEquals("Nguyễn Văn A", shown.headName)
        assertEquals("số 12, hẻm 3", shown.address)
        assertEquals(Areas.CAU_TRE, shown.areaId)

        // Another house number is another household: the hint goes away, and it saves.
        form.onText("address", "so 21 hem 3")
        form.editing { it.similar.isEmpty() && it["address"]!!.text == "so 21 hem 3" && !it.checking }
        form.onText("members", "3")
        form.save(submit = false)
        assertNotNull(form.saved().id)
    }

    @Test
    fun `staff switch between the commune's hamlets`() {
        val (staff, _) = h.enrolled("staff", server.staffCode())
        val list = HouseholdsViewModel(staff, h.scope, h.io)
        val first = list.state.awaitIs<HouseholdsUiState.Empty>()
        assertEquals(staff.capabilities()!!.areas, first.areas)
        list.selectArea(Areas.VAM_XANG)
        assertEquals("Ấp Vàm Xáng", list.state.awaitIs<HouseholdsUiState.Empty> { it.area.id == Areas.VAM_XANG }.area.name)
    }
}
