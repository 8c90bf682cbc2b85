package vn.sachxanh.state

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import vn.sachxanh.core.RecordKind
import vn.sachxanh.core.catalog

/**
 * Every word the state layer hands to screens about the campaign's data is the core's: form
 * titles, field labels, headings and help, choice labels, status and role labels, the "new
 * record" menu. A few Vietnamese words are pinned so that a drift in the core is noticed too.
 */
class LabelsTest : FlowTest() {
    private val catalog = catalog()

    private fun kindLabel(kind: RecordKind) = catalog.kinds.single { it.kind == kind }.label

    @Test
    fun `forms and the home menu speak the core's words for every kind and field`() {
        val (staff, me) = h.enrolled("labels-staff", server.staffCode())
        val home = HomeViewModel(staff, h.sync(staff), h.scope, h.io).state.awaitIs<HomeUiState.Ready>()
        assertEquals(catalog.roles.single { it.code == me.role.name.lowercase() }.label, home.roleLabel)
        // Staff may record every kind: the menu lists them all, named as the catalogue names them.
        val recorded = catalog.kinds.filter { k -> home.newRecord.any { it.kind == k.kind } }
        assertEquals(home.newRecord.map { it.kind }, recorded.map { it.kind })
        assertEquals(recorded.map { it.label }, home.newRecord.map { it.label })
        assertTrue(recorded.size >= 8, "households, checks, cleanups, covenants, collection points, black spots, briefings, models")

        for (kind in recorded) {
            val form = h.form(staff, kind.kind).editing()
            assertEquals(kind.label, form.title, "${kind.kind}'s form title")
            assertEquals(kind.fields.map { it.path }, form.fields.map { it.path }, "${kind.kind}'s fields in order")
            for ((info, field) in kind.fields.zip(form.fields)) {
                assertEquals(info.label, field.label, "${kind.kind}.${info.path} label")
                assertEquals(info.section, field.section, "${kind.kind}.${info.path} heading")
                assertEquals(info.help, field.help, "${kind.kind}.${info.path} help")
                // Choice options, photo stages, place shapes and units travel inside the input.
                assertEquals(info.input, field.input, "${kind.kind}.${info.path} input and its labels")
                assertEquals(info.required, field.required)
            }
        }

        // Pinned words: what volunteers read on the menu and the forms.
        assertEquals("Ra quân tổng vệ sinh", kindLabel(RecordKind.CLEANUP).vi)
        assertEquals("Phổ biến, quán triệt", kindLabel(RecordKind.BRIEFING).vi)
        assertEquals("Hộ gia đình", kindLabel(RecordKind.HOUSEHOLD).vi)
        assertEquals("Ra quân tổng vệ sinh", h.form(staff, RecordKind.CLEANUP).editing().title.vi)
        assertEquals("Số nhân khẩu", h.form(staff, RecordKind.HOUSEHOLD).editing()["members"]!!.label.vi)
        assertEquals("Household members", h.form(staff, RecordKind.HOUSEHOLD).editing()["members"]!!.label.en)
    }

    @Test
    fun `lists show the core's status labels`() {
        val (phone, _) = h.enrolled("labels-volunteer", server.volunteerCode(Areas.MY_HOA))
        val sent = phone.addHousehold("Bùi Văn Nhãn")
        phone.submit(sent)
        phone.addHousehold("Bùi Thị Nháp")
        val outbox = OutboxViewModel(phone, h.sync(phone), h.scope, h.io).state.awaitIs<OutboxUiState.Content> { it.items.size == 2 }
        val statuses = outbox.items.map { it.status }.toSet()
        assertEquals(2, statuses.size, "a draft and one sent for review")
        for (item in outbox.items) {
            assertEquals(catalog.reviewStatuses.single { it.code == item.status.name.lowercase() }.label, item.statusLabel)
            assertEquals(kindLabel(item.kind), item.kindLabel)
        }
        val home = HomeViewModel(phone, h.sync(phone), h.scope, h.io).state.awaitIs<HomeUiState.Ready>()
        val todo = home.todo.single()
        assertEquals(catalog.reviewStatuses.single { it.code == todo.status.name.lowercase() }.label, todo.statusLabel)
        val list = HouseholdsViewModel(phone, h.scope, h.io).state.awaitIs<HouseholdsUiState.Content>()
        for (row in list.items) {
            assertEquals(catalog.reviewStatuses.single { it.code == row.status.name.lowercase() }.label, row.statusLabel)
        }
        val form = h.form(phone, RecordKind.HOUSEHOLD, recordId = sent).editing()
        assertEquals(catalog.reviewStatuses.single { it.code == form.status!!.name.lowercase() }.label, form.statusLabel)
    }
}
